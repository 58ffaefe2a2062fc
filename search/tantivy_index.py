"""``TantivyIndex``: the embedded default backend, one index folder on local disk.

Text is analysed in Python (``search.analysis``), because the Python binding has no Chinese
tokenizer, and handed to tantivy as whitespace-joined token streams that its ``whitespace``
tokenizer splits in Rust (5x faster than building ``PreTokenizedString`` tokens in Python).
Filters go inside the tantivy query so totals and facets never count what the user may not see.

Layout: the index lives in a generation folder ``gen-<n>/`` (tantivy's files and
``casefile-search.json``, the schema version it was built with) that the symbolic link
``current`` names. ``rebuild`` fills a new generation beside it and then replaces the link
(a new link renamed over the old one: atomic, then the folder is fsynced), so searches in every
process see the whole old index until the new one is complete, and a rebuild that fails or is
killed leaves the old one in use. A link rather than a pointer file, because a searcher then
notices a commit and a switch with the same single ``stat`` of ``current/meta.json``. An index
of the flat layout of earlier versions (the same files right in the index folder, no ``current``)
is used as it is and moves into a generation at its first rebuild.

Concurrency: tantivy allows one writer per generation across processes. Each write (a batch of
pages, a delete, a clear) acquires the writer, retries with backoff while another process holds
it, commits and releases it at once. Readers reload before searching when ``current/meta.json``
changed, and reopen the index when it now lies in another generation. Opening, switching,
deleting a generation and acquiring a writer happen under one lock file, so no process opens or
starts writing to a generation being deleted. A replaced generation is deleted once the batches
begun on it before the switch are committed (waited for up to the lock timeout, else left to the
next rebuild). Other processes may still be searching it: that is safe on Linux (and macOS),
where a deleted file stays readable through the mappings already made (tantivy maps every file
of a segment when its reader opens it), and they follow ``current`` at their next search.
tantivy errors are translated into ``CasefileError`` here and only here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import random
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from core.files import fsync_folder
from search.analysis import query_word, unpack_analysis, variant_tokens
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

log = logging.getLogger(__name__)

# 3: OCR-confusable characters folded in the token streams; 4: each page's analysis stored;
# 5: each page's case id, the permission filter (issue 16: never the folded case number)
SCHEMA_VERSION = 5
_VERSION_FILE = "casefile-search.json"
_CURRENT = "current"  # symbolic link to the generation in use
_GENERATION = "gen-"
_DIRECTORY_LOCK = ".casefile-open.lock"  # the name from before generations: no stray file in old folders
_REBUILD_LOCK = ".casefile-rebuild.lock"
_TRASH = ".casefile-deleting"  # retired generations, moved here under the lock, deleted outside it
_WRITER_LOCK = ".tantivy-writer.lock"  # tantivy holds an flock on it while a writer lives
_LOCK_BUSY = "LockBusy"
_SWITCHED = (-1, -1, -1)  # a signature no stat returns


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("document_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("page", stored=True)
    sb.add_text_field("case_number", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("case_key", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("case_id", indexed=True, fast=True)
    sb.add_text_field("filename", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("text", stored=True, indexed=False)
    sb.add_bytes_field("analysis", stored=True, indexed=False)
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
        self._closed = False
        self._generation = self._dir  # the folder in use: the index folder itself in the flat layout
        self._flat = True
        # stat on every search: joined once
        self._link = str(self._dir / _CURRENT)
        self._link_meta = str(self._dir / _CURRENT / "meta.json")
        self._flat_meta = str(self._dir / "meta.json")
        self._index: Any = None
        self._outdated: str | None = None  # what is wrong with an old index opened for a rebuild
        self._meta_signature: tuple[int, int, int] | None = None
        # (total, facets) per query and commit: paging or re-sorting costs one pass.
        self._summaries: OrderedDict[tuple[Any, ...], tuple[int, dict[str, dict[str, int]]]] = OrderedDict()
        self._summary_cache_size = summary_cache_size
        self._summary_lock = threading.Lock()
        self._open()

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> None:
        """Open the generation in use; a new index gets its first one."""
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create {self._dir}: {e}") from e
        # Two processes creating the same new index would race on meta.json.
        with self._directory_lock():
            generation = self._current()
            if generation == self._dir and not _holds_flat_index(self._dir):
                generation = self._new_generation()
                index = self._create(generation)
                self._point_to(generation)
                self._use(generation, index)
            else:
                self._open_generation(generation)

    @contextlib.contextmanager
    def _directory_lock(self) -> Iterator[None]:
        """Hold the lock under which generations are created, opened, switched and deleted.

        Exclusive across processes and threads (each holder has its own open file). Not reentrant.
        """
        with _locked(self._dir / _DIRECTORY_LOCK):
            yield

    def _current(self) -> Path:
        """The generation ``current`` names, or the index folder itself (the flat layout)."""
        link = self._dir / _CURRENT
        if link.is_symlink():
            return self._dir / os.readlink(link)
        return self._dir

    def _open_generation(self, generation: Path) -> None:
        """Use ``generation`` (holding the directory lock); refuse it if outdated, unless for a rebuild."""
        version_path = generation / _VERSION_FILE
        if version_path.exists():
            found = json.loads(version_path.read_text()).get("schema_version")
            if found != SCHEMA_VERSION:
                detail = f"index at {generation} has schema {found}, expected {SCHEMA_VERSION}"
                if not self._for_rebuild:
                    raise outdated_index(detail)
                self._use(generation, None, outdated=detail)
                return
        try:
            index = self._tantivy.Index(self._schema, path=str(generation), reuse=True)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index at {generation}: {e}") from e
        if not version_path.exists():  # a flat index from before the version was recorded
            version_path.write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
        self._use(generation, index)

    def _use(self, generation: Path, index: Any, *, outdated: str | None = None) -> None:
        if index is not None:
            index.config_reader(reload_policy="Manual")
        self._generation, self._index, self._outdated = generation, index, outdated
        self._flat = generation == self._dir
        with self._summary_lock:
            self._summaries.clear()

    def _check_open(self) -> None:
        if self._closed:
            raise CasefileError(SEARCH_UNAVAILABLE, "TantivyIndex used after close()")

    def _live(self) -> Any:
        self._check_open()
        if self._outdated is not None:
            raise outdated_index(self._outdated)
        return self._index

    def _refresh(self) -> None:
        """Reload if any process committed since we last looked; follow a rebuild's switch."""
        self._check_open()
        signature = self._signature()
        if signature != self._meta_signature:
            with self._directory_lock():  # a replaced generation is deleted only under it
                self._follow()
            self._meta_signature = signature

    def _signature(self) -> tuple[int, int, int]:
        """What changes with every commit and every switch: one stat (two in the flat layout)."""
        if self._flat:
            if os.path.lexists(self._link):
                return _SWITCHED  # a rebuild moved the flat index into a generation
            meta = self._flat_meta
        else:
            meta = self._link_meta  # through the link: after a switch, another file
        try:
            st = os.stat(meta)
        except FileNotFoundError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"{meta} is missing") from e
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _follow(self) -> None:
        """Reload the reader, or reopen at the generation now in use (holding the directory lock)."""
        generation = self._current()
        if generation == self._generation and self._index is not None:
            self._index.reload()
        else:
            self._open_generation(generation)

    # -- generations ---------------------------------------------------------------------------

    def _new_generation(self) -> Path:
        """Make the folder of a generation numbered after every one there (holding the directory lock).

        A number is used again only after a half-built generation went, which no other process opened.
        """
        numbers = [_generation_number(path) for path in self._dir.iterdir()]
        path = self._dir / f"{_GENERATION}{max([0, *(n for n in numbers if n is not None)]) + 1}"
        try:
            path.mkdir()
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create {path}: {e}") from e
        return path

    def _create(self, generation: Path) -> Any:
        """Create an empty index of this schema in the folder ``generation``."""
        try:
            index = self._tantivy.Index(self._schema, path=str(generation), reuse=False)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create an index in {generation}: {e}") from e
        try:
            _write_durably(generation / _VERSION_FILE, json.dumps({"schema_version": SCHEMA_VERSION}))
            fsync_folder(generation)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot record the schema in {generation}: {e}") from e
        return index

    def _point_to(self, generation: Path) -> None:
        """Make ``generation`` the one in use, atomically and durably (holding the directory lock)."""
        link = self._dir / f"{_CURRENT}.new"
        try:
            link.unlink(missing_ok=True)  # left by a process killed here
            os.symlink(generation.name, link)  # relative: the index folder may be moved or restored
            os.replace(link, self._dir / _CURRENT)
            fsync_folder(self._dir)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot switch {self._dir} to {generation.name}: {e}") from e

    def _retire_unused_generations(self) -> list[Path]:
        """Move every generation but the one in use to the trash (holding the directory lock).

        Those are a replaced one, one a killed rebuild left half built, and the flat layout's files
        once a generation replaced them. One whose writer a process still holds (a batch it began
        before the switch) stays; those are returned.
        """
        current = self._current()
        trash = self._dir / _TRASH
        kept = [
            path for path in sorted(self._dir.iterdir())
            if _generation_number(path) is not None and path != current
            and not _retire_unless_written(path, [path], trash)
        ]
        flat = [path for path in self._dir.iterdir() if _is_flat_file(path)]
        if flat and current != self._dir and not _retire_unless_written(self._dir, flat, trash):
            kept.append(self._dir)
        return kept

    def _drop_replaced(self) -> None:
        """Delete the generations a switch replaced, once the batches begun on them are committed.

        Waits up to the lock timeout; what is still written to then is left for the next rebuild.
        """
        for _ in _tries(self._lock_timeout_s):
            with self._directory_lock():
                kept = self._retire_unused_generations()
            if not kept:
                break
        else:
            log.warning("index files in %s are still being written to: the next rebuild deletes them",
                        ", ".join(map(str, kept)))
        self._empty_trash()

    def _empty_trash(self) -> None:
        """Delete the retired generations: outside the directory lock, as a large one takes a while."""
        trash = self._dir / _TRASH
        try:
            if trash.exists():
                shutil.rmtree(trash)
        except OSError as e:  # the rebuild itself succeeded: only disk space is at stake
            log.warning("cannot delete %s (%s): the next rebuild tries again", trash, e)

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Any]:
        """Yield the writer for one batch: acquired with backoff, committed, released."""
        with _committed(self._acquire_writer()) as writer:
            yield writer
        self._refresh()

    def _acquire_writer(self) -> Any:
        """The writer of the generation in use; waits with backoff while another process holds it."""
        self._check_open()
        busy: ValueError | None = None
        for _ in _tries(self._lock_timeout_s):  # waits outside the directory lock: a rebuild may switch
            with self._directory_lock():
                current = self._current()
                if current != self._generation:  # a rebuild switched since this process last looked
                    self._open_generation(current)
                try:
                    return self._live().writer(heap_size=self._heap, num_threads=1)
                except ValueError as e:
                    if _LOCK_BUSY not in str(e):
                        raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index writer: {e}") from e
                    busy = e
        raise CasefileError(
            SEARCH_UNAVAILABLE, f"index writer busy for {self._lock_timeout_s}s in {self._generation}"
        ) from busy

    def _document(self, prepared: PreparedPage) -> Any:
        t = self._tantivy
        r = prepared.record
        doc = t.Document()
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
        """Replace every page by ``records``: fill a new generation, then switch every process to it.

        Searches meanwhile see the generation in use, whole. If ``records`` raises (or the process
        dies), that one stays in use and the half-built one is deleted (by the next rebuild, after a
        kill). Works on an outdated index opened ``for_rebuild`` and makes it current. Pages other
        processes write meanwhile go to the replaced generation: ``ingest.reindex`` writes them
        again. A second rebuild of the same folder waits for the first, then rebuilds again.
        """
        self._check_open()
        with _locked(self._dir / _REBUILD_LOCK):  # the generations it deletes are not another's
            with self._directory_lock():
                self._retire_unused_generations()  # what a killed rebuild, or a busy writer, left
                generation = self._new_generation()
            self._empty_trash()
            try:
                index = self._create(generation)
                count = self._fill(index, records)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)  # nothing points at it: only disk space
                raise
            with self._directory_lock():
                self._point_to(generation)
                self._use(generation, index)
            self._drop_replaced()
        return count

    def _fill(self, index: Any, records: Iterable[PageRecord]) -> int:
        """Add ``records`` to a generation no other process uses yet: one writer, one commit."""
        try:
            writer = index.writer(heap_size=self._heap, num_threads=1)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index writer: {e}") from e
        count = 0
        with _committed(writer):
            for record in records:
                prepared = prepare_page(record)
                writer.delete_documents_by_term("key", prepared.key)  # a page listed twice is kept once
                writer.add_document(self._document(prepared))
                count += 1
        return count

    def close(self) -> None:
        """Drop the index handle; later calls raise ``SEARCH_UNAVAILABLE``."""
        self._closed = True
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
        if checked.allowed_ids is not None:
            clauses.append(
                (occur.Must, self._filter(q.term_set_query(self._schema, "case_id", sorted(checked.allowed_ids))))
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
        if checked.allowed_ids is not None and not checked.allowed_ids:
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
        spans = find_spans(unpack_analysis(text, bytes(doc.get_first("analysis"))), terms)
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


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[BinaryIO]:
    """Hold an exclusive flock on ``path`` (created if missing), waiting for it."""
    try:
        lock_file = open(path, "ab")
    except OSError as e:
        raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open the lock file {path}: {e}") from e
    with lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield lock_file


def _generation_number(path: Path) -> int | None:
    """``n`` for a generation folder ``gen-<n>``, else ``None``."""
    number = path.name.removeprefix(_GENERATION)
    if number == path.name or not number.isdigit() or path.is_symlink() or not path.is_dir():
        return None
    return int(number)


def _holds_flat_index(folder: Path) -> bool:
    """Whether ``folder`` holds an index of the layout before generations."""
    return (folder / "meta.json").exists() or (folder / _VERSION_FILE).exists()


def _is_flat_file(path: Path) -> bool:
    """A file of a flat-layout index (tantivy's or the version), not one of the folder's own."""
    return path.is_file() and not path.is_symlink() and path.name not in (_DIRECTORY_LOCK, _REBUILD_LOCK)


def _retire_unless_written(folder: Path, paths: list[Path], trash: Path) -> bool:
    """Move ``paths`` (files, folders) of the index in ``folder`` into ``trash``, unless written to.

    Returns ``False`` when a process holds the index's writer. Holds tantivy's writer lock
    meanwhile, so no writer starts on it while the files go.
    """
    with open(folder / _WRITER_LOCK, "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the flock tantivy takes for a writer
        except BlockingIOError:
            return False
        stamp = time.time_ns()  # the trash may still hold a retired folder of the same name
        try:
            trash.mkdir(exist_ok=True)
            for path in paths:
                os.replace(path, trash / f"{path.name}.{stamp}")
        except OSError as e:  # the rebuild itself succeeded: only disk space is at stake
            log.warning("cannot move index files of %s to %s (%s): the next rebuild tries again", folder, trash, e)
    return True


def _tries(timeout_s: float) -> Iterator[None]:
    """Yield at once, then again after ever longer sleeps until ``timeout_s`` has passed."""
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    yield
    while time.monotonic() < deadline:
        time.sleep(delay * (1 + random.random()))  # jitter: two waiters must not lock-step
        delay = min(delay * 2, 0.2)
        yield


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


@contextlib.contextmanager
def _committed(writer: Any) -> Iterator[Any]:
    """Commit what is written to ``writer`` in the block (roll it back on error), then release it."""
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
        writer.wait_merging_threads()  # consumes the writer: releases tantivy's writer lock
