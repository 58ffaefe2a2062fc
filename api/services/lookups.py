"""Find-or-404 helpers: an object outside the actor's cases is exactly as absent as a missing one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import (
    CASE_AMBIGUOUS,
    CASE_NOT_FOUND,
    CASE_NOT_HELD,
    DOCUMENT_NOT_FOUND,
    DOCUMENT_NOT_OWN,
    PAGE_NOT_FOUND,
    CasefileError,
)
from ingest.intake import normalize_case_number
from models.access import OPERATOR_ROLE, holds_stage, visible_cases
from models.audit import Actor
from models.tables import Case, Document, Page


def find_case(session: Session, actor: Actor, case_number: str) -> Case:
    """The case of this number among those ``actor`` may see, their own agency's first.

    Two agencies may hold the same number: the actor's own agency's case wins; otherwise the one
    case of that number granted to it. Several granted ones (and no own) is ``CASE_AMBIGUOUS``:
    never a silent pick.
    """
    try:
        number = normalize_case_number(case_number)
    except CasefileError:
        raise CasefileError(CASE_NOT_FOUND, case_number) from None
    cases = session.scalars(
        select(Case).where(Case.case_number == number, visible_cases(actor)).order_by(Case.id)
    ).all()
    own = [case for case in cases if case.agency_id == actor.agency_id]
    if own:
        return own[0]
    if not cases:
        raise CasefileError(CASE_NOT_FOUND, case_number)
    if len(cases) > 1:
        raise CasefileError(CASE_AMBIGUOUS, f"{number}: cases {[c.id for c in cases]}")
    return cases[0]


def find_case_to_add(session: Session, actor: Actor, case_number: str) -> Case:
    """A case ``actor`` may add documents to or send on: its agency holds the current stage.

    A case the actor may only read (granted by a transfer not accepted) is ``CASE_NOT_HELD``.
    """
    case = find_case(session, actor, case_number)
    if not holds_stage(session, actor, case):
        raise CasefileError(CASE_NOT_HELD, f"case {case.id} as {actor.username}")
    return case


def find_own_document(session: Session, actor: Actor, document_id: int) -> Document:
    """A document ``actor``'s agency added, in a case whose stage it holds (to delete or retry)."""
    document = find_document(session, actor, document_id)
    if actor.role == OPERATOR_ROLE:
        return document
    added_by = document.agency_id if document.agency_id is not None else document.case.agency_id
    if added_by != actor.agency_id:
        raise CasefileError(DOCUMENT_NOT_OWN, f"document {document_id} as {actor.username}")
    if not holds_stage(session, actor, document.case):
        raise CasefileError(CASE_NOT_HELD, f"case {document.case_id} as {actor.username}")
    return document


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
