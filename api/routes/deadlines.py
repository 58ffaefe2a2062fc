"""办案期限 across cases: what is due this week in every case the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deadlines import due_within
from api.deps import Reader, SessionDep, StateDep
from api.schemas import DueLimitPublic, DuePublic
from models.audit import record

router = APIRouter(prefix="/api/deadlines", tags=["deadlines"])


@router.get("/due")
def due_limits(
    actor: Reader, state: StateDep, session: SessionDep,
    days: Annotated[int, Query(ge=0, le=366)] = 7, today: dt.date | None = None,
    handler: Annotated[str | None, Query(max_length=100)] = None,
    agency: Annotated[str | None, Query(max_length=200)] = None,
) -> DuePublic:
    """Every running limit due within ``days`` (and every overdue one), soonest first.

    Computed from each case the user may see (its processed documents, transfers and handlers'
    records); ``today`` (default: today) is the day counted from. ``handler`` (a user name, or
    ``me``) keeps the cases that user handled; ``agency`` those whose current stage it holds;
    neither: everything the user may see. A limit ``CASEFILE_DEADLINE_WARN_DAYS`` or fewer days
    from its due date is ``due_soon``; one past it ``overdue``. One audit event names the cases
    listed.
    """
    day = today or dt.date.today()
    who = actor.username if handler == "me" else (handler or None)
    found = due_within(session, actor, days=days, today=day, warn_days=state.settings.deadline_warn_days,
                       handler=who, agency=agency or None)
    # what the user was shown: the cases listed (by number), and how many were read to find them
    shown = list(dict.fromkeys(item["case_number"] for item in found.limits))
    record(state.ctx.db, actor, "deadlines.due",
           detail={"days": days, "cases_read": len(found.cases), "cases": shown,
                   "limits": len(found.limits), "handler": who, "agency": agency or None})
    return DuePublic(today=day.isoformat(), days=days, warn_days=state.settings.deadline_warn_days,
                     handler=who, agency=agency or None, agencies=found.agencies, handlers=found.handlers,
                     limits=[DueLimitPublic.model_validate(item) for item in found.limits])
