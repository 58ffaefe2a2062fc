"""A worker's memory safety net (issue #9): the recycle setting reaches Celery (the replacement itself was checked by hand)."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from ingest.jobs import make_celery


def test_recycle_limit_is_passed_to_celery_in_kib(tmp_path: Path) -> None:
    app = make_celery(Settings(data_dir=tmp_path, worker_recycle_mb=1500))
    assert app.conf.worker_max_memory_per_child == 1500 * 1024  # Celery counts KiB


def test_zero_recycle_limit_sets_no_celery_limit(tmp_path: Path) -> None:
    app = make_celery(Settings(data_dir=tmp_path, worker_recycle_mb=0))
    assert app.conf.worker_max_memory_per_child is None
