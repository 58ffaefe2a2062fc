"""Full-text search over every page the actor may see, with facets and hit boxes."""

from __future__ import annotations

from typing import Any, Literal

import anyio
from fastapi import APIRouter, Query

from api.deps import Searcher, StateDep
from api.searching import run_search
from api.state import AppState
from models.access import visible_case_ids
from models.audit import record_async
from search.base import SearchIndex, SearchQuery

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
    # On the event loop, not in a worker thread: a search on the embedded index is a few
    # milliseconds of CPU (reads only, which never wait for SQLite's writers), and under load
    # the thread hand-overs and the contention for the interpreter lock among 20 threads made
    # the slowest searches wait seconds; the loop serves requests in arrival order. A backend
    # across the network (Elasticsearch) still runs in a thread: its round trips must not hold
    # up the loop. The audit commit is awaited, so the answer still leaves only once its event
    # is stored. Connections are returned before awaiting: a waiting request holds none.
    with state.ctx.db.reading() as connection:
        allowed = visible_case_ids(connection, actor)  # by identity: never by a (folded) number
    query = SearchQuery(
        text=q, case_number=case, document_type=document_type, charge=charge,
        defendant=defendant, date_from=date_from, date_to=date_to, sort=sort,
        limit=limit, offset=offset, allowed_case_ids=allowed,
    )
    try:
        index = state.ctx.index()  # raises while the index cannot be opened: recorded as an error
        if index.in_process:
            result = _search(state, index, query)
        else:
            result = await anyio.to_thread.run_sync(_search, state, index, query)
    except Exception:
        await record_async(state.ctx.db, actor, "search", outcome="error", detail={"q": q[:500], "case": case})
        raise
    await record_async(state.ctx.db, actor, "search", detail={"q": q[:500], "case": case, "total": result["total"]})
    return result


def _search(state: AppState, index: SearchIndex, query: SearchQuery) -> dict[str, Any]:
    with state.ctx.db.reading() as connection:
        return run_search(index, connection, query)
