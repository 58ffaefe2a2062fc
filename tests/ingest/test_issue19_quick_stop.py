"""The embedded worker stops soon after it is asked to, losing nothing (issue #19 item 4).

`casefile ingest` waited 5-7 s after its last document for the worker's warm shutdown: Celery's
blocking loop on the embedded queue saw the stop 2-4 s late, then the child's and the
supervisor's interpreters took ~2.5 s more to exit. The stop itself is timed in
docs/BENCHMARKS.md, not here; these tests check the mechanisms and that nothing is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from celery.worker import loops

from core.settings import Settings
from ingest import worker_loop
from ingest.jobs import make_celery

REPO = Path(__file__).resolve().parents[2]


class _Connection:
    """A connection whose waits for messages are recorded."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def drain_events(self, timeout: float | None = None, **_options: Any) -> None:
        self.timeouts.append(timeout)


def test_each_wait_of_the_blocking_loop_is_short(monkeypatch: pytest.MonkeyPatch) -> None:
    def celery_synloop(obj: Any, connection: _Connection, *args: Any, **kwargs: Any) -> str:
        connection.drain_events(timeout=2.0)  # what Celery's loop asks for
        connection.drain_events()
        return "stopped"

    monkeypatch.setattr(loops, "synloop", celery_synloop)
    connection = _Connection()
    assert worker_loop.short_cycle_synloop(None, connection) == "stopped"
    assert connection.timeouts == [worker_loop.CYCLE_SECONDS, worker_loop.CYCLE_SECONDS]
    # the connection's own method is back once the loop ends (a reconnect gets a fresh wrap)
    assert connection.drain_events.__func__ is _Connection.drain_events  # type: ignore[attr-defined]


def test_a_wait_shorter_than_a_cycle_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loops, "synloop", lambda obj, connection: connection.drain_events(timeout=0.05))
    connection = _Connection()
    worker_loop.short_cycle_synloop(None, connection)
    assert connection.timeouts == [0.05]


def test_the_embedded_queue_gets_the_short_cycle_consumer(tmp_path: Path) -> None:
    embedded = make_celery(Settings(data_dir=tmp_path))
    assert embedded.conf.worker_consumer == "ingest.worker_loop:Consumer"
    settings = Settings(data_dir=tmp_path, broker_url="redis://localhost:6379/0")
    assert not settings.embedded_broker
    redis = make_celery(settings)
    assert redis.conf.worker_consumer != "ingest.worker_loop:Consumer"  # Celery's event loop


@pytest.mark.parametrize(
    ("celery_loop", "expected"),
    [(loops.synloop, worker_loop.short_cycle_synloop), (loops.asynloop, loops.asynloop)],
    ids=["blocking", "event-loop"],
)
def test_the_consumer_swaps_only_the_blocking_loop(
    monkeypatch: pytest.MonkeyPatch, celery_loop: Any, expected: Any
) -> None:
    def celery_init(self: Any, *_args: Any, **_kwargs: Any) -> None:
        self.loop = celery_loop  # what Celery's consumer picks for its transport

    monkeypatch.setattr(worker_loop.CeleryConsumer, "__init__", celery_init)
    assert worker_loop.Consumer().loop is expected


def test_exit_at_once_waits_for_the_given_threads_flushes_logs_and_skips_atexit(tmp_path: Path) -> None:
    marker = tmp_path / "heartbeat-row-removed"
    script = (
        "import atexit, logging, sys, threading, time\n"
        "from pathlib import Path\n"
        "from ingest.supervise import exit_at_once\n"
        "logging.basicConfig(stream=sys.stderr, level=logging.INFO)\n"
        "atexit.register(print, 'atexit ran', flush=True)\n"
        f"marker = Path({str(marker)!r})\n"
        "def last_beat():\n"
        "    time.sleep(0.3)\n"
        "    marker.write_text('done')\n"
        "thread = threading.Thread(target=last_beat, daemon=True)\n"
        "thread.start()\n"
        "logging.getLogger('casefile.worker').info('stopped cleanly')\n"
        "sys.stdout.write('buffered line')\n"
        "exit_at_once(3, waiting_for=[thread])\n"
        "print('not reached')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 3
    assert marker.read_text() == "done"  # the thread was waited for, daemon as it is
    assert "stopped cleanly" in result.stderr and result.stdout == "buffered line"
    assert "atexit ran" not in result.stdout and "not reached" not in result.stdout
