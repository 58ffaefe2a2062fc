"""办案期限 of stored cases: one case's report, and the limits due soon across many cases.

Both read each processed document's pages and fact sheet (``case_pages_and_facts``) and apply
``nlp.deadlines``; nothing is stored, so a corrected document changes the limits at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.transfers import case_pages_and_facts
from models.access import visible_cases
from models.audit import Actor
from models.tables import Case, Document, DocumentStatus

# a limit still counting: overdue ones stay on the list until the step is taken
OPEN_STATUSES = ("running", "overdue")


def case_report(
    session: Session, case: Case, *, today: dt.date, warn_days: int,
) -> tuple[list[int], dict[str, Any]]:
    """``(document ids read, report)`` of one case, as ``GET /api/cases/{n}/deadlines`` returns it."""
    from nlp.deadlines.report import case_deadlines

    stored = case_pages_and_facts(session, case)
    ids = [doc_id for doc_id, _, _ in stored]
    report = case_deadlines([(pages, facts) for _, pages, facts in stored], today=today,
                            warn_days=warn_days, document_ids=ids)
    return ids, report


def due_within(
    session: Session, actor: Actor, *, days: int, today: dt.date, warn_days: int,
) -> tuple[list[Case], list[dict[str, Any]]]:
    """Every open limit due within ``days`` of ``today`` (overdue ones too) in the cases ``actor`` sees.

    Returns the cases read (those with a processed document) and the limits, soonest first:
    ``{"case_number", "case_title", "person", "rule", "title", "article", "from", "due",
    "days_left", "status", "due_soon"}``.
    """
    processed = select(Document.case_id).where(Document.status == DocumentStatus.DONE)
    cases = session.scalars(
        select(Case).where(visible_cases(actor), Case.id.in_(processed)).order_by(Case.id)
    ).all()
    # the last day of the window; a ``today`` near the calendar's end is no server error
    last = today + dt.timedelta(days=days) if (dt.date.max - today).days >= days else dt.date.max
    out = []
    for case in cases:
        _, report = case_report(session, case, today=today, warn_days=warn_days)
        for person in report["persons"]:
            for limit in person["limits"]:
                if limit["status"] not in OPEN_STATUSES or dt.date.fromisoformat(limit["due"]) > last:
                    continue
                out.append({
                    "case_number": case.case_number, "case_title": case.title, "person": person["name"],
                    **{k: limit[k] for k in ("rule", "title", "article", "from", "due", "days_left",
                                             "status", "due_soon")},
                })
    out.sort(key=lambda item: (item["due"], item["case_number"], item["person"], item["rule"]))
    return list(cases), out
