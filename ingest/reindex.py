"""The database is the truth: rebuild the search index from it, and report drift between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from ingest.context import PipelineContext
from ingest.stages import page_records
from models.tables import Document, DocumentStatus
from search.base import PageRecord

BATCH_DOCUMENTS = 50


def reindex(ctx: PipelineContext) -> tuple[int, int]:
    """Replace the index's pages by those of every processed document: (documents, pages).

    Works on an index of an older schema too: that is how one is brought up to date.
    """
    index = ctx.index(for_rebuild=True)
    with ctx.db.session() as session:
        ids = session.scalars(
            select(Document.id).where(Document.status == DocumentStatus.DONE).order_by(Document.id)
        ).all()

    documents = 0

    def records() -> Iterator[PageRecord]:
        # a few documents at a time: a large database never sits in memory at once
        nonlocal documents
        for start in range(0, len(ids), BATCH_DOCUMENTS):
            with ctx.db.session() as session:
                batch = session.scalars(
                    select(Document).where(Document.id.in_(ids[start:start + BATCH_DOCUMENTS]))
                ).all()
                batch_records = [record for document in batch for record in page_records(document)]
            documents += len(batch)
            yield from batch_records

    pages = index.rebuild(records())
    return documents, pages


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
