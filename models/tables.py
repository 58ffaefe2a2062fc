"""Database tables: the source of truth for cases, documents, pages and extracted facts.

The search index and page-image cache are derived from these and can always be rebuilt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A time read back from the database, aware: SQLite hands back naive UTC datetimes."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


Base.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DocumentStatus(StrEnum):
    """Status of a document as users see it (a member is the string stored)."""

    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class DocumentStage(StrEnum):
    """The pipeline stage a document is in; the conditional updates between stages use it."""

    QUEUED = "queued"
    READING = "reading"
    EXTRACTING = "extracting"
    INDEXING = "indexing"
    DONE = "done"


class PageStatus(StrEnum):
    """Whether a page is read yet."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class Agency(Base):
    """A police station, procuratorate, court, detention centre or 司法局."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="other")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency: Mapped[Agency] = relationship()


class SignInSession(Base):
    """A signed-in session: every token names one, and a revoked or missing one is refused.

    ``kind`` is ``web`` (the page's cookie, which must pass the CSRF check) or ``api`` (a bearer
    token from ``POST /api/auth/token``); neither is accepted in the other's place.
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    client: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInThrottle(Base):
    """Sign-in attempts counted for one key (a name from an address, an address, a name).

    ``key`` is a digest, so that what people typed as a user name is not kept. Times are Unix
    seconds, compared in SQL the same way on SQLite and PostgreSQL.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[float] = mapped_column(Float, index=True)
    blocked_until: Mapped[float] = mapped_column(Float)


class Case(Base):
    """A case file of one agency. Its identity is its ``id``: two agencies may hold the same number."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("agency_id", "case_number", name="uq_cases_agency_case_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(500))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    documents: Mapped[list[Document]] = relationship(back_populates="case", order_by="Document.id")
    agency: Mapped[Agency | None] = relationship()


class CaseAccess(Base):
    """An agency other than the owner that may read a case, granted by a transfer.

    The grant lasts while a transfer of the case to that agency is pending or accepted: returning
    the transfer removes it (``api.services.transfers``).
    """

    __tablename__ = "case_access"
    __table_args__ = (UniqueConstraint("case_id", "agency_id", name="uq_case_access_case_agency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """One recorded action. Append-only; ``hash`` chains each event to the one before it."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    agency: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(40))
    client: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC of ``hash`` with the audit key, which the database does not hold (models.audit_seal);
    # NULL for events written before the installation had a key
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head: updating this one row first serialises concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))  # HMAC of (seq, hash): a moved head shows


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_id", "sha256", name="uq_documents_case_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The agency that added it: only that agency may delete or retry it (a receiving agency
    # that took over the case adds its own documents beside the sender's).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.QUEUED, index=True)
    stage: Mapped[str] = mapped_column(String(20), default=DocumentStage.QUEUED)
    document_type: Mapped[str | None] = mapped_column(String(50))
    # the documents this file holds (卷内目录 entries: type, title, number, agency, date, pages)
    catalogue: Mapped[list[Any] | None] = mapped_column(JSON)
    type_corrected: Mapped[bool] = mapped_column(Boolean, default=False)  # kept across reprocessing
    # a clerk's corrections of the catalogue, in order (nlp.catalogue.edits), replayed on top of
    # the automatic one whenever it is read: they outlive reprocessing, which rewrites ``catalogue``
    catalogue_edits: Mapped[list[Any] | None] = mapped_column(JSON)
    # bumped by every correction or undo of the catalogue, whose UPDATE names the revision it read:
    # of two clerks correcting the same catalogue at once, the second is refused, not lost
    catalogue_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_hint: Mapped[str | None] = mapped_column(Text)
    error_detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    case: Mapped[Case] = relationship(back_populates="documents")
    agency: Mapped[Agency | None] = relationship()
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", order_by="Page.number", cascade="all, delete-orphan"
    )
    facts: Mapped[FactSheetRow | None] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_pages_document_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=PageStatus.PENDING)
    source: Mapped[str | None] = mapped_column(String(20))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    lines: Mapped[list[Any] | None] = mapped_column(JSON)
    ocr_engine: Mapped[str | None] = mapped_column(String(50))
    error_code: Mapped[str | None] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    document: Mapped[Document] = relationship(back_populates="pages")


class FactSheetRow(Base):
    """The fact sheet extracted from one document, values with their evidence."""

    __tablename__ = "fact_sheets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="facts")


class WorkerHeartbeat(Base):
    """Live pipeline workers, so the CLI knows whether queued documents will be picked up."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TransferStatus(StrEnum):
    """Where a transfer stands: sent and waiting, taken, sent back or taken back."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"  # by the sender, while pending


class Transfer(Base):
    """A case sent with its pre-filled intake form from one agency to another (一键流转)."""

    __tablename__ = "transfers"
    # One pending transfer of a form to an agency per case: a double click, or two clerks at
    # once, cannot send the same case twice (the check in create_transfer can race).
    __table_args__ = (
        Index("uq_transfers_pending", "case_id", "form_id", "to_agency_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[str] = mapped_column(String(60))
    form_version: Mapped[str] = mapped_column(String(20))
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=TransferStatus.PENDING, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    prefill: Mapped[list[Any]] = mapped_column(JSON)  # one pre-filled form per defendant
    checklist: Mapped[list[Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # when the receiving agency first opened it: the sender may withdraw only before
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    return_reasons: Mapped[list[Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship()
    from_agency: Mapped[Agency] = relationship(foreign_keys=[from_agency_id])
    to_agency: Mapped[Agency] = relationship(foreign_keys=[to_agency_id])
    reviews: Mapped[list[FieldReview]] = relationship(
        back_populates="transfer", cascade="all, delete-orphan", order_by="FieldReview.id"
    )


class FieldReview(Base):
    """The reviewer's decision on one field of one defendant's form: accepted or corrected.

    Corrections keep the pre-filled value beside the corrected one, so extraction can learn.
    """

    __tablename__ = "field_reviews"
    __table_args__ = (
        UniqueConstraint("transfer_id", "form_index", "field", name="uq_field_reviews_field"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"), index=True)
    form_index: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(20))  # accepted | corrected
    prefilled_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    transfer: Mapped[Transfer] = relationship(back_populates="reviews")


class FormRecord(Base):
    """An accepted intake form: immutable; a later acceptance is a new version."""

    __tablename__ = "form_records"
    __table_args__ = (
        UniqueConstraint("case_id", "form_id", "form_index", "version", name="uq_form_records_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(60))
    form_index: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    defendant: Mapped[str | None] = mapped_column(String(200))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    fields: Mapped[list[Any]] = mapped_column(JSON)  # label, value, decision, evidence per field
    sha256: Mapped[str] = mapped_column(String(64))
    accepted_by: Mapped[str] = mapped_column(String(100))
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TriageDecision(Base):
    """A handler's decision on a case's fast-track (繁简分流) candidate: confirmed or rejected, why.

    Append-only: a later decision is a new row, and the latest one stands. ``computed`` is the
    candidate triage gave when the handler decided (``None``: none), kept beside their word.
    """

    __tablename__ = "triage_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    procedure: Mapped[str] = mapped_column(String(10))  # 速裁 | 简易
    decision: Mapped[str] = mapped_column(String(10))  # confirmed | rejected
    computed: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency: Mapped[Agency | None] = relationship()


class CustodyRecord(Base):
    """A handler's record of an extension of a time limit or a change of measure, with its document.

    The documents of a case do not always carry these (a 延长羁押期限决定书 may never be uploaded),
    so a handler records them: ``kind`` ``extension`` names an extension of rules.toml
    (``extension``), ``measure`` a coercive measure or step (``measure``: 取保候审, 逮捕 …) that
    took effect on ``effective_on``. ``document_number`` (文号) or ``document_id`` (a file of the case)
    names the document that decided it. Append-only: a mistaken record is withdrawn
    (``withdrawn_at``, with who and why), never edited, so the timeline's history stays.
    """

    __tablename__ = "custody_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # extension | measure
    measure: Mapped[str | None] = mapped_column(String(40))
    extension: Mapped[str | None] = mapped_column(String(60))
    effective_on: Mapped[date] = mapped_column(Date)  # the day it took effect (its document's date)
    document_number: Mapped[str | None] = mapped_column(String(200))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency | None] = relationship()


class CaseHandler(Base):
    """The handler (承办人) an agency assigned to a case for the stage it holds.

    The agency holding the case's current stage (``models.access.stage_holder``) assigns one of its
    own users; ``transfer_id`` is the accepted transfer that gave it that stage (``None``: the
    owner's own stage). Append-only: a later assignment by the same agency is a new row, and the
    latest one stands, so who handled the case when stays on record.
    """

    __tablename__ = "case_handlers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(100), index=True)
    assigned_by: Mapped[str] = mapped_column(String(100))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency: Mapped[Agency] = relationship()
