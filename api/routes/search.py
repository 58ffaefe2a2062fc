"""Full-text search over every page the actor may see, with facets and hit boxes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import Searcher, StateDep
from api.schemas import SearchResultsPublic
from api.searching import run_search
from api.state import AppState, long_search_limiter
from core.errors import TOO_MANY_SEARCHES, CasefileError
from models.access import visible_case_ids
from models.audit import Actor, record_async
from search.base import SearchIndex, SearchQuery

router = APIRouter(tags=["search"])

# A query this short runs on the event loop: at most a few milliseconds of the engine's time
# whatever it holds (one 32-unit term with its OCR-tolerant variants: ~7 ms on a 2-core machine).
# Every query of the load benchmark is. Longer ones run in a thread (see the handler).
ON_LOOP_QUERY_CHARS = 32


@router.get("/api/search", response_model=SearchResultsPublic)
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
) -> JSONResponse:
    """Hits shaped as ``SearchResultsPublic`` (the OpenAPI schema and the contract).

    The answer is returned as built, not validated again against the model: FastAPI's
    validation and re-serialisation of a page of ten hits cost ~240 µs of the event loop per
    search (~160 µs as the plain dict before); ``tests/api/test_response_models.py`` holds the route's
    answers to the model instead.
    """
    # A short query on the embedded index runs on the event loop, not in a worker thread: it is
    # a few milliseconds of CPU (reads only, which never wait for SQLite's writers), and under
    # load the thread hand-overs and the contention for the interpreter lock among 20 threads
    # made the slowest searches wait seconds; the loop serves requests in arrival order. The work
    # of any query is bounded (search.query_parser), but a long one may still take tens of
    # milliseconds: it runs in a thread, a few at a time per process and per user, so that it
    # never holds up the loop (issue #16: one 500-character term held it for seconds). A backend
    # across the network (Elasticsearch) always runs in a thread: its round trips must not hold
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
        if index.in_process and len(q) <= ON_LOOP_QUERY_CHARS:
            result = _search(state, index, query)
        else:
            with _user_slot(state, actor):
                limiter = long_search_limiter(state) if index.in_process else None
                result = await anyio.to_thread.run_sync(_search, state, index, query, limiter=limiter)
    except Exception:
        await record_async(state.ctx.db, actor, "search", outcome="error", detail={"q": q[:500], "case": case})
        raise
    await record_async(state.ctx.db, actor, "search", detail={"q": q[:500], "case": case, "total": result["total"]})
    return JSONResponse(result)


@contextmanager
def _user_slot(state: AppState, actor: Actor) -> Iterator[None]:
    """Count a search off the loop against its user; beyond the limit, TOO_MANY_SEARCHES (429).

    Only touched on the event loop's thread, so a plain dict needs no lock.
    """
    key = f"{actor.user_id}:{actor.username}"
    running = state.searches.get(key, 0)
    if running >= state.settings.searches_per_user:
        raise CasefileError(TOO_MANY_SEARCHES, f"{actor.username}: {running} searches running")
    state.searches[key] = running + 1
    try:
        yield
    finally:
        left = state.searches[key] - 1
        if left:
            state.searches[key] = left
        else:
            del state.searches[key]


def _search(state: AppState, index: SearchIndex, query: SearchQuery) -> dict[str, Any]:
    with state.ctx.db.reading() as connection:
        return run_search(index, connection, query)
