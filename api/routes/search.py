"""Full-text search over every page the actor may see, with facets and hit boxes."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

from api.deps import Searcher, SessionDep, StateDep
from api.searching import run_search
from models.access import visible_case_numbers
from models.audit import record
from search.base import SearchQuery

router = APIRouter(tags=["search"])


@router.get("/api/search")
def search(
    actor: Searcher,
    state: StateDep,
    session: SessionDep,
    q: str = Query(default="", max_length=10_000),
    case: str | None = None,
    document_type: str | None = None,
    charge: str | None = None,
    defendant: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    sort: Literal["relevance", "date"] = "relevance",
    limit: int = Query(default=10, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=100_000),
) -> dict[str, Any]:
    query = SearchQuery(
        text=q, case_number=case, document_type=document_type, charge=charge,
        defendant=defendant, date_from=date_from, date_to=date_to, sort=sort,
        limit=limit, offset=offset, allowed_cases=visible_case_numbers(session, actor),
    )
    try:
        result = run_search(state.ctx.index(), session, query)
    except Exception:
        record(state.ctx.db, actor, "search", outcome="error", detail={"q": q[:500], "case": case})
        raise
    record(state.ctx.db, actor, "search", detail={"q": q[:500], "case": case, "total": result["total"]})
    return result
