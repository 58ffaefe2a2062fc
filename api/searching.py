"""Search as the API and CLI present it: contract-shaped hits, with boxes on the page image."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, select, tuple_
from sqlalchemy.orm import Session

from core.errors import CasefileError
from ingest.reading.types import PageContent
from ingest.stages import page_content
from models.tables import Page
from search.base import SearchIndex, SearchQuery

log = logging.getLogger(__name__)


def run_search(index: SearchIndex, session: Session | Connection | None, query: SearchQuery) -> dict[str, Any]:
    """Run ``query``; each hit gets the boxes of its matches when ``session`` is given."""
    results = index.search(query)
    pages = _pages(session, [(h.document_id, h.page) for h in results.hits]) if session else {}
    hits: list[dict[str, Any]] = []
    for hit in results.hits:
        item: dict[str, Any] = {
            "document_id": hit.document_id,
            "case_number": hit.case_number,
            "filename": hit.filename,
            "page": hit.page,
            "score": round(float(hit.score), 4),
            "snippet": hit.snippet,
            "snippet_spans": [list(s) for s in hit.snippet_spans],
            "spans": [list(s) for s in hit.spans],
        }
        if session is not None:
            page = pages.get((hit.document_id, hit.page))
            item["boxes"] = _boxes(page, hit.spans) if page is not None else []
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


def _pages(
    session: Session | Connection, keys: list[tuple[int, int]]
) -> dict[tuple[int, int], PageContent]:
    # One query for every hit of the result page, not one per hit, and plain rows rather than
    # ORM objects: this runs on every search.
    if not keys:
        return {}
    rows = session.execute(
        select(Page.document_id, Page.number, Page.width, Page.height, Page.source, Page.text,
               Page.lines)
        .where(tuple_(Page.document_id, Page.number).in_(keys))
    ).all()
    return {(r.document_id, r.number): page_content(r) for r in rows}


def _boxes(content: PageContent, spans: list[tuple[int, int]]) -> list[list[float]]:
    boxes: list[list[float]] = []
    for start, end in spans:
        boxes.extend(content.boxes_for_span(start, end))
    return boxes
