"""The handler (承办人) of a case's current stage: read it, and assign one (the holding agency)."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.case_handlers import (
    assign_handler,
    assignments,
    current_of,
    current_stage,
    handler_candidates,
)
from api.deps import HandlerAssigner, Reader, SessionDep, StateDep
from api.policy import CASE_ASSIGN, allowed
from api.schemas import CaseHandlerAssign, CaseHandlerPublic, CaseHandlersPublic, HandlerCandidate
from api.services.lookups import find_case, find_case_to_add
from models.access import holds_stage
from models.audit import record
from models.tables import Agency, CaseHandler, User

router = APIRouter(prefix="/api/cases", tags=["deadlines"])


def _public(session: SessionDep, row: CaseHandler) -> CaseHandlerPublic:
    display = session.scalar(select(User.display_name).where(User.username == row.username))
    return CaseHandlerPublic(username=row.username, display_name=display, agency=row.agency.name,
                             transfer_id=row.transfer_id, assigned_by=row.assigned_by,
                             assigned_at=row.assigned_at)


@router.get("/{case_number}/handler")
def case_handler(case_number: str, actor: Reader, session: SessionDep, state: StateDep) -> CaseHandlersPublic:
    """The handler of the case's current stage (None: not assigned yet) and the assignments made.

    A user whose agency holds the stage and who may assign also gets the candidates: the active
    investigators, prosecutors and judges of that agency.
    """
    case = find_case(session, actor, case_number)
    stage = current_stage(session, case)
    rows = assignments(session, case)
    current = current_of(rows, stage)
    holder = session.get(Agency, stage.agency_id) if stage.agency_id is not None else None
    may_assign = allowed(actor, CASE_ASSIGN) and holds_stage(session, actor, case)
    record(state.ctx.db, actor, "case.handler_view", target=f"case:{case.case_number}")
    return CaseHandlersPublic(
        agency=holder.name if holder else None,
        current=_public(session, current) if current else None,
        may_assign=may_assign,
        candidates=[HandlerCandidate(username=u.username, display_name=u.display_name)
                    for u in handler_candidates(session, stage.agency_id)] if may_assign else [],
        history=[_public(session, row) for row in rows],
    )


@router.post("/{case_number}/handler", status_code=status.HTTP_201_CREATED)
def assign_case_handler(
    case_number: str, body: CaseHandlerAssign, actor: HandlerAssigner, state: StateDep, session: SessionDep,
) -> CaseHandlerPublic:
    """The agency holding the case's current stage assigns one of its handlers (audited).

    Only that agency may (``CASE_NOT_HELD`` otherwise); the handler must be an active
    investigator, prosecutor or judge of it (``HANDLER_INVALID``).
    """
    case = find_case_to_add(session, actor, case_number)
    row = assign_handler(session, actor, case, body.username)
    session.commit()
    record(state.ctx.db, actor, "case.assign_handler", target=f"case:{case.case_number}",
           detail={"handler": row.username, "agency": row.agency.name, "transfer": row.transfer_id})
    return _public(session, row)
