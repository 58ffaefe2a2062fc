"""The database is the truth: rebuild the search index from it, and report drift between them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ingest.context import PipelineContext
from ingest.stages import page_records
from models.tables import Document, DocumentStage, DocumentStatus, as_utc
from search.base import PageRecord, SearchIndex

BATCH_DOCUMENTS = 50
CLOCK_MARGIN = timedelta(minutes=5)


def reindex(ctx: PipelineContext) -> tuple[int, int]:
    """Replace the index's pages by those of every processed document: (documents, pages).

    Works on an index of an older schema too: that is how one is brought up to date. Workers
    and the API may go on writing meanwhile: what they wrote during the rebuild is written again
    afterwards (see ``_catch_up``).
    """
    index = ctx.index(for_rebuild=True)
    # a little earlier than now: a worker on another machine stamps its writes by its own clock
    started = datetime.now(UTC) - CLOCK_MARGIN
    with ctx.db.session() as session:
        ids = session.scalars(
            select(Document.id).where(Document.status == DocumentStatus.DONE).order_by(Document.id)
        ).all()

    documents = 0

    def records() -> Iterator[PageRecord]:
        nonlocal documents
        for found, batch_records in _in_batches(ctx, ids):
            documents += found
            yield from batch_records

    pages = index.rebuild(records())
    again, again_pages = _catch_up(ctx, index, set(ids), started)
    return documents + again, pages + again_pages


def _catch_up(
    ctx: PipelineContext, index: SearchIndex, listed: set[int], started: datetime
) -> tuple[int, int]:
    """Write again what changed while the index was rebuilt; return the documents and pages new to it.

    Both backends fill a new index and swap it in at the end (Elasticsearch behind the alias,
    tantivy in a new generation folder), so pages a worker indexed meanwhile went to the old one,
    and a document deleted meanwhile was deleted from the old one only. Documents done since the
    rebuild started, and those being indexed now (their worker may have written to the old index
    just before the swap), get their pages again; listed documents that are gone are deleted.
    Writing a page twice replaces it, so a page written to both costs only repeated work.
    """
    with ctx.db.session() as session:
        rows = session.execute(
            select(Document.id, Document.status, Document.stage, Document.updated_at)
        ).all()
    existing = {row.id for row in rows}
    again = [
        row.id for row in rows
        if (row.status == DocumentStatus.DONE and (row.id not in listed or as_utc(row.updated_at) >= started))
        or (row.status == DocumentStatus.PROCESSING and row.stage == DocumentStage.INDEXING)
    ]
    for document_id in sorted(listed - existing):
        index.delete_document(document_id)
    new_pages = 0
    for _found, records in _in_batches(ctx, again):
        index.add_pages(records)
        new_pages += sum(1 for record in records if record.document_id not in listed)
    return len(set(again) - listed), new_pages


def _in_batches(ctx: PipelineContext, ids: Sequence[int]) -> Iterator[tuple[int, list[PageRecord]]]:
    """The page records of documents ``ids``, a few documents at a time, and how many were found.

    A large database never sits in memory at once.
    """
    for start in range(0, len(ids), BATCH_DOCUMENTS):
        with ctx.db.session() as session:
            batch = session.scalars(
                select(Document).where(Document.id.in_(ids[start:start + BATCH_DOCUMENTS]))
            ).all()
            yield len(batch), [record for document in batch for record in page_records(document)]


@dataclass(frozen=True)
class Drift:
    missing: list[int]  # processed in the database, absent from the index
    stray: list[int]  # in the index, but not a processed document in the database

    @property
    def ok(self) -> bool:
        return not self.missing and not self.stray


def check(ctx: PipelineContext) -> Drift:
    """Compare the documents the index holds with the processed documents of the database."""
    with ctx.db.session() as session:
        done = set(
            session.scalars(select(Document.id).where(Document.status == DocumentStatus.DONE)).all()
        )
    indexed = ctx.index().document_ids()
    return Drift(missing=sorted(done - indexed), stray=sorted(indexed - done))
