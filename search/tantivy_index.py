"""``TantivyIndex``: the embedded default backend, one index directory on local disk.

Text is analysed in Python (``search.analysis``), because the Python binding has no Chinese
tokenizer, and handed to tantivy as whitespace-joined token streams that its ``whitespace``
tokenizer splits in Rust (5x faster than building ``PreTokenizedString`` tokens in Python).
Filters go inside the tantivy query so totals and facets never count what the user may not see.

Concurrency: tantivy allows one writer per index directory across processes. Each write (a batch
of pages, a delete, a clear) acquires the writer, retries with backoff while another process
holds it, commits and releases it at once. Readers notice commits by watching ``meta.json`` and
reload before searching. tantivy errors are translated into ``CasefileError`` here and only here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from search.analysis import analyse, query_word, variant_tokens
from search.base import (
    FACET_NAMES,
    FACET_SIZES,
    PageRecord,
    SearchHit,
    SearchQuery,
    SearchResults,
    outdated_index,
)
from search.highlight import find_spans, make_snippet
from search.prepare import PreparedPage, prepare_page
from search.query_parser import Term
from search.validation import CheckedQuery, check_query

SCHEMA_VERSION = 3  # 3: OCR-confusable characters folded in the token streams
_VERSION_FILE = "casefile-search.json"
_OPEN_LOCK = ".casefile-open.lock"
_LOCK_BUSY = "LockBusy"


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("document_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("page", stored=True)
    sb.add_text_field("case_number", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("case_key", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field("filename", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("text", stored=True, indexed=False)
    sb.add_text_field("uni", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("pairs", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("ids", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    for name in ("document_type", "agency", "charge", "defendant", "year"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("date_ord", indexed=True, fast=True)
    return sb.build()


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
        self._dir = Path(index_dir)
        self._lock_timeout_s = lock_timeout_s
        self._heap = writer_heap_bytes
        self._batch_size = batch_size
        self._schema = _schema()
        self._for_rebuild = for_rebuild
        self._outdated: str | None = None  # what is wrong with an old index opened for a rebuild
        self._index: Any = self._open(discard_outdated=False)
        self._meta_signature: tuple[int, int, int] | None = None
        # (total, facets) per query and index generation: paging or re-sorting costs one pass.
        self._summaries: OrderedDict[tuple[Any, ...], tuple[int, dict[str, dict[str, int]]]] = OrderedDict()
        self._summary_cache_size = summary_cache_size
        self._summary_lock = threading.Lock()

    # -- opening -------------------------------------------------------------------------------

    def _open(self, *, discard_outdated: bool) -> Any:
        """Open the index, or return ``None`` for an outdated one opened for a rebuild.

        ``discard_outdated`` deletes an outdated index's files first (``rebuild`` refills it).
        """
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create {self._dir}: {e}") from e
        # Two processes creating the same new index would race on meta.json.
        with open(self._dir / _OPEN_LOCK, "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            version_path = self._dir / _VERSION_FILE
            if version_path.exists():
                found = json.loads(version_path.read_text()).get("schema_version")
                if found != SCHEMA_VERSION:
                    detail = f"index at {self._dir} has schema {found}, expected {SCHEMA_VERSION}"
                    if not self._for_rebuild:
                        raise outdated_index(detail)
                    if not discard_outdated:
                        self._outdated = detail
                        return None
                    self._discard_files()
            try:
                index = self._tantivy.Index(self._schema, path=str(self._dir), reuse=True)
            except ValueError as e:
                raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index at {self._dir}: {e}") from e
            if not version_path.exists():
                version_path.write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
        index.config_reader(reload_policy="Manual")
        return index

    def _discard_files(self) -> None:
        """Delete an outdated index (files only: tantivy keeps a flat directory)."""
        try:
            for path in self._dir.iterdir():
                if path.name != _OPEN_LOCK and path.is_file():
                    path.unlink()
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot delete the outdated index in {self._dir}: {e}") from e

    def _live(self) -> Any:
        if self._outdated is not None:
            raise outdated_index(self._outdated)
        if self._index is None:
            raise CasefileError(SEARCH_UNAVAILABLE, "TantivyIndex used after close()")
        return self._index

    def _refresh(self) -> None:
        """Reload the reader if any process committed since we last looked."""
        try:
            st = os.stat(self._dir / "meta.json")
        except FileNotFoundError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"meta.json missing in {self._dir}") from e
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        if signature != self._meta_signature:
            self._live().reload()
            self._meta_signature = signature

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Any]:
        """Yield the writer for one batch: acquired with backoff, committed, released."""
        index = self._live()
        deadline = time.monotonic() + self._lock_timeout_s
        delay = 0.005
        while True:
            try:
                writer = index.writer(heap_size=self._heap, num_threads=1)
                break
            except ValueError as e:
                if _LOCK_BUSY not in str(e):
                    raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index writer: {e}") from e
                if time.monotonic() >= deadline:
                    raise CasefileError(
                        SEARCH_UNAVAILABLE,
                        f"index writer busy for {self._lock_timeout_s}s in {self._dir}",
                    ) from e
                time.sleep(delay * (1 + random.random()))  # jitter: two waiters must not lock-step
                delay = min(delay * 2, 0.2)
        committed = False
        try:
            yield writer
            writer.commit()
            committed = True
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"index write failed: {e}") from e
        finally:
            if not committed:
                writer.rollback()
            writer.wait_merging_threads()  # consumes the writer: releases the directory lock
        self._refresh()

    def _document(self, prepared: PreparedPage) -> Any:
        t = self._tantivy
        r = prepared.record
        doc = t.Document()
        doc.add_text("key", prepared.key)
        doc.add_integer("document_id", r.document_id)
        doc.add_integer("page", r.page)
        doc.add_text("case_number", r.case_number)
        doc.add_text("case_key", prepared.case_key)
        doc.add_text("filename", r.filename)
        doc.add_bytes("text", r.text.encode("utf-8"))
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

    def add_prepared(self, pages: Iterable[PreparedPage]) -> int:
        """Index already-analysed pages in batches (one writer acquisition per batch)."""
        count = 0
        batch: list[PreparedPage] = []
        for prepared in pages:
            batch.append(prepared)
            if len(batch) >= self._batch_size:
                count += self._write_batch(batch)
                batch = []
        if batch:
            count += self._write_batch(batch)
        return count

    def _write_batch(self, batch: list[PreparedPage]) -> int:
        docs = [self._document(p) for p in batch]  # built before locking: keep the lock short
        with self._writer() as writer:
            for prepared, doc in zip(batch, docs, strict=True):
                # Delete-then-add in one commit makes re-adding a page a replacement.
                writer.delete_documents_by_term("key", prepared.key)
                writer.add_document(doc)
        return len(batch)

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
        """Replace every page by ``records`` (an outdated index is deleted and created anew).

        Searches meanwhile see an index being refilled, as after ``clear``.
        """
        if self._outdated is not None:
            self._index = self._open(discard_outdated=True)
            self._outdated = None
            self._meta_signature = None
            with self._summary_lock:
                self._summaries.clear()
        self.clear()  # also when another process rebuilt the outdated index first
        return self.add_pages(records)

    def close(self) -> None:
        """Drop the index handle; later calls raise ``SEARCH_UNAVAILABLE``."""
        self._index = None
        self._outdated = None

    # -- reading -------------------------------------------------------------------------------

    def document_ids(self) -> set[int]:
        """Every indexed document id, read from the fast field (no stored documents loaded)."""
        self._refresh()
        searcher = self._live().searcher()
        n = searcher.num_docs
        if n == 0:
            return set()
        result = searcher.search(self._tantivy.Query.all_query(), limit=n, count=False)
        addresses = [addr for _score, addr in result.hits]
        return {int(v) for v in searcher.fast_field_values("document_id", addresses) if v is not None}

    def _grams(self, field: str, tokens: tuple[tuple[int, str], ...]) -> Any:
        q = self._tantivy.Query
        if len(tokens) == 1:
            return q.term_query(self._schema, field, tokens[0][1])
        return q.phrase_query(self._schema, field, list(tokens))

    def _term_query(self, term: Term, *, tolerant: bool) -> Any:
        q, occur = self._tantivy.Query, self._tantivy.Occur
        plan = term.plan
        grams = self._grams(plan.field, plan.tokens)
        if tolerant and term.variants:
            # An exact match also matches every variant, so it outscores a one-error match.
            phrases = {variant_tokens(v): None for v in term.variants}
            grams = q.boolean_query(
                [(occur.Should, grams)] + [(occur.Should, self._grams(f, t)) for f, t in phrases if t]
            )
        if plan.id_number is not None:
            # The page may write this ID number with spaces or hyphens.
            grams = q.boolean_query(
                [(occur.Should, grams), (occur.Should, q.term_query(self._schema, "ids", plan.id_number))]
            )
        if term.case_key is not None:
            # A case number also finds every page filed under it, even if the page text lacks it.
            meta = q.term_query(self._schema, "case_key", term.case_key)
            return q.boolean_query([(occur.Should, grams), (occur.Should, meta)])
        word = query_word(term.compact)
        if word is None:
            return grams
        # A whole-word match (per jieba) ranks above the same characters inside another word.
        return q.boolean_query(
            [(occur.Must, grams), (occur.Should, q.term_query(self._schema, "words", word))]
        )

    def _filter(self, query: Any) -> Any:
        return self._tantivy.Query.const_score_query(query, 0.0)

    def _build(self, checked: CheckedQuery, *, tolerant: bool) -> Any:
        t = self._tantivy
        q, occur = t.Query, t.Occur
        clauses: list[tuple[Any, Any]] = []
        for group in checked.parsed.groups:
            subs = [self._term_query(term, tolerant=tolerant) for term in group]
            clauses.append(
                (occur.Must, subs[0] if len(subs) == 1 else
                 q.boolean_query([(occur.Should, s) for s in subs]))
            )
        for term in checked.parsed.excluded:
            # Exclude only what the page really says: "-盗窃罪" must not drop pages one error away.
            clauses.append((occur.MustNot, self._term_query(term, tolerant=False)))
        exact = {
            "case_key": checked.case_key,
            "document_type": checked.document_type,
            "charge": checked.charge,
            "defendant": checked.defendant,
        }
        for field, value in exact.items():
            if value is not None:
                clauses.append((occur.Must, self._filter(q.term_query(self._schema, field, value))))
        if checked.allowed_keys is not None:
            clauses.append(
                (occur.Must, self._filter(q.term_set_query(self._schema, "case_key", sorted(checked.allowed_keys))))
            )
        if checked.date_from is not None or checked.date_to is not None:
            rng = q.range_query(
                self._schema, "date_ord", t.FieldType.Integer,
                checked.date_from if checked.date_from is not None else 1,  # 0 = unknown date
                checked.date_to,
            )
            clauses.append((occur.Must, self._filter(rng)))
        return q.boolean_query(clauses)

    def _facets(self, searcher: Any, query: Any) -> dict[str, dict[str, int]]:
        fields = {"charge": "charge", "document_type": "document_type",
                  "case_number": "case_key", "year": "year"}
        spec = {name: {"terms": {"field": field, "size": FACET_SIZES[name]}} for name, field in fields.items()}
        raw = searcher.aggregate(query, spec)
        return {
            name: {str(b["key"]): int(b["doc_count"]) for b in raw.get(name, {}).get("buckets", [])}
            for name in FACET_NAMES
        }

    def search(self, query: SearchQuery) -> SearchResults:
        """Run ``query``; see ``SearchIndex.search``."""
        started = time.perf_counter()
        checked = check_query(query)
        if checked.allowed_keys is not None and not checked.allowed_keys:
            return SearchResults(0, _ms(started), [], {name: {} for name in FACET_NAMES})
        self._refresh()
        searcher = self._live().searcher()
        terms = checked.parsed.positive_terms()
        pairs, summary = self._run(searcher, checked, tolerant=False)
        approximate = False
        if summary[0] == 0 and any(t.variants for t in terms):
            # No page says it exactly: show the pages one OCR error away, and say so.
            near_pairs, near = self._run(searcher, checked, tolerant=True)
            if near[0]:
                pairs, summary, approximate = near_pairs, near, True
        hits = [self._hit(searcher, key, addr, terms, checked.sort) for key, addr in pairs]
        facets = {name: dict(counts) for name, counts in summary[1].items()}  # callers may mutate
        return SearchResults(summary[0], _ms(started), hits, facets, approximate=approximate)

    def _run(
        self, searcher: Any, checked: CheckedQuery, *, tolerant: bool
    ) -> tuple[list[Any], tuple[int, dict[str, dict[str, int]]]]:
        """Top hits (as tantivy addresses) and the (total, facets) summary of one query."""
        tq = self._build(checked, tolerant=tolerant)
        summary_key = (replace(checked, sort="", limit=0, offset=0), tolerant, self._meta_signature)
        summary = self._cached_summary(summary_key)
        try:
            pairs: list[Any] = []
            if not checked.beyond_window:
                order = "date_ord" if checked.sort == "date" else None
                result = searcher.search(tq, limit=checked.limit, offset=checked.offset,
                                         count=summary is None, order_by_field=order)
                pairs = result.hits
            elif summary is None:
                result = searcher.search(tq, limit=1, count=True)  # past the window: the total only
            if summary is None:
                total = int(result.count or 0)
                # nothing matched: no facet to count (and no second pass over the index)
                facets = self._facets(searcher, tq) if total else {name: {} for name in FACET_NAMES}
                summary = (total, facets)
                self._store_summary(summary_key, summary)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"tantivy search failed: {e}") from e
        return pairs, summary

    def _cached_summary(self, key: tuple[Any, ...]) -> tuple[int, dict[str, dict[str, int]]] | None:
        with self._summary_lock:
            found = self._summaries.get(key)
            if found is not None:
                self._summaries.move_to_end(key)
            return found

    def _store_summary(self, key: tuple[Any, ...], summary: tuple[int, dict[str, dict[str, int]]]) -> None:
        if self._summary_cache_size <= 0:
            return
        with self._summary_lock:
            self._summaries[key] = summary
            while len(self._summaries) > self._summary_cache_size:
                self._summaries.popitem(last=False)

    def _hit(self, searcher: Any, key: Any, addr: Any, terms: list[Term], sort: str) -> SearchHit:
        doc = searcher.doc(addr)
        text = bytes(doc.get_first("text")).decode("utf-8")
        spans = find_spans(analyse(text), terms)
        snippet, snippet_spans = make_snippet(text, spans)
        return SearchHit(
            document_id=int(doc.get_first("document_id")),
            case_number=str(doc.get_first("case_number")),
            filename=str(doc.get_first("filename")),
            page=int(doc.get_first("page")),
            score=float(key) if sort == "relevance" else 0.0,
            snippet=snippet,
            snippet_spans=snippet_spans,
            spans=spans,
        )


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
