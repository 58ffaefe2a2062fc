"""Registered spaCy components: sections, document facts, defendants.

Each reads ``doc.text`` (normalised text, see :mod:`nlp.normalize`), stores its results in a
``doc._`` extension and marks the spans it read in ``doc.spans["facts"]`` (aligned with
``doc.char_span(..., alignment_mode="expand")`` so jieba token boundaries never lose a hit).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import header
from nlp.defendants import extract_defendants
from nlp.found import Found
from nlp.sections import classify, split_sections

SECTIONS_COMPONENT = "casefile_sections"
DOCUMENT_COMPONENT = "casefile_document_facts"
DEFENDANTS_COMPONENT = "casefile_defendants"
SPAN_KEY = "facts"
# doc.user_data key: the document's type as its catalogue names it (see nlp.factsheet.read_facts)
TYPE_GIVEN = "casefile_type_given"

for _name in ("doc_type", "sections", "document_facts", "defendants"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _mark(doc: Doc, found: Found | None, label: str) -> None:
    if found is None or found.end <= found.start:
        return
    span = doc.char_span(found.start, found.end, label=label, alignment_mode="expand")
    if span is not None:
        doc.spans.setdefault(SPAN_KEY, []).append(span)


@Language.component(SECTIONS_COMPONENT, assigns=["doc._.doc_type", "doc._.sections"])
def sections_component(doc: Doc) -> Doc:
    """Classify the document and locate header, defendants, facts, reasoning and verdict."""
    doc_type, title_end = classify(doc.text)
    given = doc.user_data.get(TYPE_GIVEN)
    if given is not None and given != doc_type:  # the catalogue's type (a clerk's word) wins
        doc_type, title_end = given, 0
    doc._.doc_type = doc_type
    doc._.sections = split_sections(doc.text, doc_type, title_end)
    return doc


@Language.component(
    DOCUMENT_COMPONENT,
    requires=["doc._.sections"],
    assigns=["doc._.document_facts", "doc.spans"],
)
def document_facts_component(doc: Doc) -> Doc:
    """Case number, court, procuratorate, procedure, guilty plea and extras."""
    text, sec = doc.text, doc._.sections
    facts: dict[str, Found | list[Found] | None] = {
        "case_number": header.find_case_number(text, sec),
        "court": header.find_court(text, sec),
        "procuratorate": header.find_procuratorate(text, sec),
        "procedure": header.find_procedure(text, sec),
        "guilty_plea_leniency": header.find_guilty_plea(text, sec),
        "blood_alcohol_mg_100ml": header.find_blood_alcohol(text),
        "vehicle_plates": header.find_plates(text),
    }
    for key in ("case_number", "court", "procuratorate"):
        value = facts[key]
        _mark(doc, value if isinstance(value, Found) else None, key.upper())
    doc._.document_facts = facts
    return doc


@Language.component(
    DEFENDANTS_COMPONENT,
    requires=["doc._.sections"],
    assigns=["doc._.defendants", "doc.ents", "doc.spans"],
)
def defendants_component(doc: Doc) -> Doc:
    """Every defendant with identity, history, custody, charges and sentence."""
    defendants = extract_defendants(doc.text, doc._.sections)
    doc._.defendants = defendants
    ents: list[Span] = []
    for d in defendants:
        _mark(doc, d.name, "DEFENDANT")
        for charge in d.verdict.charges:
            _mark(doc, charge, "CHARGE")
    for span in doc.spans.get(SPAN_KEY, []):
        ents.append(span)
    doc.ents = _non_overlapping(ents)
    return doc


def _non_overlapping(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.start, -len(s))):
        if any(i in taken for i in range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        out.append(span)
    return sorted(out, key=lambda s: s.start)
