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
    es_url: str
    es_index: str
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
                es_url=self.es_url or None,
                es_index=self.es_index,
                for_rebuild=for_rebuild,
            )
            self._index_pid = os.getpid()
        return self._index


def build_context(settings: Settings) -> PipelineContext:
    """The context of one process; opens the audit log's seal (key, checkpoint file) for its db.

    Call after the migrations (the seal reads the audit head). Raises what ``open_seal`` raises.
    """
    from models.audit_seal import open_seal

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
        es_url=settings.es_url,
        es_index=settings.es_index,
    )
