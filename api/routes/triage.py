"""繁简分流 on the case page: the case's fast-track candidate, and a handler's decision on it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.deps import Reader, SessionDep, StateDep, TriageDecider
from api.schemas import (
    TriageBoardItem,
    TriageBoardPublic,
    TriageDecisionCreate,
    TriageDecisionPublic,
    TriagePublic,
)
from api.services.lookups import find_case, find_case_to_add
from api.triage import board, case_decisions, case_triage_report, decide, decision_public
from models.audit import record

router = APIRouter(prefix="/api/cases", tags=["triage"])
board_router = APIRouter(prefix="/api/triage", tags=["triage"])


@board_router.get("/board")
def triage_board(
    actor: Reader, state: StateDep, session: SessionDep,
    scope: Annotated[Literal["inbox", "all"], Query()] = "all",
) -> TriageBoardPublic:
    """The fast-track candidates (速裁 / 简易) of the user's inbox or of every case they may see.

    Each reason and block carries its evidence (document and page); ``may_decide`` says whether
    the user may confirm or reject it (``POST /api/cases/{n}/triage/decisions``). Audited as
    ``triage.board`` with the cases listed.
    """
    cases, items = board(session, actor, inbox=scope == "inbox")
    record(state.ctx.db, actor, "triage.board",
           detail={"scope": scope, "cases_read": len(cases), "cases": [i["case_number"] for i in items]})
    return TriageBoardPublic(scope=scope, cases_read=len(cases),
                             items=[TriageBoardItem.model_validate(item) for item in items])


@router.get("/{case_number}/triage")
def case_triage(case_number: str, actor: Reader, state: StateDep, session: SessionDep) -> TriagePublic:
    """Candidate 速裁 / 简易 or none, each reason and block with its article and evidence."""
    case = find_case(session, actor, case_number)
    record(state.ctx.db, actor, "triage.view", target=f"case:{case.case_number}")
    documents, report = case_triage_report(session, case)
    decisions = [decision_public(row) for row in case_decisions(session, case)]
    return TriagePublic(case_number=case.case_number, documents=documents, **report,
                        decision=decisions[0] if decisions else None, decisions=decisions)


@router.post("/{case_number}/triage/decisions", status_code=status.HTTP_201_CREATED)
def decide_triage(
    case_number: str, body: TriageDecisionCreate, actor: TriageDecider, state: StateDep,
    session: SessionDep,
) -> TriageDecisionPublic:
    """A handler of the agency holding the case confirms or rejects its fast-track candidate."""
    case = find_case_to_add(session, actor, case_number)
    _, report = case_triage_report(session, case)
    row = decide(session, actor, case, body, report["candidate"])
    session.commit()
    record(state.ctx.db, actor, "triage.decide", target=f"case:{case.case_number}",
           detail={"decision": row.decision, "procedure": row.procedure, "computed": row.computed,
                   "reason": row.reason})
    return decision_public(row)
