"""Full-text search over every page the actor may see, with facets and hit boxes."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

from api.deps import Searcher, StateDep
from api.searching import run_search
from models.access import visible_case_numbers
from models.audit import record_async
from search.base import SearchQuery

router = APIRouter(tags=["search"])


@router.get("/api/search")
async def search(
    actor: Searcher,
    state: StateDep,
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
    # On the event loop, not in a worker thread: a search is a few milliseconds of CPU (reads
    # only, which never wait for SQLite's writers), and under load the thread hand-overs and
    # the contention for the interpreter lock among 20 threads made the slowest searches wait
    # seconds. The loop serves requests in arrival order. The audit commit is awaited, so the
    # answer still leaves only once its event is stored.
    # The session is closed before awaiting, so a waiting request holds no pooled connection.
    failure: Exception | None = None
    with state.ctx.db.reading() as connection:
        query = SearchQuery(
            text=q, case_number=case, document_type=document_type, charge=charge,
            defendant=defendant, date_from=date_from, date_to=date_to, sort=sort,
            limit=limit, offset=offset, allowed_cases=visible_case_numbers(connection, actor),
        )
        try:
            result = run_search(state.ctx.index(), connection, query)
        except Exception as error:
            failure = error
    if failure is not None:
        await record_async(state.ctx.db, actor, "search", outcome="error", detail={"q": q[:500], "case": case})
        raise failure
    await record_async(state.ctx.db, actor, "search", detail={"q": q[:500], "case": case, "total": result["total"]})
    return result
