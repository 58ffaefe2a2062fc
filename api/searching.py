"""Search as the API and CLI present it: contract-shaped hits, with boxes on the page image."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ingest.stages import page_content
from models.tables import Page
from search.base import SearchIndex, SearchQuery


def run_search(index: SearchIndex, session: Session | None, query: SearchQuery) -> dict[str, Any]:
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
    }


def _pages(session: Session, keys: list[tuple[int, int]]) -> dict[tuple[int, int], Page]:
    # One query for every hit of the result page, not one per hit: under load each query is a
    # trip through the connection and the GIL.
    if not keys:
        return {}
    rows = session.scalars(
        select(Page).where(tuple_(Page.document_id, Page.number).in_(keys))
    ).all()
    return {(p.document_id, p.number): p for p in rows}


def _boxes(page: Page, spans: list[tuple[int, int]]) -> list[list[float]]:
    content = page_content(page)
    boxes: list[list[float]] = []
    for start, end in spans:
        boxes.extend(content.boxes_for_span(start, end))
    return boxes
