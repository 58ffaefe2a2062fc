from nlp.components import DEFENDANTS_COMPONENT, DOCUMENT_COMPONENT, SECTIONS_COMPONENT
from nlp.normalize import normalize
from nlp.pipeline import load_pipeline
from tests.nlp.fixtures import JUDGMENT


def test_pipeline_is_built_once_with_our_components() -> None:
    nlp = load_pipeline()
    assert nlp is load_pipeline()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == [SECTIONS_COMPONENT, DOCUMENT_COMPONENT, DEFENDANTS_COMPONENT]
    meta = nlp.get_pipe_meta(DEFENDANTS_COMPONENT)
    assert "doc._.sections" in meta.requires
    assert "doc._.defendants" in meta.assigns


def test_doc_carries_spans_entities_and_extensions() -> None:
    doc = load_pipeline()(normalize(JUDGMENT).text)
    assert doc._.doc_type == "刑事判决书"
    labels = {(e.label_, e.text) for e in doc.ents}
    assert ("CASE_NUMBER", "（2021）江0102刑初456号") in labels
    assert any(label == "DEFENDANT" and "张小明" in text for label, text in labels)
    assert {s.label_ for s in doc.spans["facts"]} >= {"COURT", "CHARGE", "DEFENDANT"}
    assert [d.name.value for d in doc._.defendants] == ["张小明", "王某某"]
