"""``TantivyIndex``: the embedded default backend, one index folder on local disk.

Text is analysed in Python (``search.analysis``), because the Python binding has no Chinese
tokenizer, and handed to tantivy as whitespace-joined token streams that its ``whitespace``
tokenizer splits in Rust (5x faster than building ``PreTokenizedString`` tokens in Python).

This class joins three parts, one job each: ``tantivy_generations`` (which generation of the
folder is in use, its locks, rebuilds that switch every process at once), ``tantivy_writing``
(page documents, batches, commits) and ``tantivy_querying`` (queries, hits, totals, facets);
``tantivy_schema`` holds the fields they share. tantivy errors are translated into
``CasefileError`` in those modules and only there.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from search.base import FACET_NAMES, PageRecord, SearchQuery, SearchResults
from search.prepare import PreparedPage, prepare_page
from search.tantivy_generations import Generations
from search.tantivy_querying import TantivyQueries, document_ids, elapsed_ms
from search.tantivy_schema import SCHEMA_VERSION, schema
from search.tantivy_writing import batches, committed, fill, page_document, replace_page
from search.validation import check_query

__all__ = ["SCHEMA_VERSION", "TantivyIndex"]


class TantivyIndex:
    """A ``SearchIndex`` in ``index_dir``; safe to use from several processes at once."""

    name = "tantivy"
    in_process = True

    def __init__(
        self,
        index_dir: Path,
        *,
        lock_timeout_s: float = 30.0,
        writer_heap_bytes: int = 64_000_000,
        batch_size: int = 1000,
        summary_cache_size: int = 256,
        for_rebuild: bool = False,
    ) -> None:
        """Open ``index_dir`` (creating it if new); see ``search.base.outdated_index`` for an old one.

        ``for_rebuild``: an index of an older schema is accepted, to be replaced by ``rebuild``.
        """
        import tantivy  # lazy: keep import of search.* cheap

        self._tantivy = tantivy
        self._heap = writer_heap_bytes
        self._batch_size = batch_size
        fields = schema()
        self._queries = TantivyQueries(tantivy, fields, summary_cache_size=summary_cache_size)
        self._generations = Generations(
            Path(index_dir), tantivy, fields, lock_timeout_s=lock_timeout_s, for_rebuild=for_rebuild,
            on_switch=self._queries.forget,
        )
        self._generations.open()

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Any]:
        """Yield the writer for one batch: acquired with backoff, committed, released."""
        with committed(self._generations.acquire_writer(self._heap)) as writer:
            yield writer
        self._generations.refresh()

    def add_prepared(self, pages: Iterable[PreparedPage]) -> int:
        """Index already-analysed pages in batches (one writer acquisition per batch)."""
        count = 0
        for batch in batches(pages, self._batch_size):
            docs = [page_document(self._tantivy, p) for p in batch]  # built before locking: keep the lock short
            with self._writer() as writer:
                for prepared, doc in zip(batch, docs, strict=True):
                    replace_page(writer, prepared.key, doc)
            count += len(batch)
        return count

    def add_pages(self, records: Iterable[PageRecord]) -> int:
        """Index pages; re-adding ``(document_id, page)`` replaces it. Returns the count added."""
        return self.add_prepared(prepare_page(r) for r in records)

    def delete_document(self, document_id: int) -> None:
        """Remove every page of ``document_id``."""
        with self._writer() as writer:
            writer.delete_documents_by_term("document_id", int(document_id))

    def clear(self) -> None:
        """Remove every page."""
        with self._writer() as writer:
            writer.delete_all_documents()

    def rebuild(self, records: Iterable[PageRecord]) -> int:
        """Replace every page by ``records``: fill a new generation, then switch every process to it.

        Searches meanwhile see the generation in use, whole. If ``records`` raises (or the process
        dies), that one stays in use and the half-built one is deleted (by the next rebuild, after a
        kill). Works on an outdated index opened ``for_rebuild`` and makes it current. Pages other
        processes write meanwhile go to the replaced generation: ``ingest.reindex`` writes them
        again. A second rebuild of the same folder waits for the first, then rebuilds again.
        """
        return self._generations.rebuild(lambda index: fill(self._tantivy, index, records, self._heap))

    def close(self) -> None:
        """Drop the index handle; later calls raise ``SEARCH_UNAVAILABLE``."""
        self._generations.close()

    # -- reading -------------------------------------------------------------------------------

    def document_ids(self) -> set[int]:
        """Every indexed document id, read from the fast field (no stored documents loaded)."""
        self._generations.refresh()
        return document_ids(self._tantivy, self._generations.live().searcher())

    def search(self, query: SearchQuery) -> SearchResults:
        """Run ``query``; see ``SearchIndex.search``."""
        started = time.perf_counter()
        checked = check_query(query)
        if checked.allowed_ids is not None and not checked.allowed_ids:
            return SearchResults(0, elapsed_ms(started), [], {name: {} for name in FACET_NAMES})
        self._generations.refresh()
        searcher = self._generations.live().searcher()
        return self._queries.search(searcher, checked, self._generations.signature, started)
