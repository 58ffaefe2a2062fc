"""The FastAPI application: API routes, web pages and error handlers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from api.auth import current_actor
from api.errors import install_error_handlers
from api.policy import check_route_policies
from api.request_body import BodyLimits, RequestBodyGuard
from api.routes import (
    admin,
    auth,
    case_handlers,
    cases,
    catalogue,
    custody,
    deadlines,
    documents,
    forms,
    health,
    search,
    triage,
    ui,
    web,
)
from api.searching import warm_up
from api.security_headers import SecurityHeaders
from api.state import AppState, build_state
from core.settings import Settings

API_THREADS = 20

# Every router of the app; the authorization-matrix test walks the same list.
ROUTERS = tuple(
    m.router for m in (health, auth, cases, case_handlers, custody, deadlines, triage, documents, catalogue, search, forms, admin, ui, web)
) + (triage.board_router,)


def create_app(
    settings: Settings | None = None, *, state: AppState | None = None, serving: bool = False
) -> FastAPI:
    """Build the app for ``settings`` (migrating the database), or around a prepared ``state``.

    ``serving``: the app of a server process (``casefile serve``), which freezes what start-up
    made once it has started (see ``_lifespan``); tests start many apps in one process.
    """
    state = state or build_state(settings or Settings())
    app = FastAPI(title="casefile 电子卷宗", version="0.1.0", lifespan=_lifespan)
    app.state.casefile = state
    app.state.serving = serving
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    check_route_policies(app)
    app.add_middleware(
        RequestBodyGuard, limits=BodyLimits.of(state.settings),
        is_upload=documents.is_upload_request, authenticate=current_actor,
    )
    # Outside Starlette's ServerErrorMiddleware too (which add_middleware cannot reach), so that
    # a 500 carries the headers as well.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build_stack())  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """The app for settings from the environment: each process of `casefile serve --processes`.

    The parent process has migrated the database already; here that is a quick no-op check.
    A server process ends with the `casefile serve` that started it, even one killed outright.
    """
    import signal

    from ingest.lifetime import die_with_parent

    die_with_parent(signal.SIGTERM)
    return create_app(Settings(), serving=True)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Route handlers run in worker threads; each may hold two database connections at once
    # (its session and the audit log's), which the PostgreSQL pool is sized for.
    anyio.to_thread.current_default_thread_limiter().total_tokens = API_THREADS
    state: AppState = app.state.casefile
    await anyio.to_thread.run_sync(lambda: warm_up(state.ctx.index()))
    if app.state.serving:
        # What start-up made (the app, the index, jieba, OpenCC: ~160,000 objects) lives as long
        # as the process: out of the collector's sight, a full collection under load took 6-46 ms
        # instead of ~120 ms, each one stalling every request the process was serving.
        gc.collect()
        gc.freeze()
    yield
    for stop in state.on_shutdown:
        await anyio.to_thread.run_sync(stop)
