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
) -> DuePublic:
    """Every running limit due within ``days`` (and every overdue one), soonest first.

    Computed from the processed documents of each case the user may see; ``today`` (default:
    today) is the day counted from. One audit event names the cases listed.
    """
    day = today or dt.date.today()
    cases, limits = due_within(session, actor, days=days, today=day,
                               warn_days=state.settings.deadline_warn_days)
    # what the user was shown: the cases listed (by number), and how many were read to find them
    shown = list(dict.fromkeys(item["case_number"] for item in limits))
    record(state.ctx.db, actor, "deadlines.due",
           detail={"days": days, "cases_read": len(cases), "cases": shown, "limits": len(limits)})
    return DuePublic(today=day.isoformat(), days=days,
                     limits=[DueLimitPublic.model_validate(item) for item in limits])
