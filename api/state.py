"""What the web app holds for its lifetime: settings, the pipeline context and the job queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import anyio

from api.deadline_cache import CaseReportCache
from core.settings import Settings
from ingest.context import PipelineContext, build_context
from ingest.jobs import CasefileCelery, make_celery
from models.migrate import upgrade


@dataclass
class AppState:
    settings: Settings
    ctx: PipelineContext
    jobs: CasefileCelery
    # run when the web app shuts down (the embedded worker is stopped here: uvicorn re-raises
    # SIGTERM after its graceful shutdown, so code after uvicorn.run() would never run)
    on_shutdown: list[Callable[[], None]] = field(default_factory=list)
    # uploads handled at once in this process (api.routes.documents); made on first use,
    # inside the event loop
    uploads: anyio.CapacityLimiter | None = None
    # password checks run at once in this process (api.auth.sign_in_limiter); made on first use
    sign_ins: anyio.CapacityLimiter | None = None
    # render children running at once (api.rendering); made on first use, inside the event loop
    renders: anyio.CapacityLimiter | None = None
    # pages a render child of this process is rendering: (sha256, number) -> set when it ends
    rendering: dict[tuple[str, int], anyio.Event] = field(default_factory=dict)
    # searches off the event loop in progress per user (api.routes.search): beyond the limit a
    # search answers 429; and the threads long searches of the embedded index run in
    searches: dict[str, int] = field(default_factory=dict)
    long_searches: anyio.CapacityLimiter | None = None
    # cases' deadline reports, kept until the case changes (the due list, the statistics)
    case_reports: CaseReportCache = field(default_factory=CaseReportCache)


def upload_limiter(state: AppState) -> anyio.CapacityLimiter:
    if state.uploads is None:
        state.uploads = anyio.CapacityLimiter(state.settings.api_upload_threads)
    return state.uploads


def long_search_limiter(state: AppState) -> anyio.CapacityLimiter:
    """Threads for long searches of the embedded index: two, so the event loop keeps its share."""
    if state.long_searches is None:
        state.long_searches = anyio.CapacityLimiter(2)
    return state.long_searches


def build_state(settings: Settings, *, eager_jobs: bool = False) -> AppState:
    """Create folders, migrate the database, connect the job queue, make sure an admin exists."""
    from api.services.users import ensure_first_admin

    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    state = AppState(
        settings=settings,
        ctx=build_context(settings),
        jobs=make_celery(settings, eager=eager_jobs),
    )
    ensure_first_admin(state.ctx.db, settings)
    return state
