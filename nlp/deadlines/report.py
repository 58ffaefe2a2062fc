"""One document → the deadlines report of ``casefile deadlines --json`` (see shared/CONTRACT.md).

``deadlines_report(pages, today=None)`` → ``{"persons": [{"name", "events", "limits"}],
"procedure"}``: each person's events as read, and every limit they let one compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from models.page import PageContent
from nlp.deadlines.compute import EXTENSION, Event, compute_limits, describe, limits_json
from nlp.deadlines.events import document_warnings, person_events, procedure_of
from nlp.deadlines.rules import load_rules
from nlp.factsheet import extract_facts


def _extension_title(event: Event) -> str:
    found = load_rules().extension(event.extension or "")
    return found[1].title if found else str(event.extension)


def _event_json(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"measure": event.measure, "date": event.date.isoformat()}
    if event.measure == EXTENSION:
        out["extension"] = event.extension
        out["extension_title"] = _extension_title(event)
    if event.received is not None:
        out["received"] = event.received.isoformat()
    if event.source:
        out["source"] = event.source
    if event.evidence is not None:
        out["evidence"] = event.evidence
    return out


def deadlines_from_sheet(
    text: str, sheet: dict[str, Any], *, today: dt.date | None = None,
    pages: Sequence[tuple[int, str]] | None = None, warn_days: int = 3,
) -> dict[str, Any]:
    """The report for a document's ``text`` (its ``pages`` joined) and its fact ``sheet``."""
    procedure = procedure_of(text, sheet)
    persons = []
    for name, events in person_events(text, sheet, pages):
        persons.append({
            "name": name,
            "events": [_event_json(e) for e in events],
            "limits": limits_json(events, procedure=procedure, today=today, warn_days=warn_days),
        })
    return {"procedure": procedure, "persons": persons, "warnings": document_warnings(text, sheet)}


def _on_document(evidence: Any, document_id: int) -> Any:
    """A copy of ``evidence`` whose every part names ``document_id`` (so a page can link to it)."""
    if isinstance(evidence, list):
        return [_on_document(item, document_id) for item in evidence]
    if not isinstance(evidence, dict):
        return evidence
    out = {k: _on_document(v, document_id) if isinstance(v, (dict, list)) else v
           for k, v in evidence.items()}
    if ("page" in out or "document_type" in out) and out.get("document_id") is None:
        out["document_id"] = document_id
    return out


def case_deadlines(
    documents: Sequence[tuple[Sequence[tuple[int, str]], dict[str, Any]]], *,
    today: dt.date | None = None, warn_days: int = 3, document_ids: Sequence[int] | None = None,
    recorded: Mapping[str, Sequence[Event]] | None = None,
    case_events: Sequence[Event] = (),
) -> dict[str, Any]:
    """The report of a whole case from its documents' ``(pages, fact sheet)``, in order.

    ``pages`` are ``(number, text)`` of each page of the document. ``document_ids`` (one per
    document) are written into the evidence of each event read from that document, so that the
    timeline links each event to its page.

    A person (by name as written) gets the events of every document naming them, each event once;
    the procedure is the last one a document states. ``recorded`` adds, per person, the events a
    handler recorded (extensions, changes of measure: a person no document names gets a timeline
    of their own); ``case_events`` (casefile's own actions: transfers sent, accepted, returned)
    are everyone's. On one day, documents' events come first, then ``case_events``, then the
    recorded ones (so an extension recorded on the day its limit starts applies to it).
    """
    procedure = None
    warnings: list[str] = []
    merged: dict[str, list[Event]] = {}
    for index, (pages, sheet) in enumerate(documents):
        text = "\n".join(page_text for _, page_text in pages)
        procedure = procedure_of(text, sheet) or procedure
        warnings += document_warnings(text, sheet)
        for name, read in person_events(text, sheet, pages):
            events = read if document_ids is None else [
                replace(e, evidence=_on_document(e.evidence, document_ids[index])) for e in read]
            known = merged.setdefault(name, [])
            seen = {(e.measure, e.date, e.extension) for e in known}
            known.extend(e for e in events if (e.measure, e.date, e.extension) not in seen)
    for name in recorded or {}:
        merged.setdefault(name, [])
    persons = []
    for name, known_events in merged.items():
        everything = [*known_events, *case_events, *(recorded or {}).get(name, ())]
        everything.sort(key=lambda e: e.date)  # stable: the order above stays within a day
        unapplied: list[Event] = []
        limits = compute_limits(everything, procedure=procedure, unapplied=unapplied)
        persons.append({
            "name": name,
            "events": [_event_json(e) for e in everything],
            "limits": [describe(limit, today=today, warn_days=warn_days) for limit in limits],
        })
        # an extension a handler recorded that lengthens nothing is said, never dropped silently
        warnings += [f"{name}：{e.date.year}年{e.date.month}月{e.date.day}日录入的延长（{_extension_title(e)}）"
                     "没有对应的正在计算的期限，未计入，请核对" for e in unapplied
                     if isinstance(e.evidence, dict) and "record_id" in e.evidence]
    return {"procedure": procedure, "persons": persons, "warnings": warnings}


def deadlines_report(
    pages: Sequence[PageContent], *, today: dt.date | None = None, warn_days: int = 3,
) -> dict[str, Any]:
    """The report for one document read into ``pages`` (text joined as the fact sheet joins it)."""
    text = "\n".join(page.text for page in pages)
    return deadlines_from_sheet(text, extract_facts(pages), today=today, warn_days=warn_days,
                                pages=[(page.number, page.text) for page in pages])
