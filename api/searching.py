"""Search as the API and CLI present it: contract-shaped hits, with boxes on the page image."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.stages import page_content
from models.tables import Page
from search.base import SearchIndex, SearchQuery


def run_search(index: SearchIndex, session: Session | None, query: SearchQuery) -> dict[str, Any]:
    """Run ``query``; each hit gets the boxes of its matches when ``session`` is given."""
    results = index.search(query)
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
            item["boxes"] = _boxes(session, hit.document_id, hit.page, hit.spans)
            item["page_url"] = f"/api/documents/{hit.document_id}/pages/{hit.page}"
        hits.append(item)
    return {
        "total": results.total,
        "took_ms": round(float(results.took_ms), 3),
        "hits": hits,
        "facets": results.facets,
        "approximate": results.approximate,  # near matches (one OCR error): no exact match
    }


def _boxes(
    session: Session, document_id: int, number: int, spans: list[tuple[int, int]]
) -> list[list[float]]:
    page = session.scalar(
        select(Page).where(Page.document_id == document_id, Page.number == number)
    )
    if page is None:
        return []
    content = page_content(page)
    boxes: list[list[float]] = []
    for start, end in spans:
        boxes.extend(content.boxes_for_span(start, end))
    return boxes
