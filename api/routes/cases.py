"""Cases: create, list, show, the merged fact sheet of a case, its time limits and its 卷内目录."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from api.custody import case_records, record_public, recordable
from api.deadlines import case_report
from api.deps import CaseCreator, Reader, SessionDep, StateDep
from api.downloads import attachment
from api.schemas import CaseCreate, CasePublic, DeadlinesPublic, DocumentPublic, FactsPublic
from api.services.catalogue import case_catalogue
from api.services.lookups import find_case
from api.services.transfers import case_facts as merged_case_facts
from core.errors import CASE_EXISTS, CasefileError
from ingest.intake import get_or_create_case, normalize_case_number
from models.access import visible_cases
from models.audit import record
from models.tables import Case, DocumentStatus

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
def list_cases(actor: Reader, state: StateDep, session: SessionDep) -> list[CasePublic]:
    cases = session.scalars(
        select(Case).where(visible_cases(actor)).order_by(Case.created_at.desc(), Case.id.desc())
    ).all()
    record(state.ctx.db, actor, "case.list", detail={"cases": len(cases)})
    return [CasePublic.of(case) for case in cases]


@router.get("/{case_number}")
def show_case(case_number: str, actor: Reader, state: StateDep, session: SessionDep) -> CasePublic:
    case = find_case(session, actor, case_number)
    record(state.ctx.db, actor, "case.view", target=f"case:{case.case_number}")
    return CasePublic.of(case)


@router.get("/{case_number}/documents")
def list_documents(
    case_number: str, actor: Reader, state: StateDep, session: SessionDep
) -> list[DocumentPublic]:
    case = find_case(session, actor, case_number)
    documents = [DocumentPublic.of(doc) for doc in case.documents]
    record(state.ctx.db, actor, "document.list", target=f"case:{case.case_number}",
           detail={"documents": [doc.id for doc in documents]})
    return documents


@router.get("/{case_number}/facts")
def case_facts(case_number: str, actor: Reader, state: StateDep, session: SessionDep) -> FactsPublic:
    case = find_case(session, actor, case_number)
    documents = sorted(d.id for d in case.documents if d.facts is not None)
    record(state.ctx.db, actor, "facts.view", target=f"case:{case.case_number}")
    return FactsPublic(
        case_number=case.case_number, documents=documents, facts=merged_case_facts(session, case)
    )


@router.get("/{case_number}/deadlines")
def case_deadlines(
    case_number: str, actor: Reader, state: StateDep, session: SessionDep, today: dt.date | None = None,
) -> DeadlinesPublic:
    """Every statutory time limit the case's processed documents let one compute, per person.

    ``today`` (default: today) is the day ``days_left`` and ``overdue`` are counted against.
    """
    case = find_case(session, actor, case_number)
    record(state.ctx.db, actor, "deadlines.view", target=f"case:{case.case_number}")
    documents, report = case_report(session, case, today=today or dt.date.today(),
                                    warn_days=state.settings.deadline_warn_days)
    records = [record_public(row) for row in case_records(session, case)]
    return DeadlinesPublic(case_number=case.case_number, documents=documents, **report,
                           records=records, recordable=recordable())


@router.get("/{case_number}/catalogue.pdf")
def catalogue_pdf(case_number: str, actor: Reader, state: StateDep, session: SessionDep) -> Response:
    """The case's 卷内目录 as a printable A4 PDF: every document of its processed files, in order.

    Pages are counted across the files as the case page counts them; files still being
    processed are left out, and a line under the table says how many.
    """
    from nlp.catalogue.export import render_catalogue_pdf

    case = find_case(session, actor, case_number)
    rows = case_catalogue(case)
    pending = sum(1 for d in case.documents if d.status != DocumentStatus.DONE)
    footer = f"另有 {pending} 个文件尚未处理完成或处理失败，未列入本目录。" if pending else ""
    pdf = render_catalogue_pdf(rows, case_number=case.case_number, case_title=case.title, footer=footer)
    record(state.ctx.db, actor, "catalogue.export", target=f"case:{case.case_number}",
           detail={"as": "pdf", "documents": len(rows)})
    # 案号_卷内目录.pdf, as a clerk files it
    headers = attachment(f"{case.case_number}_卷内目录.pdf", f"case-{case.id}-catalogue.pdf")
    return Response(pdf, media_type="application/pdf", headers=headers)
