"""Intake: a file into a case — stored first, sniffed, recorded, then queued.

``submit`` is the one intake path: the upload route, `casefile ingest` and the demo dossier all
hand their files to it, and it runs one ordered list of steps (as paperless-ngx's
``consume_file``). Runs in the API process and the CLI. Nothing here reads pages; that is the
pipeline's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from celery import Celery
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import FILE_NOT_READABLE, INVALID_CASE_NUMBER, CasefileError
from core.names import sanitize_filename
from ingest.context import PipelineContext
from ingest.jobs import queue_document
from ingest.reading.sniff import sniff_media_type
from ingest.storage import OriginalStore
from models.audit import Actor, record
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


@dataclass(frozen=True)
class Incoming:
    """One file handed in: the name it came with and where its bytes are.

    A ``Path`` is opened here (a missing or unreadable one is refused as ``FILE_NOT_READABLE``);
    a stream belongs to the caller (an upload's spooled file) and is read as it is.
    """

    filename: str
    source: Path | BinaryIO


@dataclass(frozen=True)
class Accepted:
    """A file that is a document of the case: a new one, or the one it duplicates."""

    incoming: Incoming
    document: Document
    duplicate: bool


@dataclass(frozen=True)
class Rejected:
    """A file that did not become a document, with the error to show the person who sent it."""

    incoming: Incoming
    error: CasefileError


@dataclass
class Submission:
    """One ``submit``: what it was given, then what each step adds (the steps' shared context)."""

    ctx: PipelineContext
    jobs: Celery
    files: Sequence[Incoming]
    case_of: Callable[[Session], Case]
    max_bytes: int
    agency_id: int | None = None
    actor: Actor | None = None
    queue_all: Callable[[], object] | None = None
    # how the caller reports a document, built while its row is in the intake's session
    describe: Callable[[Accepted], Any] | None = None
    case: Case | None = None  # found by ``find_case``; valid inside the intake's session only
    case_number: str = ""
    added: list[Accepted] = field(default_factory=list)
    views: list[Any] = field(default_factory=list)  # ``describe`` of each of ``added``
    rejected: list[Rejected] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    queue_error: CasefileError | None = None


InTransaction = Callable[[Submission, Session], None]
AfterCommit = Callable[[Submission], None]


def find_case(sub: Submission, session: Session) -> None:
    """The case the caller means (its own rule: the actor's case, the operator's, the demo's)."""
    sub.case = sub.case_of(session)
    sub.case_number = sub.case.case_number


def store_files(sub: Submission, session: Session) -> None:
    """Store each original and add its Document row; a refused file is reported, the others go on."""
    assert sub.case is not None, "find_case runs first"
    for incoming in sub.files:
        try:
            result = _add_one(session, sub, sub.case, incoming)
        except CasefileError as error:
            sub.rejected.append(Rejected(incoming, error))
            continue
        accepted = Accepted(incoming, result.document, result.duplicate)
        sub.added.append(accepted)
        if sub.describe is not None:
            sub.views.append(sub.describe(accepted))


def record_outcomes(sub: Submission) -> None:
    """One audit event per file, in the name of the actor who sent it (none for the operator's CLI)."""
    if sub.actor is None:
        return
    for result in sub.added:
        record(sub.ctx.db, sub.actor, "document.upload", target=f"document:{result.document.id}",
               outcome="duplicate" if result.duplicate else "ok",
               detail={"case": sub.case_number, "filename": sanitize_filename(result.document.original_name)})
    for item in sub.rejected:
        record(sub.ctx.db, sub.actor, "document.upload", target=f"case:{sub.case_number}",
               outcome="refused", detail={"filename": sanitize_filename(item.incoming.filename),
                                          "error": item.error.to_dict()})


def queue_new(sub: Submission) -> None:
    """Queue the new documents (duplicates were processed already).

    With ``queue_all`` (`casefile ingest`'s embedded worker started with ``--starter-recovers``,
    docs/ARCHITECTURE.md) it is run instead: it queues every unfinished document, these among
    them, each once. A queue that cannot be reached leaves the documents recorded as queued (the
    reconciler queues them later) and is reported in ``queue_error``, never as a lost file.
    """
    new = [r.document.id for r in sub.added if not r.duplicate]
    if sub.queue_all is not None:
        try:
            sub.queue_all()
        except CasefileError as error:
            sub.queue_error = error
            return
        sub.queued.extend(new)
        return
    for document_id in new:  # each is tried: one the broker refused does not hold back the rest
        try:
            queue_document(sub.jobs, document_id)
        except CasefileError as error:
            sub.queue_error = error
            continue
        sub.queued.append(document_id)


# The order is the contract: a file is stored before its row exists, rows are committed before
# anything is queued or audited (a worker must find the row its task names).
IN_TRANSACTION: tuple[InTransaction, ...] = (find_case, store_files)
AFTER_COMMIT: tuple[AfterCommit, ...] = (record_outcomes, queue_new)


def submit(
    ctx: PipelineContext,
    jobs: Celery,
    files: Sequence[Incoming],
    *,
    case_of: Callable[[Session], Case],
    max_bytes: int,
    agency_id: int | None = None,
    actor: Actor | None = None,
    queue_all: Callable[[], object] | None = None,
    describe: Callable[[Accepted], Any] | None = None,
) -> Submission:
    """Files into a case: store, add, commit, then audit and queue; the one intake path.

    ``case_of`` finds (or creates) the case in the intake's transaction; its CasefileError (no
    such case, not held, ambiguous) is raised and nothing is stored. Each file's own error is in
    ``rejected``; a queue that cannot be reached is in ``queue_error`` (documents stay queued).
    ``agency_id``: the agency adding the files (default: the case's owner). ``actor``: whom the
    audit events name (none without). ``queue_all``: see ``queue_new``. ``describe``: each
    accepted file as the caller reports it, built in the transaction (in ``views``).
    Runs in the caller's thread (the API runs it off the event loop).
    """
    sub = Submission(ctx, jobs, files, case_of, max_bytes, agency_id, actor, queue_all, describe)
    with ctx.db.session() as session:
        for step in IN_TRANSACTION:
            step(sub, session)
        session.commit()
    for after in AFTER_COMMIT:
        after(sub)
    return sub


def _add_one(session: Session, sub: Submission, case: Case, incoming: Incoming) -> IntakeResult:
    if not isinstance(incoming.source, Path):
        return add_document(session, sub.ctx.store, case, incoming.filename, incoming.source,
                            max_bytes=sub.max_bytes, agency_id=sub.agency_id)
    try:
        if not incoming.source.exists():
            raise FileNotFoundError(incoming.source)
        with incoming.source.open("rb") as stream:
            return add_document(session, sub.ctx.store, case, incoming.filename, stream,
                                max_bytes=sub.max_bytes, agency_id=sub.agency_id)
    except OSError as error:
        raise CasefileError(FILE_NOT_READABLE, str(error)) from error
