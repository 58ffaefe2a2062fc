"""Cases: create, list, show, and the merged fact sheet of a case."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import CaseCreator, Reader, SessionDep, StateDep
from api.lookups import find_case
from api.schemas import CaseCreate, CasePublic, DocumentPublic, FactsPublic
from api.transfers import case_facts as merged_case_facts
from core.errors import CASE_EXISTS, CasefileError
from ingest.intake import get_or_create_case, normalize_case_number
from models.access import visible_cases
from models.audit import record
from models.tables import Case

router = APIRouter(prefix="/api/cases", tags=["cases"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_case(body: CaseCreate, actor: CaseCreator, state: StateDep, session: SessionDep) -> CasePublic:
    number = normalize_case_number(body.case_number)
    # Numbers are unique within an agency only: another agency's case of the same number is
    # another case, and creating this one answers exactly as for a number nobody holds.
    if session.scalar(
        select(Case).where(Case.case_number == number, Case.agency_id == actor.agency_id)
    ) is not None:
        raise CasefileError(CASE_EXISTS, number)
    case = get_or_create_case(session, number, body.title, agency_id=actor.agency_id)
    session.commit()
    record(state.ctx.db, actor, "case.create", target=f"case:{number}")
    return CasePublic.of(case)


@router.get("")
def list_cases(actor: Reader, session: SessionDep) -> list[CasePublic]:
    cases = session.scalars(
        select(Case).where(visible_cases(actor)).order_by(Case.created_at.desc(), Case.id.desc())
    ).all()
    return [CasePublic.of(case) for case in cases]


@router.get("/{case_number}")
def show_case(case_number: str, actor: Reader, session: SessionDep) -> CasePublic:
    return CasePublic.of(find_case(session, actor, case_number))


@router.get("/{case_number}/documents")
def list_documents(case_number: str, actor: Reader, session: SessionDep) -> list[DocumentPublic]:
    case = find_case(session, actor, case_number)
    return [DocumentPublic.of(doc) for doc in case.documents]


@router.get("/{case_number}/facts")
def case_facts(case_number: str, actor: Reader, state: StateDep, session: SessionDep) -> FactsPublic:
    case = find_case(session, actor, case_number)
    documents = sorted(d.id for d in case.documents if d.facts is not None)
    record(state.ctx.db, actor, "facts.view", target=f"case:{case.case_number}")
    return FactsPublic(
        case_number=case.case_number, documents=documents, facts=merged_case_facts(session, case)
    )
