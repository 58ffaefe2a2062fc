import pytest

from nlp.normalize import normalize
from nlp.sections import classify, split_sections
from tests.nlp.fixtures import INDICTMENT, JUDGMENT


@pytest.mark.parametrize(
    ("head", "doc_type"),
    [("某市某区人民法院刑事判决书（2021）", "刑事判决书"),
     ("某市某区人民检察院起诉书某检刑诉〔2021〕1号", "起诉书"),
     ("某市公安局起诉意见书某公诉字〔2021〕1号", "起诉意见书"),
     ("某市公安局提请批准逮捕书", "提请批准逮捕书"),
     ("某市公安局拘留证", "拘留证/逮捕证"),
     ("某市公安局逮捕证", "拘留证/逮捕证"),
     ("讯问笔录时间：2021年1月1日", "讯问笔录"),
     ("受案登记表", "受案登记表"),
     ("情况说明", "other")],
)
def test_classify(head: str, doc_type: str) -> None:
    assert classify(head)[0] == doc_type


def test_indictment_mentioned_inside_a_judgment_is_not_its_title() -> None:
    assert classify("某县人民法院以某检刑诉（2020）1号起诉书指控")[0] == "other"


def test_judgment_sections() -> None:
    text = normalize(JUDGMENT).text
    sec = split_sections(text)
    assert sec.doc_type == "刑事判决书"
    assert text[slice(*sec.defendants)].startswith("被告人张小明")  # type: ignore[misc]
    assert text[slice(*sec.reasoning)].startswith("本院认为")  # type: ignore[misc]
    assert text[slice(*sec.verdict)].lstrip("：").startswith("一、被告人张小明")  # type: ignore[misc]
    assert "如不服" not in text[slice(*sec.verdict)]  # type: ignore[misc]


def test_indictment_sections() -> None:
    text = normalize(INDICTMENT).text
    sec = split_sections(text)
    assert sec.doc_type == "起诉书"
    assert sec.verdict is None
    assert "刘大海" in text[slice(*sec.defendants)]  # type: ignore[misc]


def test_fact_section_has_no_party_paragraph() -> None:
    text = "经审理查明，2020年1月1日，被告人张某在某市窃得手机一部。"
    assert split_sections(text).defendants is None
