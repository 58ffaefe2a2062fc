"""Fact sheets (format: shared/schemas/factsheet.schema.json) with evidence for every value.

- ``read_facts(pages, document_id=None)``: one document's pages → :class:`models.factsheet.FactSheet`
  (each value with its evidence).
- ``extract_facts(pages, document_id=None)``: the same in the exchange format (a JSON dict).
- ``extract_text(text)``: ``extract_facts`` of a plain string (one ``source="text-layer"`` page).
- ``merge_factsheets(sheets)``: see :mod:`nlp.merge`.

Evidence (:class:`models.factsheet.Evidence`) is ``{"document_id", "page", "start", "end", "text",
"boxes", "confidence"}`` with ``pages[i].text[start:end] == text`` for the page numbered ``page``; a
span that runs over a page break also carries ``"continues": [{"page", "start", "end", "text", "boxes"}]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.factsheet import (
    AdministrativePenalty,
    CustodyEvent,
    DefendantSheet,
    Evidence,
    Fact,
    FactSheet,
    FactSheetJSON,
    PriorConviction,
    Sentence,
    Span,
)
from models.page import PageContent
from nlp.components.facts import TYPE_GIVEN
from nlp.dates import signed_date
from nlp.defendants import Defendant
from nlp.found import Found
from nlp.merge import merge_factsheets
from nlp.normalize import NormText, normalize
from nlp.pipeline import load_pipeline
from nlp.sections import known_type

_PAGE_SEP = "\n"

# Keys a fact sheet carries beyond the exchange format (its schema allows extra keys), by level.
EXTRA_KEYS: dict[str, dict[str, Any]] = {
    "document": {
        "document_type": {"type": ["string", "null"]},
        "document_date": {"type": ["string", "null"], "description": "the date the document carries (落款), ISO; the search date filter and 年份 facet"},
        "blood_alcohol_mg_100ml": {"type": ["number", "null"]},
        "vehicle_plates": {"type": "array", "items": {"type": "string"}},
    },
    "defendant": {
        "aliases": {"type": "array", "items": {"type": "string"}},
        "charges_official": {"type": "array", "items": {"type": ["string", "null"]}},
        "acquitted": {"type": "boolean"},
        "defence_counsel": {"type": "array", "items": {"type": "string"}},
        "address": {"type": ["string", "null"], "description": "住址 / 居住地 as written"},
        "registered_residence": {"type": ["string", "null"], "description": "户籍所在地 as written"},
    },
}


def extended_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The exchange-format ``schema`` with the keys of :data:`EXTRA_KEYS` declared."""
    import copy

    out = copy.deepcopy(schema)
    out["properties"].update(EXTRA_KEYS["document"])
    out["$defs"]["defendant"]["properties"].update(EXTRA_KEYS["defendant"])
    return out


class _Locator:
    """Maps normalised spans back to (page, start, end) with boxes."""

    def __init__(self, pages: Sequence[PageContent], norm: NormText, document_id: int | None):
        self.pages = pages
        self.norm = norm
        self.document_id = document_id
        self.bases: list[int] = []
        pos = 0
        for page in pages:
            self.bases.append(pos)
            pos += len(page.text) + len(_PAGE_SEP)

    def _page_index(self, pos: int) -> int:
        idx = 0
        for i, base in enumerate(self.bases):
            if base <= pos:
                idx = i
        return idx

    def evidence(self, found: Found | None) -> Evidence | None:
        if found is None:
            return None
        g_start, g_end = self.norm.span_to_orig(found.start, found.end)
        first = self._page_index(g_start)
        pieces: list[Span] = []
        for i in range(first, len(self.pages)):
            base, page = self.bases[i], self.pages[i]
            lo, hi = max(g_start, base) - base, min(g_end, base + len(page.text)) - base
            if i > first and g_end <= base:
                break
            if hi > lo or i == first:
                hi = max(lo, hi)
                pieces.append(Span(page=page.number, start=lo, end=hi, text=page.text[lo:hi],
                                   boxes=page.boxes_for_span(lo, hi)))
        head = pieces[0]
        return Evidence(document_id=self.document_id, page=head.page, start=head.start, end=head.end,
                        text=head.text, boxes=head.boxes, confidence=round(found.confidence, 2),
                        continues=pieces[1:])


def _fact(found: Found | None, loc: _Locator) -> Fact[Any]:
    """The value read (``None`` when nothing was) with its evidence."""
    return Fact(value=None if found is None else found.value, evidence=loc.evidence(found))


def _flag(found: Found | None, loc: _Locator) -> Fact[bool]:
    """A yes/no fact: yes when something states it, with that statement as evidence."""
    return Fact(value=found is not None, evidence=loc.evidence(found))


def _defendant_sheet(d: Defendant, loc: _Locator) -> DefendantSheet:
    p, v = d.person, d.verdict
    sentence = None
    if v.principal is not None or v.fine_yuan is not None:
        sentence = Sentence(
            principal=_fact(v.principal, loc),
            term_months=_fact(v.term_months, loc),
            probation_months=_fact(v.probation_months, loc),
            fine_yuan=_fact(v.fine_yuan, loc),
            revokes_probation=_flag(v.revokes_probation, loc),
        )
    return DefendantSheet(
        name=_fact(d.name, loc),
        gender=_fact(p.gender, loc),
        birth_date=_fact(p.birth_date, loc),
        ethnicity=_fact(p.ethnicity, loc),
        id_number=_fact(p.id_number, loc),
        id_number_problems=None if p.id_number is None else list(p.id_problems),
        aliases=[_fact(a, loc) for a in d.aliases],
        prior_convictions=[
            PriorConviction(
                date=_fact(prior.get("date"), loc),
                charge=_fact(prior.get("charge"), loc),
                sentence=_fact(prior.get("sentence"), loc),
                charge_official=_fact(prior["charge_official"], loc) if "charge_official" in prior else None,
            )
            for prior in p.prior_convictions
        ],
        administrative_penalties=[
            AdministrativePenalty(date=_fact(a["date"], loc), penalty=_fact(a["penalty"], loc))
            for a in p.administrative_penalties
        ],
        on_probation_at_offense=_flag(d.on_probation, loc),
        custody_events=[
            CustodyEvent(measure=_fact(e["measure"], loc), date=_fact(e["date"], loc)) for e in p.custody_events
        ],
        charges=[_fact(c, loc) for c in v.charges],
        charges_official=list(v.charges_official),
        charges_source=d.charge_source,
        acquitted=v.acquitted is not None,
        sentence=sentence,
        defence_counsel=[c.value for c in d.counsel],
        address=_fact(p.address, loc),
        registered_residence=_fact(p.registered_residence, loc),
    )


def read_facts(
    pages: Sequence[PageContent], *, document_id: int | None = None, document_type: str | None = None
) -> FactSheet:
    """Fact sheet of one document read from its pages (text joined across page breaks).

    ``document_type``: the type its catalogue gives it; where the pipeline reads that type, the
    text is read as one, whatever its own title says (a clerk's retyping, a title such as 人口信息).
    """
    full = _PAGE_SEP.join(page.text for page in pages)
    norm = normalize(full)
    nlp = load_pipeline()
    given = known_type(document_type)
    if given is None:
        doc = nlp(norm.text)
    else:
        doc = nlp.make_doc(norm.text)
        doc.user_data[TYPE_GIVEN] = given
        for _name, component in nlp.pipeline:
            doc = component(doc)
    loc = _Locator(pages, norm, document_id)
    facts = doc._.document_facts
    signed = signed_date(norm.text)
    return FactSheet(
        document_id=document_id,
        document_type=doc._.doc_type,
        case_number=_fact(facts["case_number"], loc),
        court=_fact(facts["court"], loc),
        procuratorate=_fact(facts["procuratorate"], loc),
        procedure=_fact(facts["procedure"], loc),
        guilty_plea_leniency=_flag(facts["guilty_plea_leniency"], loc),
        defendants=[_defendant_sheet(d, loc) for d in doc._.defendants],
        blood_alcohol_mg_100ml=_fact(facts["blood_alcohol_mg_100ml"], loc),
        vehicle_plates=[_fact(plate, loc) for plate in facts["vehicle_plates"]],
        document_date=_fact(None if signed is None else Found(signed.iso, signed.start, signed.end), loc),
    )


def extract_facts(
    pages: Sequence[PageContent], *, document_id: int | None = None, document_type: str | None = None
) -> FactSheetJSON:
    """:func:`read_facts` in the exchange format (``FactSheet.model_dump``)."""
    return read_facts(pages, document_id=document_id, document_type=document_type).exchange()


def extract_text(text: str, *, document_id: int | None = None) -> FactSheetJSON:
    """Fact sheet of a plain string (one ``source="text-layer"`` page without boxes)."""
    page = PageContent(number=1, width=0, height=0, source="text-layer", text=text)
    return extract_facts([page], document_id=document_id)


__all__ = ["EXTRA_KEYS", "extended_schema", "extract_facts", "extract_text", "merge_factsheets", "read_facts"]
