"""办案期限 across cases: what is due this week in every case the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deadlines import due_within, stage_statistics
from api.deps import Reader, SessionDep, StateDep
from api.schemas import DueLimitPublic, DuePublic, StageStatisticsPublic
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
    ``me``) keeps the cases whose current stage that user is assigned to as handler (承办人) and,
    where a case's stage has no handler assigned, the cases that user acted on: those cases are
    named in ``unassigned_cases`` and their limits say ``handler_source: acted``; ``agency``
    keeps those whose current stage it holds;
    neither: everything the user may see. A limit ``CASEFILE_DEADLINE_WARN_DAYS`` or fewer days
    from its due date is ``due_soon``; one past it ``overdue``. One audit event names the cases
    listed.
    """
    day = today or dt.date.today()
    who = actor.username if handler == "me" else (handler or None)
    found = due_within(session, actor, days=days, today=day, warn_days=state.settings.deadline_warn_days,
                       handler=who, agency=agency or None, cache=state.case_reports)
    # what the user was shown: the cases listed (by number), and how many were read to find them
    shown = list(dict.fromkeys(item["case_number"] for item in found.limits))
    record(state.ctx.db, actor, "deadlines.due",
           detail={"days": days, "cases_read": len(found.cases), "cases": shown,
                   "limits": len(found.limits), "handler": who, "agency": agency or None})
    return DuePublic(today=day.isoformat(), days=days, warn_days=state.settings.deadline_warn_days,
                     handler=who, agency=agency or None, agencies=found.agencies, handlers=found.handlers,
                     unassigned_cases=found.unassigned,
                     limits=[DueLimitPublic.model_validate(item) for item in found.limits])


@router.get("/stages", response_model=StageStatisticsPublic)
def stage_days(actor: Reader, state: StateDep, session: SessionDep, today: dt.date | None = None) -> dict[str, Any]:
    """全口径统计: days per stage (拘留→逮捕, 逮捕→移送审查起诉, 移送→起诉, 起诉→判决, 逮捕→判决).

    Per agency owning the case and per track (快速: 速裁 / 简易; 普通), over the persons of every
    case the user may see, from the same timeline as the due list (documents, transfers, records).
    Each stage: how many persons it was measured on, the mean and the median days. ``handlers``:
    the same per agency and handler (承办人) assigned to the stages it held (``handler`` None: a
    case with no handler assigned), each counting its own agency's stages and arrest-to-verdict.
    Audited.
    """
    cases_read, rows, handlers = stage_statistics(session, actor, today=today or dt.date.today(),
                                                 cache=state.case_reports)
    record(state.ctx.db, actor, "deadlines.stages", detail={"cases_read": cases_read})
    return {"cases_read": cases_read, "rows": rows, "handlers": handlers}
