"""Find-or-404 helpers: an object outside the actor's cases is exactly as absent as a missing one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import CASE_NOT_FOUND, DOCUMENT_NOT_FOUND, PAGE_NOT_FOUND, CasefileError
from models.access import visible_cases
from models.audit import Actor
from models.tables import Case, Document, Page


def find_case(session: Session, actor: Actor, case_number: str) -> Case:
    case = session.scalar(
        select(Case).where(Case.case_number == case_number.strip(), visible_cases(actor))
    )
    if case is None:
        raise CasefileError(CASE_NOT_FOUND, case_number)
    return case


def find_document(session: Session, actor: Actor, document_id: int) -> Document:
    document = session.scalar(
        select(Document).join(Case).where(Document.id == document_id, visible_cases(actor))
    )
    if document is None:
        raise CasefileError(DOCUMENT_NOT_FOUND, str(document_id))
    return document


def find_page(session: Session, actor: Actor, document_id: int, number: int) -> Page:
    find_document(session, actor, document_id)
    page = session.scalar(
        select(Page).where(Page.document_id == document_id, Page.number == number)
    )
    if page is None:
        raise CasefileError(PAGE_NOT_FOUND, f"{document_id}/{number}")
    return page
