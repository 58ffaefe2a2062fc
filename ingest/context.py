"""What pipeline stages need, built once per process from the settings by an entry point."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.settings import Settings
from ingest.storage import OriginalStore
from models.db import Database

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

    from search.base import SearchIndex


@dataclass
class PipelineContext:
    """Explicit dependencies of the stages: database, original store, OCR and index choices."""

    db: Database
    store: OriginalStore
    pages_dir: Path
    ocr_engine: str
    ocr_threads: int
    dpi: int
    max_pages: int
    max_pixels: int
    search_backend: str
    index_dir: str
    # the backend's own options (search/backends/), read once at start-up; None: read on open
    search_options: BaseSettings | None = None
    _index: SearchIndex | None = field(default=None, repr=False)
    _index_pid: int = field(default=0, repr=False)

    def index(self, *, for_rebuild: bool = False) -> SearchIndex:
        """The search index, opened lazily once per process.

        An index of an older schema is refused, here and again at each call until it has been
        rebuilt; ``for_rebuild`` (``casefile reindex``) accepts it (see ``search.registry``).
        """
        if self._index is None or self._index_pid != os.getpid():
            from search.registry import open_index

            self._index = open_index(
                self.search_backend,
                index_dir=Path(self.index_dir) if self.index_dir else None,
                options=self.search_options,
                for_rebuild=for_rebuild,
            )
            self._index_pid = os.getpid()
        return self._index


def check_plugins(settings: Settings) -> BaseSettings:
    """Check the plugin names in ``settings`` and read the search backend's own options.

    ``core.settings`` cannot see the plugins (they live on higher floors), so every entry point
    checks them here, at start-up, before any work. Raises ``CasefileError``:
    ``OCR_ENGINE_UNAVAILABLE`` or ``SEARCH_BACKEND_UNKNOWN`` for a name no module declares (the
    hint lists the known ones), ``SEARCH_MISCONFIGURED`` for options the backend refuses.
    Builds no engine and opens no index.
    """
    from ingest.ocr.registry import check_engine_name
    from search.registry import backend_options

    check_engine_name(settings.ocr_engine)
    return backend_options(settings.search_backend)


def build_context(settings: Settings) -> PipelineContext:
    """The context of one process; opens the audit log's seal (key, checkpoint file) for its db.

    Call after the migrations (the seal reads the audit head). Raises what ``check_plugins`` and
    ``open_seal`` raise.
    """
    from ingest.audit_key import open_seal

    search_options = check_plugins(settings)
    settings.ensure_dirs()
    db = Database(settings.resolved_database_url)
    open_seal(
        db, key=settings.audit_key, key_file=settings.resolved_audit_key_file,
        checkpoint_path=settings.resolved_audit_checkpoint_file,
        every_events=settings.audit_checkpoint_events, every_seconds=settings.audit_checkpoint_seconds,
        append_only=settings.audit_append_only,
    )
    return PipelineContext(
        db=db,
        store=OriginalStore(settings.originals_dir),
        pages_dir=settings.pages_dir,
        ocr_engine=settings.ocr_engine,
        ocr_threads=settings.ocr_threads,
        dpi=settings.render_dpi,
        max_pages=settings.max_pages,
        max_pixels=settings.max_image_pixels,
        search_backend=settings.search_backend,
        index_dir=str(settings.index_dir),
        search_options=search_options,
    )
