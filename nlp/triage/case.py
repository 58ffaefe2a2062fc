"""Triage of a whole case: each document triaged, then combined (see ``case_triage``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nlp.triage.rules import TriageRules, load_triage_rules
from nlp.triage.triage import triage_sheet

PROCEDURES = ("速裁", "简易")
# Blocks that say a document is silent, not that something stands in the way: another document
# of the case may supply what this one lacks (a police report says nothing of 认罪认罚).
_SILENT = {"no_guilty_plea": ("guilty_plea",), "no_charge": ("light_charge", "not_light_charge")}


def _place(evidence: Any, pages: Sequence[tuple[int, str]], document_id: int | None) -> Any:
    """``evidence`` with its document and, for a quote, the page and offsets where it stands."""
    if isinstance(evidence, list):
        return [_place(item, pages, document_id) for item in evidence]
    if not isinstance(evidence, dict):
        return evidence
    out = dict(evidence)
    if out.get("document_id") is None and document_id is not None:
        out["document_id"] = document_id
    quote = out.get("text")
    if "page" not in out and isinstance(quote, str) and quote:
        for number, text in pages:
            at = text.find(quote)
            if at >= 0:
                out.update(page=number, start=at, end=at + len(quote))
                break
    return out


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["id"], item["text"]


def case_triage(
    documents: Sequence[tuple[Sequence[tuple[int, str]], dict[str, Any]]], *,
    document_ids: Sequence[int] | None = None, rules: TriageRules | None = None,
) -> dict[str, Any]:
    """``{"candidate", "reasons", "blocking"}`` of a case from its documents' ``(pages, fact sheet)``.

    Each document is triaged on its own words; the reasons and blocks of all are joined (each
    once, with the document and page of its evidence). A block that only says a document is
    silent (no 认罪认罚, no charge found) falls when another document supplies it; a stated
    disqualifier in any document stands, so a case is never a candidate while one is stated.
    """
    rules = rules or load_triage_rules()
    reasons: dict[tuple[str, str], dict[str, Any]] = {}
    blocking: dict[tuple[str, str], dict[str, Any]] = {}
    for index, (pages, sheet) in enumerate(documents):
        text = "\n".join(page_text for _, page_text in pages)
        result = triage_sheet(text, sheet, rules)
        document_id = document_ids[index] if document_ids is not None else None
        for kind, into in (("reasons", reasons), ("blocking", blocking)):
            for item in result[kind]:
                placed = {**item, "evidence": _place(item.get("evidence"), pages, document_id)}
                into.setdefault(_key(placed), placed)
    found = {item["id"] for item in reasons.values()} | {item["id"] for item in blocking.values()}
    kept = [b for b in blocking.values() if not any(r in found for r in _SILENT.get(b["id"], ()))]
    candidate = next((p for p in PROCEDURES if not any(p in b["blocks"] for b in kept)), None) \
        if documents else None
    return {"candidate": candidate, "reasons": list(reasons.values()), "blocking": kept}
