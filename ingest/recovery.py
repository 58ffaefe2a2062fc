"""Recovery at worker start: the database says which documents are unfinished; queue them again.

The embedded queue (kombu's SQLAlchemy transport) keeps a delivered but unacknowledged message
only in the worker's memory, so a worker killed mid-page loses it. The database is the source of
truth: when a worker starts and no other worker is alive, the queue is rebuilt from the unfinished
documents. Stages are idempotent and skip finished pages, so a document queued twice costs a
little time, never a duplicate page, fact sheet or index entry.
"""

from __future__ import annotations

import logging

from celery import Celery
from sqlalchemy import select

from ingest.context import PipelineContext
from ingest.jobs import QUEUE, queue_document
from models.tables import Document, DocumentStatus

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


def requeue_unfinished(ctx: PipelineContext, app: Celery, *, purge: bool) -> list[int]:
    """Queue every unfinished document again; with ``purge``, empty the queue first.

    Purge only when no other worker is alive (their queued tasks would be dropped otherwise).
    """
    if purge:
        with app.connection_for_write() as connection:
            dropped = connection.default_channel.queue_purge(QUEUE) or 0
        if dropped:
            log.info("dropped %s queued tasks; the queue is rebuilt from the database", dropped)
    documents = unfinished_documents(ctx)
    for document_id in documents:
        queue_document(app, document_id)
    if documents:
        log.warning("re-queued %d unfinished documents: %s", len(documents), documents)
    return documents
