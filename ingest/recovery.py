"""Recovery at worker start: the database says which documents are unfinished; queue them again.

The embedded queue (kombu's SQLAlchemy transport) keeps a delivered but unacknowledged message
only in the worker's memory, so a worker killed mid-page loses it. The database is the source of
truth: when a worker starts and no other worker is alive, the queue is rebuilt from the unfinished
documents. Stages are idempotent and skip finished pages, so a document queued twice costs a
little time, never a duplicate page, fact sheet or index entry.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from celery import Celery
from sqlalchemy import func, select

from core.errors import PROCESSING_TIMEOUT, CasefileError
from ingest.context import PipelineContext
from ingest.jobs import QUEUES, queue_document
from ingest.stages import record_failure
from models.tables import Document, DocumentStatus, Page, as_utc

log = logging.getLogger(__name__)


def unfinished_documents(ctx: PipelineContext) -> list[int]:
    with ctx.db.session() as session:
        return list(
            session.scalars(
                select(Document.id)
                .where(Document.status.in_([DocumentStatus.QUEUED, DocumentStatus.PROCESSING]))
                .order_by(Document.id)
            ).all()
        )


def requeue_unfinished(
    ctx: PipelineContext, app: Celery, *, purge: bool, level: int = logging.WARNING
) -> list[int]:
    """Queue every unfinished document again; with ``purge``, empty the queue first.

    Purge only when no other worker is alive (their queued tasks would be dropped otherwise).
    ``level``: of the log line naming them (`casefile ingest` queues its own uploads this way).
    """
    if purge:
        with app.connection_for_write() as connection:
            dropped = sum(connection.default_channel.queue_purge(queue) or 0 for queue in QUEUES)
        if dropped:
            log.info("dropped %s queued tasks; the queue is rebuilt from the database", dropped)
    documents = unfinished_documents(ctx)
    for document_id in documents:
        queue_document(app, document_id)
    if documents:
        log.log(level, "re-queued %d unfinished documents: %s", len(documents), documents)
    return documents


def stalled_documents(ctx: PipelineContext, idle: timedelta) -> list[int]:
    """Unfinished documents with no activity (document or page update) for ``idle``."""
    cutoff = datetime.now(UTC) - idle
    with ctx.db.session() as session:
        last_page = (
            select(Page.document_id, func.max(Page.updated_at).label("at"))
            .group_by(Page.document_id)
            .subquery()
        )
        rows = session.execute(
            select(Document.id, Document.updated_at, last_page.c.at)
            .outerjoin(last_page, last_page.c.document_id == Document.id)
            .where(Document.status.in_([DocumentStatus.QUEUED, DocumentStatus.PROCESSING]))
        ).all()
    stalled = []
    for document_id, updated, page_at in rows:
        latest = max(as_utc(t) for t in (updated, page_at) if t is not None)
        if latest < cutoff:
            stalled.append(document_id)
    return stalled


MAX_ATTEMPTS = 3


def requeue_stalled(ctx: PipelineContext, app: Celery, idle: timedelta) -> list[int]:
    """Queue again the documents that stalled (a lost task, a broker restart without data).

    A document that stalled on every one of its attempts (a page that a worker is killed on,
    for time or memory, each time) is marked failed instead of being tried forever.
    """
    stalled = stalled_documents(ctx, idle)
    for document_id in list(stalled):
        with ctx.db.session() as session:
            document = session.get(Document, document_id)
            attempts = document.attempts if document else 0
        if attempts >= MAX_ATTEMPTS:
            record_failure(ctx, document_id, CasefileError(PROCESSING_TIMEOUT, f"{attempts} attempts"))
            stalled.remove(document_id)
            continue
        queue_document(app, document_id)
        with ctx.db.session() as session:
            document = session.get(Document, document_id)
            if document is not None:
                document.updated_at = datetime.now(UTC)  # wait another full period before the next try
    if stalled:
        log.warning("re-queued %d stalled documents: %s", len(stalled), stalled)
    return stalled
