"""办案期限 of stored cases: one case's report, and the limits due soon across many cases.

Both read each processed document's pages and fact sheet (``case_pages_and_facts``) and apply
``nlp.deadlines``; nothing is stored, so a corrected document changes the limits at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.custody import case_records, recorded_events, transfer_events
from api.deadline_cache import CaseReportCache, case_versions
from api.services.transfers import case_pages_and_facts
from models.access import visible_cases
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


def _reader(
    session: Session, cases: list[Case], *, today: dt.date, warn_days: int, cache: CaseReportCache | None,
) -> Callable[[Case], dict[str, Any]]:
    """A function giving each of ``cases``' report: from ``cache`` where the case has not changed."""
    if cache is None:
        return lambda case: case_report(session, case, today=today, warn_days=warn_days)[1]
    versions = case_versions(session, [case.id for case in cases])
    return lambda case: cache.report(
        case.id, versions[case.id], today, warn_days,
        lambda: case_report(session, case, today=today, warn_days=warn_days),
    )[1]


def case_handlers(session: Session, case: Case) -> set[str]:
    """The users who handled ``case`` in casefile.

    Those who sent or decided a transfer of it, decided its fast-track candidate or recorded an
    extension or a change of measure on it: the handlers of a case whose stage has no handler
    (承办人) assigned (``api.case_handlers``).
    """
    return acted_on(session, [case])[case.id]


def acted_on(session: Session, cases: list[Case]) -> dict[int, set[str]]:
    """``case_handlers`` of many cases in three queries: case id → the users who acted on it."""
    ids = [case.id for case in cases]
    out: dict[int, set[str]] = {case_id: set() for case_id in ids}
    for query in (
        select(Transfer.case_id, Transfer.created_by, Transfer.decided_by).where(Transfer.case_id.in_(ids)),
        select(TriageDecision.case_id, TriageDecision.decided_by).where(TriageDecision.case_id.in_(ids)),
        select(CustodyRecord.case_id, CustodyRecord.recorded_by).where(CustodyRecord.case_id.in_(ids)),
    ):
        for case_id, *names in session.execute(query):
            out[case_id].update(name for name in names if name)
    return out


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
    unassigned: list[str]  # the cases listed whose stage has no assigned handler (by number)


def due_within(
    session: Session, actor: Actor, *, days: int, today: dt.date, warn_days: int,
    handler: str | None = None, agency: str | None = None, cache: CaseReportCache | None = None,
) -> DueList:
    """Every open limit due within ``days`` of ``today`` (overdue ones too) in the cases ``actor`` sees.

    ``handler`` keeps the cases whose current stage that user is assigned to (``api.case_handlers``)
    and, among the cases with no handler assigned, those the user acted on (``case_handlers``);
    ``agency`` keeps those whose current stage that agency holds (by name). Limits come soonest
    first: ``{"case_number", "case_title", "agency", "handlers", "handler_source", "person",
    "rule", "title", "article", "from", "due", "days_left", "status", "due_soon", "overdue"}``,
    where ``handler_source`` is ``assigned`` or ``acted`` (the fallback). ``cache`` keeps each
    case's report until the case changes (``api.deadline_cache``).
    """
    from api.case_handlers import assigned_handlers, current_stages

    seen = timeline_cases(session, actor)
    report_of = _reader(session, seen, today=today, warn_days=warn_days, cache=cache)
    # the last day of the window; a ``today`` near the calendar's end is no server error
    last = today + dt.timedelta(days=days) if (dt.date.max - today).days >= days else dt.date.max
    out = []
    read: list[Case] = []
    agencies: set[str] = set()
    handlers: set[str] = set()
    # who holds and handles each case, for all of them at once (a handful of queries, not per case)
    stages = current_stages(session, seen)
    agency_names: dict[int, str] = {agency_id: name for agency_id, name in session.execute(select(Agency.id, Agency.name))}
    assigned_of = assigned_handlers(session, seen)
    acted = acted_on(session, seen)
    for case in seen:
        holder_id = stages[case.id].agency_id
        holder_name = agency_names.get(holder_id) if holder_id is not None else None
        assigned = assigned_of[case.id]
        names = {assigned.username} if assigned else acted[case.id]
        source = "assigned" if assigned else "acted"
        agencies.update([holder_name] if holder_name else [])
        handlers.update(names)
        if (handler is not None and handler not in names) or (agency is not None and agency != holder_name):
            continue
        read.append(case)
        report = report_of(case)
        for person in report["persons"]:
            for limit in person["limits"]:
                if limit["status"] not in OPEN_STATUSES or dt.date.fromisoformat(limit["due"]) > last:
                    continue
                out.append({
                    "case_number": case.case_number, "case_title": case.title, "agency": holder_name,
                    "handlers": sorted(names), "handler_source": source, "person": person["name"],
                    "overdue": limit["status"] == "overdue",
                    **{k: limit[k] for k in ("rule", "title", "article", "from", "due", "days_left",
                                             "status", "due_soon")},
                })
    out.sort(key=lambda item: (item["due"], item["case_number"], item["person"], item["rule"]))
    unassigned = list(dict.fromkeys(item["case_number"] for item in out if item["handler_source"] == "acted"))
    return DueList(read, out, sorted(agencies), sorted(handlers), unassigned)


def stage_statistics(
    session: Session, actor: Actor, *, today: dt.date, cache: CaseReportCache | None = None,
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """Days per stage per agency and track, and per handler, over the persons of the cases ``actor`` sees.

    The agency is the case's owner; the track is 快速 (速裁 / 简易: the procedure the documents
    state, or a handler's standing confirmation) or 普通. Returns the number of cases read, one
    row per (agency, track): ``{"agency", "track", "persons", "stages": {key: {"count", "mean",
    "median"}}}``, and one row per (agency, handler, track) with the same keys and ``handler``:
    each agency that held a stage of the case with a handler (承办人) assigned counts the stages
    of its kind (``nlp.deadlines.stages.agency_stages``) and arrest-to-verdict for that handler;
    a case with no handler assigned at all counts every stage for its owner with ``handler`` None.
    """
    from api.case_handlers import assignments, stage_handlers
    from api.triage import case_decisions
    from nlp.deadlines.stages import STAGES, agency_stages, stage_days, summarize

    cases = timeline_cases(session, actor)
    report_of = _reader(session, cases, today=today, warn_days=0, cache=cache)
    samples: dict[tuple[str, str], dict[str, list[int]]] = {}
    persons: dict[tuple[str, str], int] = {}
    by_handler: dict[tuple[str, str | None, str], dict[str, list[int]]] = {}
    handler_persons: dict[tuple[str, str | None, str], int] = {}
    for case in cases:
        report = report_of(case)
        decisions = case_decisions(session, case)
        confirmed = bool(decisions) and decisions[0].decision == "confirmed"
        track = "快速" if report["procedure"] in ("速裁", "简易") or confirmed else "普通"
        owner = case.agency.name if case.agency else ""
        key = (owner, track)
        bucket = samples.setdefault(key, {stage: [] for stage, _, _ in STAGES})
        # (agency name, handler, the stages it answers for) of every stage with a handler assigned
        handled: list[tuple[str, str | None, tuple[str, ...]]] = [
            (row.agency.name, row.username, agency_stages(row.agency.kind))
            for row in stage_handlers(assignments(session, case)).values()]
        if not handled:
            handled = [(owner, None, tuple(stage for stage, _, _ in STAGES))]
        for person in report["persons"]:
            persons[key] = persons.get(key, 0) + 1
            days_of = stage_days(person["events"])
            for stage, days in days_of.items():
                bucket[stage].append(days)
            for agency_name, username, stages in dict.fromkeys(handled):
                hkey = (agency_name, username, track)
                hbucket = by_handler.setdefault(hkey, {stage: [] for stage, _, _ in STAGES})
                handler_persons[hkey] = handler_persons.get(hkey, 0) + 1
                for stage in stages:
                    if stage in days_of:
                        hbucket[stage].append(days_of[stage])
    rows = [{"agency": agency, "track": track, "persons": persons.get((agency, track), 0),
             "stages": {stage: summarize(values) for stage, values in bucket.items()}}
            for (agency, track), bucket in sorted(samples.items())]
    handler_rows = [{"agency": agency, "handler": username, "track": track,
                     "persons": handler_persons[(agency, username, track)],
                     "stages": {stage: summarize(values) for stage, values in bucket.items()}}
                    for (agency, username, track), bucket in sorted(
                        by_handler.items(), key=lambda item: (item[0][0], item[0][1] or "", item[0][2]))]
    return len(cases), rows, handler_rows
