"""Cases: create, list, show, and the merged fact sheet of a case."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import SessionDep
from api.lookups import find_case
from api.schemas import CaseCreate, CasePublic, DocumentPublic, FactsPublic
from core.errors import CASE_EXISTS, CasefileError
from ingest.intake import get_or_create_case, normalize_case_number
from models.tables import Case, FactSheetRow

router = APIRouter(prefix="/api/cases", tags=["cases"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_case(body: CaseCreate, session: SessionDep) -> CasePublic:
    number = normalize_case_number(body.case_number)
    if session.scalar(select(Case).where(Case.case_number == number)) is not None:
        raise CasefileError(CASE_EXISTS, number)
    return CasePublic.of(get_or_create_case(session, number, body.title))


@router.get("")
def list_cases(session: SessionDep) -> list[CasePublic]:
    cases = session.scalars(select(Case).order_by(Case.created_at.desc(), Case.id.desc())).all()
    return [CasePublic.of(case) for case in cases]


@router.get("/{case_number}")
def show_case(case_number: str, session: SessionDep) -> CasePublic:
    return CasePublic.of(find_case(session, case_number))


@router.get("/{case_number}/documents")
def list_documents(case_number: str, session: SessionDep) -> list[DocumentPublic]:
    case = find_case(session, case_number)
    return [DocumentPublic.of(doc) for doc in case.documents]


@router.get("/{case_number}/facts")
def case_facts(case_number: str, session: SessionDep) -> FactsPublic:
    from nlp.factsheet import merge_factsheets

    case = find_case(session, case_number)
    rows = session.scalars(
        select(FactSheetRow)
        .where(FactSheetRow.document_id.in_([d.id for d in case.documents]))
        .order_by(FactSheetRow.document_id)
    ).all()
    merged = merge_factsheets([row.data for row in rows]) if rows else {}
    return FactsPublic(
        case_number=case.case_number, documents=[r.document_id for r in rows], facts=merged
    )
