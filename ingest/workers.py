"""Worker liveness (heartbeats in the database) and the embedded worker process."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from ingest.lifetime import PARENT_PID_ENV
from models.db import Database
from models.tables import WorkerHeartbeat, as_utc

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
ALIVE_WITHIN = timedelta(seconds=20)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(db: Database, ident: str) -> None:
    with db.session() as session:
        row = session.get(WorkerHeartbeat, ident)
        if row is None:
            session.add(WorkerHeartbeat(id=ident, last_seen=datetime.now(UTC)))
        else:
            row.last_seen = datetime.now(UTC)


def start_heartbeat(db: Database, stop: threading.Event) -> threading.Thread:
    """Beat every few seconds until ``stop`` is set; the row is removed on a clean stop."""
    ident = worker_id()

    def run() -> None:
        while not stop.is_set():
            beat(db, ident)
            stop.wait(HEARTBEAT_SECONDS)
        with db.session() as session:
            session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id == ident))

    thread = threading.Thread(target=run, name="casefile-heartbeat", daemon=True)
    thread.start()
    return thread


def live_workers(db: Database) -> list[str]:
    """Workers with a fresh heartbeat; on this host, only those whose process still exists."""
    cutoff = datetime.now(UTC) - ALIVE_WITHIN
    with db.session() as session:
        rows = session.scalars(select(WorkerHeartbeat)).all()
        alive = [r.id for r in rows if as_utc(r.last_seen) >= cutoff and not _dead_here(r.id)]
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id.not_in(alive)))
        return alive


def _dead_here(ident: str) -> bool:
    # A worker killed with SIGKILL leaves a fresh heartbeat behind; on its own host we can tell.
    host, _, pid = ident.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _zombie(int(pid))


def _zombie(pid: int) -> bool:
    # A worker killed with its supervisor is re-parented to init and stays a zombie until init
    # reaps it; signal 0 still reaches a zombie. Seen in CI: the next worker started within that
    # window, took the dead one for alive and did not re-queue its lost page.
    if not Path("/proc").is_dir():
        return False  # not Linux: signal 0 has answered
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # gone since signal 0 reached it
    # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows the last ")"
    return stat.rpartition(")")[2].split()[0] == "Z"


def start_worker_if_alone(database_url: str, data_dir: str) -> subprocess.Popen[bytes] | None:
    """Start the embedded worker (``starter_recovers``) when no worker is alive; else ``None``.

    Needs only the database's heartbeat table, not the migrated schema or the application
    state: `casefile ingest` starts the worker first thing, so that its seconds of start-up
    pass while the command itself builds its state and stores the files (issue #19).
    """
    from sqlalchemy.exc import SQLAlchemyError

    db = Database(database_url)
    try:
        alone = not live_workers(db)
    except SQLAlchemyError:  # a new database (no table yet): no worker has ever run on it
        alone = True
    finally:
        db.engine.dispose()
    return spawn_worker(data_dir, starter_recovers=True) if alone else None


def spawn_worker(
    data_dir: str, *, concurrency: int | None = None, nice: int | None = None,
    starter_recovers: bool = False,
) -> subprocess.Popen[bytes]:
    """Start ``casefile worker`` as a child process with the same settings (``nice``: priority).

    ``starter_recovers``: the caller re-queues the unfinished documents itself
    (``ingest.recovery.requeue_unfinished``) instead of the worker at its start.

    Its output goes to ``<data_dir>/logs/worker.log`` so that it does not mix with the
    progress display of the command that started it. It dies with this process, even one
    killed outright (``ingest.lifetime``): an orphaned worker tree kept reading after its
    `casefile serve` had crashed (issue #16).
    """
    argv = [sys.executable, "-m", "api.cli", "--data-dir", data_dir, "worker"]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    if nice is not None:
        argv += ["--nice", str(nice)]
    if starter_recovers:
        argv.append("--starter-recovers")
    logs = Path(data_dir) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "worker.log").open("ab") as log:
        # its own process group, so that stopping it can never leave its pool children behind
        env = {**os.environ, PARENT_PID_ENV: str(os.getpid())}
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Ask the worker for a warm shutdown; kill it if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    # whatever is left of the group (pool children of a worker that did not stop) goes too
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def start_reconciler(
    check: Callable[[], object], every: float, stop: threading.Event
) -> threading.Thread:
    """Run ``check`` (re-queue stalled documents) every ``every`` seconds until ``stop``.

    A failing check (database or broker down) is logged and tried again next time: the worker
    keeps running.
    """

    def run() -> None:
        while not stop.wait(every):
            try:
                check()
            except Exception:  # noqa: BLE001 - the loop must outlive any one failure
                log.exception("reconciling stalled documents failed; will try again")

    thread = threading.Thread(target=run, name="casefile-reconciler", daemon=True)
    thread.start()
    return thread
