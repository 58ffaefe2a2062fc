"""Find-or-404 helpers shared by route handlers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import CASE_NOT_FOUND, DOCUMENT_NOT_FOUND, PAGE_NOT_FOUND, CasefileError
from models.tables import Case, Document, Page


def find_case(session: Session, case_number: str) -> Case:
    case = session.scalar(select(Case).where(Case.case_number == case_number.strip()))
    if case is None:
        raise CasefileError(CASE_NOT_FOUND, case_number)
    return case


def find_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise CasefileError(DOCUMENT_NOT_FOUND, str(document_id))
    return document


def find_page(session: Session, document_id: int, number: int) -> Page:
    find_document(session, document_id)
    page = session.scalar(
        select(Page).where(Page.document_id == document_id, Page.number == number)
    )
    if page is None:
        raise CasefileError(PAGE_NOT_FOUND, f"{document_id}/{number}")
    return page
