"""What the web app holds for its lifetime: settings, the pipeline context and the job queue."""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import Settings
from ingest.context import PipelineContext, build_context
from ingest.jobs import CasefileCelery, make_celery
from models.migrate import upgrade


@dataclass
class AppState:
    settings: Settings
    ctx: PipelineContext
    jobs: CasefileCelery


def build_state(settings: Settings, *, eager_jobs: bool = False) -> AppState:
    """Create folders, migrate the database, connect the job queue, make sure an admin exists."""
    from api.users import ensure_first_admin

    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    state = AppState(
        settings=settings,
        ctx=build_context(settings),
        jobs=make_celery(settings, eager=eager_jobs),
    )
    ensure_first_admin(state.ctx.db, settings)
    return state
