"""办案期限 of stored cases: one case's report, and the limits due soon across many cases.

Both read each processed document's pages and fact sheet (``case_pages_and_facts``) and apply
``nlp.deadlines``; nothing is stored, so a corrected document changes the limits at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.custody import case_records, recorded_events, transfer_events
from api.services.transfers import case_pages_and_facts
from models.access import stage_holder, visible_cases
from models.audit import Actor
from models.tables import (
    Agency,
    Case,
    CustodyRecord,
    Document,
    DocumentStatus,
    Transfer,
    TriageDecision,
)

# a limit still counting: overdue ones stay on the list until the step is taken
OPEN_STATUSES = ("running", "overdue")


def case_report(
    session: Session, case: Case, *, today: dt.date, warn_days: int,
) -> tuple[list[int], dict[str, Any]]:
    """``(document ids read, report)`` of one case, as ``GET /api/cases/{n}/deadlines`` returns it.

    The timeline joins the documents' events, casefile's own transfers of the case and the
    handlers' records (extensions, changes of measure) not withdrawn.
    """
    from nlp.deadlines.report import case_deadlines

    stored = case_pages_and_facts(session, case)
    ids = [doc_id for doc_id, _, _ in stored]
    report = case_deadlines([(pages, facts) for _, pages, facts in stored], today=today,
                            warn_days=warn_days, document_ids=ids,
                            recorded=recorded_events(case_records(session, case)),
                            case_events=transfer_events(session, case))
    return ids, report


def case_handlers(session: Session, case: Case) -> set[str]:
    """The users who handled ``case`` in casefile.

    Those who sent or decided a transfer of it, decided its fast-track candidate or recorded an
    extension or a change of measure on it. casefile has no assignment of a case to a handler
    (承办人) yet, so a handler is someone who acted on it.
    """
    names: set[str] = set()
    for column in (Transfer.created_by, Transfer.decided_by):
        names.update(session.scalars(select(column).where(Transfer.case_id == case.id)))
    names.update(session.scalars(select(TriageDecision.decided_by).where(TriageDecision.case_id == case.id)))
    names.update(session.scalars(select(CustodyRecord.recorded_by).where(CustodyRecord.case_id == case.id)))
    return {name for name in names if name}


def timeline_cases(session: Session, actor: Actor) -> list[Case]:
    """The cases ``actor`` sees that have a timeline: a processed document or a handler's record."""
    processed = select(Document.case_id).where(Document.status == DocumentStatus.DONE)
    recorded = select(CustodyRecord.case_id)
    return list(session.scalars(
        select(Case).where(visible_cases(actor), or_(Case.id.in_(processed), Case.id.in_(recorded)))
        .order_by(Case.id)
    ).all())


@dataclass
class DueList:
    """What ``due_within`` found: the cases read, the open limits, and the filters' choices."""

    cases: list[Case]
    limits: list[dict[str, Any]]
    agencies: list[str]  # the agencies holding a stage of the cases seen (for the agency filter)
    handlers: list[str]  # the handlers of the cases seen (for the handler filter)


def due_within(
    session: Session, actor: Actor, *, days: int, today: dt.date, warn_days: int,
    handler: str | None = None, agency: str | None = None,
) -> DueList:
    """Every open limit due within ``days`` of ``today`` (overdue ones too) in the cases ``actor`` sees.

    ``handler`` keeps the cases that user handled (``case_handlers``), ``agency`` those whose
    current stage that agency holds (by name). Limits come soonest first:
    ``{"case_number", "case_title", "agency", "handlers", "person", "rule", "title", "article",
    "from", "due", "days_left", "status", "due_soon", "overdue"}``.
    """
    seen = timeline_cases(session, actor)
    # the last day of the window; a ``today`` near the calendar's end is no server error
    last = today + dt.timedelta(days=days) if (dt.date.max - today).days >= days else dt.date.max
    out = []
    read: list[Case] = []
    agencies: set[str] = set()
    handlers: set[str] = set()
    for case in seen:
        holder_id = stage_holder(session, case)
        holder = session.get(Agency, holder_id) if holder_id is not None else None
        holder_name = holder.name if holder else None
        names = case_handlers(session, case)
        agencies.update([holder_name] if holder_name else [])
        handlers.update(names)
        if (handler is not None and handler not in names) or (agency is not None and agency != holder_name):
            continue
        read.append(case)
        _, report = case_report(session, case, today=today, warn_days=warn_days)
        for person in report["persons"]:
            for limit in person["limits"]:
                if limit["status"] not in OPEN_STATUSES or dt.date.fromisoformat(limit["due"]) > last:
                    continue
                out.append({
                    "case_number": case.case_number, "case_title": case.title, "agency": holder_name,
                    "handlers": sorted(names), "person": person["name"],
                    "overdue": limit["status"] == "overdue",
                    **{k: limit[k] for k in ("rule", "title", "article", "from", "due", "days_left",
                                             "status", "due_soon")},
                })
    out.sort(key=lambda item: (item["due"], item["case_number"], item["person"], item["rule"]))
    return DueList(read, out, sorted(agencies), sorted(handlers))


def stage_statistics(session: Session, actor: Actor, *, today: dt.date) -> tuple[int, list[dict[str, Any]]]:
    """Days per stage per agency and track, over the persons of the cases ``actor`` sees.

    The agency is the case's owner; the track is 快速 (速裁 / 简易: the procedure the documents
    state, or a handler's standing confirmation) or 普通. Returns the number of cases read and
    one row per (agency, track): ``{"agency", "track", "persons", "stages": {key: {"count",
    "mean", "median"}}}``.
    """
    from api.triage import case_decisions
    from nlp.deadlines.stages import STAGES, stage_days, summarize

    cases = timeline_cases(session, actor)
    samples: dict[tuple[str, str], dict[str, list[int]]] = {}
    persons: dict[tuple[str, str], int] = {}
    for case in cases:
        _, report = case_report(session, case, today=today, warn_days=0)
        decisions = case_decisions(session, case)
        confirmed = bool(decisions) and decisions[0].decision == "confirmed"
        track = "快速" if report["procedure"] in ("速裁", "简易") or confirmed else "普通"
        key = (case.agency.name if case.agency else "", track)
        bucket = samples.setdefault(key, {stage: [] for stage, _, _ in STAGES})
        for person in report["persons"]:
            persons[key] = persons.get(key, 0) + 1
            for stage, days in stage_days(person["events"]).items():
                bucket[stage].append(days)
    rows = [{"agency": agency, "track": track, "persons": persons.get((agency, track), 0),
             "stages": {stage: summarize(values) for stage, values in bucket.items()}}
            for (agency, track), bucket in sorted(samples.items())]
    return len(cases), rows
