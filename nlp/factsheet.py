"""Fact sheets (format: shared/schemas/factsheet.schema.json) with evidence for every value.

- ``extract_facts(pages, document_id=None)``: one document's pages → fact sheet.
- ``extract_text(text)``: the same for a plain string (one ``source="text-layer"`` page).
- ``merge_factsheets(sheets)``: see :mod:`nlp.merge`.

Evidence objects are ``{"document_id", "page", "start", "end", "text", "boxes", "confidence"}``
with ``pages[i].text[start:end] == text`` for the page numbered ``page``; a span that runs over a
page break also carries ``"continues": [{"page", "start", "end", "text", "boxes"}]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.page import PageContent
from nlp.dates import signed_date
from nlp.defendants import Defendant
from nlp.found import Found
from nlp.merge import merge_factsheets
from nlp.normalize import NormText, normalize
from nlp.pipeline import load_pipeline

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

    def evidence(self, found: Found | None) -> dict[str, Any] | None:
        if found is None:
            return None
        g_start, g_end = self.norm.span_to_orig(found.start, found.end)
        first = self._page_index(g_start)
        pieces = []
        for i in range(first, len(self.pages)):
            base, page = self.bases[i], self.pages[i]
            lo, hi = max(g_start, base) - base, min(g_end, base + len(page.text)) - base
            if i > first and g_end <= base:
                break
            if hi > lo or i == first:
                pieces.append({
                    "page": page.number,
                    "start": lo,
                    "end": max(lo, hi),
                    "text": page.text[lo:max(lo, hi)],
                    "boxes": page.boxes_for_span(lo, max(lo, hi)),
                })
        ev: dict[str, Any] = {"document_id": self.document_id, **pieces[0],
                              "confidence": round(found.confidence, 2)}
        if len(pieces) > 1:
            ev["continues"] = pieces[1:]
        return ev


def _value(found: Found | None) -> Any:
    return found.value if found is not None else None


def _defendant_sheet(d: Defendant, loc: _Locator) -> dict[str, Any]:
    p, v = d.person, d.verdict
    ev: dict[str, Any] = {"name": loc.evidence(d.name)}
    sheet: dict[str, Any] = {"name": d.name.value}
    for key in ("gender", "birth_date", "ethnicity", "id_number"):
        found = getattr(p, key)
        sheet[key] = _value(found)
        if found is not None:
            ev[key] = loc.evidence(found)
    if p.id_number is not None:
        sheet["id_number_problems"] = list(p.id_problems)
    sheet["aliases"] = [a.value for a in d.aliases]
    if d.aliases:
        ev["aliases"] = [loc.evidence(a) for a in d.aliases]
    sheet["prior_convictions"] = []
    ev["prior_convictions"] = []
    for prior in p.prior_convictions:
        item = {k: _value(prior.get(k)) for k in ("date", "charge", "sentence")}
        if "charge_official" in prior:
            item["charge_official"] = _value(prior["charge_official"])
        sheet["prior_convictions"].append(item)
        ev["prior_convictions"].append({k: loc.evidence(f) for k, f in prior.items() if f})
    sheet["administrative_penalties"] = [
        {"date": _value(a["date"]), "penalty": _value(a["penalty"])} for a in p.administrative_penalties
    ]
    ev["administrative_penalties"] = [
        {k: loc.evidence(f) for k, f in a.items() if f} for a in p.administrative_penalties
    ]
    sheet["on_probation_at_offense"] = bool(d.on_probation)
    if d.on_probation:
        ev["on_probation_at_offense"] = loc.evidence(d.on_probation)
    sheet["custody_events"] = [
        {"measure": e["measure"].value, "date": e["date"].value} for e in p.custody_events
    ]
    ev["custody_events"] = [
        {"measure": loc.evidence(e["measure"]), "date": loc.evidence(e["date"])}
        for e in p.custody_events
    ]
    sheet["charges"] = [c.value for c in v.charges]
    sheet["charges_official"] = list(v.charges_official)
    sheet["charges_source"] = d.charge_source
    ev["charges"] = [loc.evidence(c) for c in v.charges]
    sheet["acquitted"] = bool(v.acquitted)
    if v.principal is None and v.fine_yuan is None:
        sheet["sentence"] = None
    else:
        sheet["sentence"] = {
            "principal": _value(v.principal),
            "term_months": _value(v.term_months),
            "probation_months": _value(v.probation_months),
            "fine_yuan": _value(v.fine_yuan),
            "revokes_probation": bool(v.revokes_probation),
        }
        ev["sentence"] = {
            k: loc.evidence(f)
            for k, f in (("principal", v.principal), ("term_months", v.term_months),
                         ("probation_months", v.probation_months), ("fine_yuan", v.fine_yuan),
                         ("revokes_probation", v.revokes_probation))
            if f is not None
        }
    sheet["defence_counsel"] = [c.value for c in d.counsel]
    for key in ("address", "registered_residence"):
        found = getattr(p, key)
        sheet[key] = _value(found)
        if found is not None:
            ev[key] = loc.evidence(found)
    sheet["evidence"] = ev
    return sheet


def extract_facts(pages: Sequence[PageContent], *, document_id: int | None = None) -> dict[str, Any]:
    """Fact sheet of one document read from its pages (text joined across page breaks)."""
    full = _PAGE_SEP.join(page.text for page in pages)
    norm = normalize(full)
    doc = load_pipeline()(norm.text)
    loc = _Locator(pages, norm, document_id)
    facts = doc._.document_facts
    sheet: dict[str, Any] = {"document_id": document_id, "document_type": doc._.doc_type}
    evidence: dict[str, Any] = {}
    for key in ("case_number", "court", "procuratorate", "procedure"):
        sheet[key] = _value(facts[key])
        if facts[key] is not None:
            evidence[key] = loc.evidence(facts[key])
    sheet["guilty_plea_leniency"] = bool(facts["guilty_plea_leniency"])
    if facts["guilty_plea_leniency"] is not None:
        evidence["guilty_plea_leniency"] = loc.evidence(facts["guilty_plea_leniency"])
    sheet["defendants"] = [_defendant_sheet(d, loc) for d in doc._.defendants]
    sheet["blood_alcohol_mg_100ml"] = _value(facts["blood_alcohol_mg_100ml"])
    if facts["blood_alcohol_mg_100ml"] is not None:
        evidence["blood_alcohol_mg_100ml"] = loc.evidence(facts["blood_alcohol_mg_100ml"])
    sheet["vehicle_plates"] = [p.value for p in facts["vehicle_plates"]]
    evidence["vehicle_plates"] = [loc.evidence(p) for p in facts["vehicle_plates"]]
    signed = signed_date(norm.text)
    sheet["document_date"] = signed.iso if signed else None
    if signed is not None:
        evidence["document_date"] = loc.evidence(Found(signed.iso, signed.start, signed.end))
    sheet["evidence"] = evidence
    return sheet


def extract_text(text: str, *, document_id: int | None = None) -> dict[str, Any]:
    """Fact sheet of a plain string (one ``source="text-layer"`` page without boxes)."""
    page = PageContent(number=1, width=0, height=0, source="text-layer", text=text)
    return extract_facts([page], document_id=document_id)


__all__ = ["EXTRA_KEYS", "extended_schema", "extract_facts", "extract_text", "merge_factsheets"]
