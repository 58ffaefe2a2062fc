"""The `casefile worker` process: supervision, heartbeat, start-up recovery, reconciler, Celery.

``api.cli.worker`` parses the options and hands over here. The process runs as a supervisor
(``ingest.supervise``) that starts the same command again as its child; the child does the work:
it records a heartbeat, re-queues what the queue lost when it works alone, re-queues stalled
documents every so often, loads the text pipeline once before the pool forks, and runs Celery.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from ingest.lifetime import die_with_parent_from_environment
from ingest.supervise import (
    exit_at_once,
    exit_within,
    is_child,
    lower_priority,
    run_worker,
    supervise,
    watch_for_unrecoverable,
)

if TYPE_CHECKING:
    from core.settings import Settings
    from ingest.context import PipelineContext
    from ingest.jobs import CasefileCelery

log = logging.getLogger(__name__)


def run_worker_process(
    settings: Settings,
    child_command: Sequence[str],
    open_pipeline: Callable[[], tuple[PipelineContext, CasefileCelery]],
    *,
    concurrency: int | None = None,
    nice: int | None = None,
    starter_recovers: bool = False,
) -> int:
    """Run as supervisor (``child_command`` is the child) or as the working child; the exit code.

    ``open_pipeline`` opens the database (migrated) and the queue, in the child only.
    ``starter_recovers``: the command that started this worker (`casefile ingest`) re-queues
    the unfinished documents itself once its files are committed, so the start-up recovery is
    skipped (docs/ARCHITECTURE.md, issue #19 item 7).
    """
    # started by `casefile serve`/`ingest` (or by the supervisor): end when the starter ends
    die_with_parent_from_environment(signal.SIGTERM)
    # First, before any thread, pool child or supervised child exists: Linux applies nice per
    # thread, and threads and forked children inherit it from the one that creates them.
    lower_priority(settings.worker_nice if nice is None else nice)
    if not is_child():
        # the Celery worker runs in a child that is started again if it dies of an error
        code = supervise(list(child_command))
        # the child and its pool are gone: nothing of the supervisor's is left to clean up, and
        # its interpreter's way out took ~0.6 s more that the starter waited for
        exit_at_once(code)
    watch = watch_for_unrecoverable()
    # the queue, the database and the pipeline are imported in the child only: the supervisor
    # stays small and starts the child sooner (issue #19: start-up is most of a short ingest)
    from core.errors import CasefileError
    from ingest.jobs import QUEUES
    from ingest.recovery import requeue_stalled, requeue_unfinished
    from ingest.workers import live_workers, start_heartbeat, start_reconciler, worker_id

    ctx, jobs = open_pipeline()
    alone = not live_workers(ctx.db)
    stop = threading.Event()
    heartbeat = start_heartbeat(ctx.db, stop)
    if alone and not starter_recovers:
        # Nobody else is working: whatever the queue lost (a killed worker's pages) is queued
        # again from the database, the source of truth. `casefile ingest` does it itself once
        # its documents are stored (it starts this worker first, so that both start together).
        try:
            requeue_unfinished(ctx, jobs, purge=settings.embedded_broker)
        except CasefileError as error:
            log.error("could not re-queue unfinished documents at start: %s", error)
    idle = timedelta(seconds=settings.stall_seconds)
    reconciler = start_reconciler(
        lambda: requeue_stalled(ctx, jobs, idle), min(60.0, settings.stall_seconds / 2), stop
    )
    from ingest.warmup import warm_text_pipeline

    warm_text_pipeline()  # once here, shared by the pool processes forked from this one
    code = 1  # if running Celery raised
    try:
        code = run_worker(jobs, [
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency or settings.worker_concurrency}",
            f"--queues={','.join(QUEUES)}",
            f"--hostname=casefile-{worker_id()}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ], watch)
    finally:
        stop.set()
        exit_within(code)
    if code == 0:
        # a warm shutdown: every task finished and the pool is joined; what the interpreter
        # still did on its way out only delayed the supervisor and `casefile ingest`
        exit_at_once(code, waiting_for=[heartbeat, reconciler])
    return code  # non-zero: the supervisor starts a new child
