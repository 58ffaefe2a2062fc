"""Intake: a file into a case — stored first, sniffed, recorded, then queued.

Runs in the API process and the CLI. Nothing here reads pages; that is the pipeline's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import INVALID_CASE_NUMBER, CasefileError
from core.names import sanitize_filename
from ingest.reading.sniff import sniff_media_type
from ingest.storage import OriginalStore
from models.tables import Case, Document, DocumentStage, DocumentStatus


def normalize_case_number(case_number: str) -> str:
    value = unicodedata.normalize("NFC", case_number or "").strip()
    value = re.sub(r"[\x00-\x1f\x7f]", "", value)
    if not value:
        raise CasefileError(INVALID_CASE_NUMBER)
    if len(value) > 200:
        raise CasefileError(INVALID_CASE_NUMBER, "case number longer than 200 characters",
                            message="案号过长（超过 200 个字符）。")
    return value


def get_or_create_case(
    session: Session, case_number: str, title: str | None = None, *, agency_id: int | None = None
) -> Case:
    """The case of ``agency_id`` with this number, created if new.

    Case numbers are unique within an agency only: another agency's case of the same number is
    another case, and is neither found nor revealed here.
    """
    case_number = normalize_case_number(case_number)
    agency = Case.agency_id.is_(None) if agency_id is None else Case.agency_id == agency_id
    case = session.scalar(select(Case).where(Case.case_number == case_number, agency))
    if case is None:
        case = Case(case_number=case_number, title=title, agency_id=agency_id)
        session.add(case)
        session.flush()
    return case


@dataclass(frozen=True)
class IntakeResult:
    """A document created, or the existing one when the same file is already in the case."""

    document: Document
    duplicate: bool


def add_document(
    session: Session,
    store: OriginalStore,
    case: Case,
    filename: str,
    stream: BinaryIO,
    *,
    max_bytes: int,
    agency_id: int | None = None,
) -> IntakeResult:
    """Store the original durably, decide its type by content, and record a queued document.

    ``agency_id`` is the agency adding it (default: the case's owner): only it may delete or
    retry the document later.

    Raises CasefileError (EMPTY_FILE, FILE_TOO_LARGE, UNSUPPORTED_TYPE, TYPE_MISMATCH) for input
    that cannot become a document; the caller reports it to the clerk.
    """
    name = sanitize_filename(filename)
    media_types: list[str] = []
    # The type is decided before the file enters the store: a refused file is never stored.
    stored = store.put(
        stream, max_bytes=max_bytes,
        accept=lambda head: media_types.append(sniff_media_type(head, name)),
    )
    existing = session.scalar(
        select(Document).where(Document.case_id == case.id, Document.sha256 == stored.sha256)
    )
    if existing is not None:
        return IntakeResult(existing, duplicate=True)
    media_type = media_types[0]
    document = Document(
        case_id=case.id,
        agency_id=case.agency_id if agency_id is None else agency_id,
        original_name=name,
        sha256=stored.sha256,
        media_type=media_type,
        size_bytes=stored.size,
        status=DocumentStatus.QUEUED,
        stage=DocumentStage.QUEUED,
    )
    session.add(document)
    session.flush()
    return IntakeResult(document, duplicate=False)
