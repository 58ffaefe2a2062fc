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
    """Create folders, migrate the database, and connect the job queue."""
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    return AppState(
        settings=settings,
        ctx=build_context(settings),
        jobs=make_celery(settings, eager=eager_jobs),
    )
