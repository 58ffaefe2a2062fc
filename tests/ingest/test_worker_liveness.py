"""Which workers are alive: a killed worker that is still a zombie counts as dead (issue #9)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from ingest.workers import _dead_here


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def test_a_zombie_worker_is_dead() -> None:
    """Regression #9: a killed worker stays a zombie until init reaps it.

    The next worker took it for alive and did not re-queue the page it had lost.
    """
    child = subprocess.Popen(["true"])  # exits at once; not reaped until wait()
    try:
        deadline = time.monotonic() + 10
        while _state(child.pid) != "Z":
            assert time.monotonic() < deadline, "the child never became a zombie"
            time.sleep(0.01)
        assert _dead_here(f"{socket.gethostname()}:{child.pid}")
    finally:
        child.wait()
    assert _dead_here(f"{socket.gethostname()}:{child.pid}")  # reaped: gone


def test_a_running_worker_is_alive() -> None:
    assert not _dead_here(f"{socket.gethostname()}:{os.getpid()}")
    # another host's worker cannot be checked from here: never declared dead
    assert not _dead_here(f"elsewhere.example:{os.getpid()}")
