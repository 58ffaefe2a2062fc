"""A worker's memory over many documents (issue #9): the safety net that replaces a bloated process."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from ingest.jobs import make_celery


def test_a_pool_process_above_the_limit_is_replaced(tmp_path: Path) -> None:
    app = make_celery(Settings(data_dir=tmp_path, worker_recycle_mb=1500))
    assert app.conf.worker_max_memory_per_child == 1500 * 1024  # Celery counts KiB


def test_zero_never_replaces_a_process(tmp_path: Path) -> None:
    app = make_celery(Settings(data_dir=tmp_path, worker_recycle_mb=0))
    assert app.conf.worker_max_memory_per_child is None
