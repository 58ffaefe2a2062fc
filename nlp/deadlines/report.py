"""One document → the deadlines report of ``casefile deadlines --json`` (see shared/CONTRACT.md).

``deadlines_report(pages, today=None)`` → ``{"persons": [{"name", "events", "limits"}],
"procedure"}``: each person's events as read, and every limit they let one compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from models.page import PageContent
from nlp.deadlines.compute import EXTENSION, Event, limits_json
from nlp.deadlines.events import document_warnings, person_events, procedure_of
from nlp.factsheet import extract_facts


def _event_json(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"measure": event.measure, "date": event.date.isoformat()}
    if event.measure == EXTENSION:
        out["extension"] = event.extension
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
) -> dict[str, Any]:
    """The report of a whole case from its documents' ``(pages, fact sheet)``, in order.

    ``pages`` are ``(number, text)`` of each page of the document. ``document_ids`` (one per
    document) are written into the evidence of each event read from that document, so that the
    timeline links each event to its page.

    A person (by name as written) gets the events of every document naming them, each event once;
    the procedure is the last one a document states.
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
    persons = []
    for name, events in merged.items():
        events.sort(key=lambda e: e.date)
        persons.append({
            "name": name,
            "events": [_event_json(e) for e in events],
            "limits": limits_json(events, procedure=procedure, today=today, warn_days=warn_days),
        })
    return {"procedure": procedure, "persons": persons, "warnings": warnings}


def deadlines_report(
    pages: Sequence[PageContent], *, today: dt.date | None = None, warn_days: int = 3,
) -> dict[str, Any]:
    """The report for one document read into ``pages`` (text joined as the fact sheet joins it)."""
    text = "\n".join(page.text for page in pages)
    return deadlines_from_sheet(text, extract_facts(pages), today=today, warn_days=warn_days,
                                pages=[(page.number, page.text) for page in pages])
