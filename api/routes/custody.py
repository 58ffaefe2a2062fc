"""A handler's records on a case's timeline: an extension of a time limit, a change of measure."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.custody import add_record, find_record, record_public, withdraw_record
from api.deps import CustodyRecorder, RecordId, SessionDep, StateDep
from api.schemas import CustodyRecordCreate, CustodyRecordPublic, CustodyRecordWithdraw
from api.services.lookups import find_case_to_add
from models.audit import record

router = APIRouter(prefix="/api/cases", tags=["deadlines"])


@router.post("/{case_number}/custody-records", status_code=status.HTTP_201_CREATED)
def add_custody_record(
    case_number: str, body: CustodyRecordCreate, actor: CustodyRecorder, state: StateDep,
    session: SessionDep,
) -> CustodyRecordPublic:
    """A handler of the agency holding the case records an extension or a change of measure.

    It names its document (文号, or a file of the case) and its date; the case's timeline and
    the due list count it from then on. Audited as ``deadlines.record``.
    """
    case = find_case_to_add(session, actor, case_number)
    row = add_record(session, actor, case, body)
    session.commit()
    record(state.ctx.db, actor, "deadlines.record", target=f"case:{case.case_number}",
           detail={"record": row.id, "person": row.person, "kind": row.kind, "measure": row.measure,
                   "extension": row.extension, "date": row.effective_on.isoformat(),
                   "document_number": row.document_number, "document_id": row.document_id})
    return record_public(row)


@router.post("/{case_number}/custody-records/{custody_record_id}/withdraw")
def withdraw_custody_record(
    case_number: str, custody_record_id: RecordId, body: CustodyRecordWithdraw, actor: CustodyRecorder,
    state: StateDep, session: SessionDep,
) -> CustodyRecordPublic:
    """Withdraw a mistaken record, with the reason (it stays, marked; the timeline drops it)."""
    case = find_case_to_add(session, actor, case_number)
    row = find_record(session, case, custody_record_id)
    withdraw_record(session, actor, row, body.reason)
    session.commit()
    record(state.ctx.db, actor, "deadlines.record.withdraw", target=f"case:{case.case_number}",
           detail={"record": row.id, "reason": row.withdrawn_reason})
    return record_public(row)
