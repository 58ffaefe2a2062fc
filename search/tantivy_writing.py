"""Writing pages to a tantivy index: page documents, batches, commits.

Each write (a batch of pages, a delete, a clear) holds the writer for one commit and releases it
at once (see ``tantivy_generations`` for who may hold it); a failed write is rolled back. Pages
arrive analysed (``search.prepare``): nothing is analysed while a writer is held.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from search.base import PageRecord
from search.prepare import PreparedPage, prepare_page


def page_document(tantivy: Any, prepared: PreparedPage) -> Any:
    """The tantivy document of one analysed page (fields of ``tantivy_schema.schema``)."""
    r = prepared.record
    doc = tantivy.Document()
    doc.add_text("key", prepared.key)
    doc.add_integer("document_id", r.document_id)
    doc.add_integer("page", r.page)
    doc.add_text("case_number", r.case_number)
    doc.add_text("case_key", prepared.case_key)
    doc.add_integer("case_id", r.case_id)
    doc.add_text("filename", r.filename)
    doc.add_bytes("text", r.text.encode("utf-8"))
    doc.add_bytes("analysis", prepared.analysis)
    doc.add_text("uni", prepared.uni)
    doc.add_text("pairs", prepared.pairs)
    if prepared.ids:
        doc.add_text("ids", prepared.ids)
    doc.add_text("words", prepared.words)
    if prepared.document_type:
        doc.add_text("document_type", prepared.document_type)
    if prepared.agency:
        doc.add_text("agency", prepared.agency)
    for charge in prepared.charges:
        doc.add_text("charge", charge)
    for defendant in prepared.defendants:
        doc.add_text("defendant", defendant)
    if prepared.date_ord:
        doc.add_text("year", str(prepared.date_ord // 10000))
    doc.add_integer("date_ord", prepared.date_ord)
    return doc


def batches(pages: Iterable[PreparedPage], size: int) -> Iterator[list[PreparedPage]]:
    """``pages`` in lists of ``size`` (the last one shorter), one writer acquisition each."""
    batch: list[PreparedPage] = []
    for prepared in pages:
        batch.append(prepared)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def replace_page(writer: Any, key: str, doc: Any) -> None:
    """Add ``doc`` in place of any page of the same ``key``: delete-then-add in one commit."""
    writer.delete_documents_by_term("key", key)
    writer.add_document(doc)


def fill(tantivy: Any, index: Any, records: Iterable[PageRecord], heap_bytes: int) -> int:
    """Add ``records`` to an index no other process uses yet: one writer, one commit."""
    try:
        writer = index.writer(heap_size=heap_bytes, num_threads=1)
    except ValueError as e:
        raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index writer: {e}") from e
    count = 0
    with committed(writer):
        for record in records:
            prepared = prepare_page(record)
            replace_page(writer, prepared.key, page_document(tantivy, prepared))  # a page listed twice is kept once
            count += 1
    return count


@contextlib.contextmanager
def committed(writer: Any) -> Iterator[Any]:
    """Commit what is written to ``writer`` in the block (roll it back on error), then release it."""
    done = False
    try:
        yield writer
        writer.commit()
        done = True
    except ValueError as e:
        raise CasefileError(SEARCH_UNAVAILABLE, f"index write failed: {e}") from e
    finally:
        if not done:
            writer.rollback()
        writer.wait_merging_threads()  # consumes the writer: releases tantivy's writer lock
