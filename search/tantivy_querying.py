"""Querying a tantivy index: checked queries to tantivy queries, hits, totals and facets.

Filters go inside the tantivy query so totals and facets never count what the user may not see.
The (total, facets) summary of a query is kept per commit, so paging or re-sorting costs one
pass over the index.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

from cachetools import LRUCache

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from search.analysis import query_word, unpack_analysis, variant_tokens
from search.base import FACET_NAMES, FACET_SIZES, SearchHit, SearchResults
from search.highlight import find_spans, make_snippet
from search.query_parser import Term
from search.validation import CheckedQuery

Summary = tuple[int, dict[str, dict[str, int]]]  # total, facets


def document_ids(tantivy: Any, searcher: Any) -> set[int]:
    """Every indexed document id, read from the fast field (no stored documents loaded)."""
    n = searcher.num_docs
    if n == 0:
        return set()
    result = searcher.search(tantivy.Query.all_query(), limit=n, count=False)
    addresses = [addr for _score, addr in result.hits]
    return {int(v) for v in searcher.fast_field_values("document_id", addresses) if v is not None}


class TantivyQueries:
    """Runs checked queries on a searcher; keeps the summaries of the last ``summary_cache_size``."""

    def __init__(self, tantivy: Any, schema: Any, *, summary_cache_size: int) -> None:
        self._tantivy = tantivy
        self._schema = schema
        # (total, facets) per query and commit: paging or re-sorting costs one pass. An
        # LRUCache is not thread-safe (a read reorders it), so every access holds the lock.
        self._summaries: LRUCache[tuple[Any, ...], Summary] = LRUCache(maxsize=max(1, summary_cache_size))
        self._summary_cache_size = summary_cache_size
        self._summary_lock = threading.Lock()

    def __len__(self) -> int:
        """The number of summaries kept."""
        return len(self._summaries)

    def forget(self) -> None:
        """Drop every kept summary (another index came into use)."""
        with self._summary_lock:
            self._summaries.clear()

    def search(self, searcher: Any, checked: CheckedQuery, signature: Any, started: float) -> SearchResults:
        """Run ``checked`` on ``searcher``; ``signature`` names the commit it reads (the cache key)."""
        terms = checked.parsed.positive_terms()
        pairs, summary = self._run(searcher, checked, signature, tolerant=False)
        approximate = False
        if summary[0] == 0 and any(t.variants for t in terms):
            # No page says it exactly: show the pages one OCR error away, and say so.
            near_pairs, near = self._run(searcher, checked, signature, tolerant=True)
            if near[0]:
                pairs, summary, approximate = near_pairs, near, True
        hits = [_hit(searcher, key, addr, terms, checked.sort) for key, addr in pairs]
        facets = {name: dict(counts) for name, counts in summary[1].items()}  # callers may mutate
        return SearchResults(summary[0], elapsed_ms(started), hits, facets, approximate=approximate)

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

    def build(self, checked: CheckedQuery, *, tolerant: bool) -> Any:
        """The tantivy query of ``checked``: its terms, exclusions and filters."""
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

    def _run(
        self, searcher: Any, checked: CheckedQuery, signature: Any, *, tolerant: bool
    ) -> tuple[list[Any], Summary]:
        """Top hits (as tantivy addresses) and the (total, facets) summary of one query."""
        tq = self.build(checked, tolerant=tolerant)
        summary_key = (replace(checked, sort="", limit=0, offset=0), tolerant, signature)
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
                facets = _facets(searcher, tq) if total else {name: {} for name in FACET_NAMES}
                summary = (total, facets)
                self._store_summary(summary_key, summary)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"tantivy search failed: {e}") from e
        return pairs, summary

    def _cached_summary(self, key: tuple[Any, ...]) -> Summary | None:
        with self._summary_lock:
            return self._summaries.get(key)

    def _store_summary(self, key: tuple[Any, ...], summary: Summary) -> None:
        if self._summary_cache_size <= 0:
            return
        with self._summary_lock:
            self._summaries[key] = summary


def _facets(searcher: Any, query: Any) -> dict[str, dict[str, int]]:
    fields = {"charge": "charge", "document_type": "document_type",
              "case_number": "case_key", "year": "year"}
    spec = {name: {"terms": {"field": field, "size": FACET_SIZES[name]}} for name, field in fields.items()}
    raw = searcher.aggregate(query, spec)
    return {
        name: {str(b["key"]): int(b["doc_count"]) for b in raw.get(name, {}).get("buckets", [])}
        for name in FACET_NAMES
    }


def _hit(searcher: Any, key: Any, addr: Any, terms: list[Term], sort: str) -> SearchHit:
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


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000.0
