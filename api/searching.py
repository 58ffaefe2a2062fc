"""Search as the API and CLI present it: contract-shaped hits, with boxes on the page image."""

from __future__ import annotations

import functools
import logging
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from core.errors import CasefileError
from core.names import sanitize_filename
from ingest.reading.types import Line, span_boxes
from models.db import HotRead, read_json
from models.tables import Page
from search.base import SearchIndex, SearchQuery

log = logging.getLogger(__name__)


def run_search(index: SearchIndex, session: Session | Connection | None, query: SearchQuery) -> dict[str, Any]:
    """Run ``query``; each hit gets the boxes of its matches when ``session`` is given."""
    results = index.search(query)
    lines = _hit_lines(session, [(h.document_id, h.page) for h in results.hits]) if session else {}
    hits: list[dict[str, Any]] = []
    for hit in results.hits:
        item: dict[str, Any] = {
            "document_id": hit.document_id,
            "case_number": hit.case_number,
            "filename": sanitize_filename(hit.filename),
            "page": hit.page,
            "score": round(float(hit.score), 4),
            "snippet": hit.snippet,
            "snippet_spans": [list(s) for s in hit.snippet_spans],
            "spans": [list(s) for s in hit.spans],
        }
        if session is not None:
            item["boxes"] = _boxes(lines.get((hit.document_id, hit.page), []), hit.spans)
            item["page_url"] = f"/api/documents/{hit.document_id}/pages/{hit.page}"
        hits.append(item)
    return {
        "total": results.total,
        "took_ms": round(float(results.took_ms), 3),
        "hits": hits,
        "facets": results.facets,
        "approximate": results.approximate,  # near matches (one OCR error): no exact match
    }


def warm_up(index: SearchIndex) -> None:
    """Open the index and load the query analysis (jieba, OpenCC) before the first request.

    Each server process pays this once (seconds on a busy machine); without it, the first
    searches of every process wait for it. An index that cannot be reached yet is not fatal:
    /healthz and the search itself report it.
    """
    try:
        index.search(SearchQuery(text="案件", limit=1))
    except CasefileError as error:
        log.warning("search index not ready at start: %s", error)


@functools.cache  # one per number of hits, and a page holds at most 100
def _hit_lines_query(count: int) -> HotRead:
    # (document_id = ? AND number = ?) OR …: SQLite seeks the pages index once per hit. A row-value
    # IN list, the obvious way to write it, made SQLite scan the whole index on every search.
    # Built once per count: building the statement cost more than running it.
    return HotRead(select(Page.document_id, Page.number, Page.lines).where(or_(*(
        and_(Page.document_id == bindparam(f"d{i}"), Page.number == bindparam(f"n{i}")) for i in range(count)
    ))))


def _hit_lines(
    session: Session | Connection, keys: list[tuple[int, int]]
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The stored lines (plain dicts) of each hit page: one query for the whole page of hits."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    values = {name: value for i, (document_id, number) in enumerate(keys)
              for name, value in ((f"d{i}", document_id), (f"n{i}", number))}
    return {(document_id, number): read_json(lines) or []
            for document_id, number, lines in _hit_lines_query(len(keys)).rows(session, values)}


def _boxes(lines: list[dict[str, Any]], spans: list[tuple[int, int]]) -> list[list[float]]:
    # Line objects only for the lines a match touches: a page has dozens of lines, a hit a few.
    touched = [Line(**line) for line in lines
               if any(start < line.get("end", 0) and line.get("start", 0) < end for start, end in spans)]
    boxes: list[list[float]] = []
    for start, end in spans:
        boxes.extend(span_boxes(touched, start, end))
    return boxes
