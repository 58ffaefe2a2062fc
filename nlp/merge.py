"""Merge the fact sheets of one case's documents, reporting every disagreement.

``merge_factsheets(sheets)`` matches defendants across sheets by ID number, else by name
(typo-tolerant), and lists under ``"conflicts"`` every field where sheets state different values
(``{"defendant", "field", "values": [{"value", "evidence", "document_id"}]}``): names, identity
fields, sentence, and charges added or dropped; and, with ``"defendant": null``, the court or the
procuratorate when documents name different ones. Nothing is resolved silently: the merged value is
the first stated one (or the most precise of compatible dates, "1985-11" vs "1985-11-05"), and a
disagreement always has its conflict entry. Lists (custody events, priors) are united.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from models.factsheet import FactSheetJSON
from nlp.verdict import name_matches

_DOC_FIELDS = ("case_number", "court", "procuratorate", "procedure")
_DEF_FIELDS = ("gender", "birth_date", "ethnicity", "id_number", "sentence")
_LIST_FIELDS = ("charges",)


def _same_person(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("id_number") and b.get("id_number"):
        return bool(a["id_number"] == b["id_number"])
    return name_matches(a["name"], b["name"]) or name_matches(b["name"], a["name"])


def _ev(sheet: FactSheetJSON, key: str) -> Any:
    return (sheet.get("evidence") or {}).get(key)


def merge_factsheets(sheets: Sequence[FactSheetJSON]) -> FactSheetJSON:
    """One case's fact sheet from the sheets of its documents (see module doc)."""
    merged: FactSheetJSON = {k: None for k in _DOC_FIELDS}
    merged["guilty_plea_leniency"] = any(s.get("guilty_plea_leniency") for s in sheets)
    merged["documents"] = [
        {"document_id": s.get("document_id"), "document_type": s.get("document_type")} for s in sheets
    ]
    # a volume's sheet already holds the disagreements between the documents inside it
    conflicts: list[dict[str, Any]] = []
    for sheet in sheets:
        conflicts.extend(c for c in sheet.get("conflicts") or () if c not in conflicts)
    evidence: dict[str, Any] = {}
    for key in _DOC_FIELDS:
        stated = [(s[key], _ev(s, key), s.get("document_id")) for s in sheets if s.get(key)]
        if stated:
            merged[key], evidence[key] = stated[0][0], stated[0][1]
        # Each stage has its own document number and procedure: those never disagree. The court
        # and the procuratorate of one case should be the same everywhere (an 起诉书 addressed to
        # one court, a judgment from another is worth a look), except an appeal court's judgment.
        if key in ("court", "procuratorate"):
            compared = [st for st, s in zip(stated, [s for s in sheets if s.get(key)], strict=True)
                        if not (key == "court" and _second_instance(s))]
            if len({value for value, *_ in compared}) > 1:
                conflicts.append({
                    "defendant": None,
                    "field": key,
                    "values": [{"value": v, "evidence": ev, "document_id": doc} for v, ev, doc in compared],
                })
    groups: list[list[tuple[dict[str, Any], dict[str, Any]]]] = []
    for sheet in sheets:
        for d in sheet.get("defendants", []):
            for group in groups:
                if any(_same_person(d, other) for other, _ in group):
                    group.append((d, sheet))
                    break
            else:
                groups.append([(d, sheet)])
    merged["defendants"] = []
    for group in groups:
        merged["defendants"].append(_merge_defendant(group, conflicts))
    merged["conflicts"] = conflicts
    merged["evidence"] = evidence
    return merged


def _second_instance(sheet: FactSheetJSON) -> bool:
    return "刑终" in str(sheet.get("case_number") or "")


def _merge_defendant(
    group: list[tuple[dict[str, Any], dict[str, Any]]], conflicts: list[dict[str, Any]]
) -> dict[str, Any]:
    first = group[0][0]
    out: dict[str, Any] = dict(first)
    # The evidence follows each value to the document it was taken from, not only the first one.
    evidence: dict[str, Any] = dict(first.get("evidence") or {})
    out["evidence"] = evidence
    name = first["name"]
    out["names"] = sorted({d["name"] for d, _ in group})
    if len(out["names"]) > 1:
        conflicts.append(_conflict(name, "name", [(d["name"], d, s, "name") for d, s in group]))
    for key in _DEF_FIELDS:
        stated = [(d[key], d, s, key) for d, s in group if d.get(key) is not None]
        if stated:
            # The most precise value is kept; "1985-11" and "1985-11-05" do not disagree.
            out[key] = max((v for v, *_ in stated), key=lambda v: len(str(v)))
            source = next(d for v, d, *_ in stated if v == out[key])
            if (source.get("evidence") or {}).get(key) is not None:
                evidence[key] = source["evidence"][key]
            values = [v for v, *_ in stated]
            if any(not _compatible(a, b) for a in values for b in values):
                conflicts.append(_conflict(name, key, stated))
    for key in _LIST_FIELDS:
        stated = [(d.get(key, []), d, s, key) for d, s in group]
        union: list[str] = []
        for values, *_ in stated:
            union.extend(v for v in values if v not in union)
        out[key] = union
        # a document that names no charge (a 讯问笔录, a 到案经过) does not disagree with one that does
        said = [st for st in stated if st[0]]
        if len({tuple(sorted(v)) for v, *_ in said}) > 1:
            conflicts.append(_conflict(name, key, said))
    for key in ("prior_convictions", "administrative_penalties", "custody_events"):
        union_items: list[Any] = []
        union_evidence: list[Any] = []
        for d, _ in group:
            item_evidence = (d.get("evidence") or {}).get(key) or []
            for n, item in enumerate(d.get(key, [])):
                if item not in union_items:
                    union_items.append(item)
                    union_evidence.append(item_evidence[n] if n < len(item_evidence) else None)
        out[key] = union_items
        if any(e is not None for e in union_evidence):
            evidence[key] = union_evidence
    out["on_probation_at_offense"] = any(d.get("on_probation_at_offense") for d, _ in group)
    out["sources"] = [s.get("document_id") for _, s in group]
    return out


_ISO_DATE = re.compile(r"\d{4}(?:-\d\d){0,2}")


def _compatible(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str) and _ISO_DATE.fullmatch(a) and _ISO_DATE.fullmatch(b):
        return a.startswith(b) or b.startswith(a)
    return bool(a == b)


def _conflict(name: str, field: str, stated: list[tuple[Any, dict[str, Any], dict[str, Any], str]]) -> dict[str, Any]:
    return {
        "defendant": name,
        "field": field,
        "values": [
            {"value": value, "evidence": (d.get("evidence") or {}).get(key),
             "document_id": s.get("document_id")}
            for value, d, s, key in stated
        ],
    }
