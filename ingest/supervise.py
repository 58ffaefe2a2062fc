"""Keep a pipeline worker running: restart it when it dies of an error instead of a request.

Celery's consumer can stop for good on a broker outage ("Unrecoverable error" from kombu's Redis
transport when it restores unacknowledged messages over a connection already gone: celery/kombu
#970, celery#10205). ``casefile worker`` therefore runs the Celery worker in a child process and
starts it again when that child exits with an error; a stop requested with SIGTERM or SIGINT is
passed on and ends both. Pages lost with the child are queued again by the new one's reconciler.

In the child, ``run_worker`` runs Celery and returns the exit code that tells the supervisor
what happened: ``Celery.worker_main`` itself returns nothing, so a worker that stopped itself
after an unrecoverable error used to end the child with status 0, which the supervisor took for
a requested stop: it ended too, and nothing processed the queue any more (what the broker-restart
fault test saw in a rare run where the broker went away with a message still unacknowledged).
``watch_for_unrecoverable()`` ends the child even if Celery's own shutdown hangs after such an
error (seen: "Error on stopping Hub").

The child runs with at most ``MALLOC_ARENA_MAX`` glibc malloc arenas unless the environment
already says how many (see ``child_environment``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from ingest.lifetime import PARENT_PID_ENV

log = logging.getLogger("casefile.worker")

CHILD_ENV = "CASEFILE_WORKER_CHILD"
# More restarts than this within RESTART_WINDOW seconds means something is wrong for good.
MAX_RESTARTS = 5
RESTART_WINDOW = 120.0
RESTART_DELAY = 2.0
# The child's exit code when it ends itself after an unrecoverable Celery error.
EXIT_UNRECOVERABLE = 70
# The child's exit code when it could not start because of what it was told (an unknown OCR
# engine, the audit key): starting it again would fail the same way, so the supervisor ends too
# and its starter sees the code at once instead of after MAX_RESTARTS tries.
EXIT_CONFIG = 78  # EX_CONFIG of sysexits.h
# How long the child may take to exit once Celery's worker has stopped.
EXIT_GRACE = 15.0
# How long a stop request may take before the child is killed. Celery's warm shutdown waits for
# the pages being read; one stop in the fault tests took 140 s for no reason found, and a
# supervisor that waits for ever cannot be stopped without a signal to every process. A page
# cut off is read again by the next worker (tasks are acknowledged late).
STOP_GRACE = 60.0
# glibc gives each thread that allocates its own malloc arena (up to 8 per core) and seldom
# hands back what is freed inside one. The tantivy writer starts new threads for every document
# indexed, so a pool process kept growing over its first few hundred documents and settled
# ~70 MB higher on 2 cores, more on machines with more cores (issue #9, bench/scale --many).
MALLOC_ARENA_MAX = "2"


def lower_priority(nice: int) -> None:
    """Run this process (and what it starts afterwards) at CPU priority ``nice``, if lower.

    OCR is batch work: on a machine shared with ``casefile serve`` it must yield the CPU to
    interactive requests, which otherwise queue behind pages being read. Raising priority again
    needs privileges, so a process already nicer is left alone.
    """
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        os.setpriority(os.PRIO_PROCESS, 0, nice)


def supervise(
    argv: Sequence[str], *, delay: float = RESTART_DELAY, stop_grace: float = STOP_GRACE
) -> int:
    """Run ``argv`` as the worker child until it ends on request; return its exit code.

    A child that has not ended ``stop_grace`` seconds after the stop request is killed, with its
    own children (the pool processes).
    """
    stopping = threading.Event()
    child: subprocess.Popen[bytes] | None = None
    killers: list[threading.Timer] = []

    def forward(signum: int, _frame: object) -> None:
        first = not stopping.is_set()
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)
            if first:
                timer = threading.Timer(stop_grace, _kill_tree, args=(child, stop_grace))
                timer.daemon = True
                killers.append(timer)
                timer.start()

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    restarts: list[float] = []
    try:
        while True:
            child = subprocess.Popen(list(argv), env=child_environment(os.environ))
            code = child.wait()
            if stopping.is_set() or code in (0, EXIT_CONFIG):
                # The killer kills the child first: without this wait the supervisor would exit,
                # ending the killer's daemon thread before it reached the pool processes.
                for timer in killers:
                    timer.cancel()
                    timer.join()
                return code
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
            if len(restarts) > MAX_RESTARTS:
                log.error("worker exited %d times within %.0f s (last code %d); giving up",
                          len(restarts), RESTART_WINDOW, code)
                return code
            log.warning("worker exited with code %d; starting it again in %.0f s", code, delay)
            if stopping.wait(delay):
                return code
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _kill_tree(child: subprocess.Popen[bytes], grace: float) -> None:
    """Kill ``child`` and every process below it, if it is still running."""
    import psutil

    if child.poll() is not None:
        return
    log.warning("worker did not stop within %.0f s of the request; killing it (pages it was "
                "reading are read again by the next worker)", grace)
    try:
        top = psutil.Process(child.pid)
        # Stopped, the child cannot start new pool processes while its tree is listed; killing
        # it first instead would let the pool processes be re-parented out of reach.
        top.suspend()
        below = top.children(recursive=True)
    except psutil.NoSuchProcess:
        return
    for process in [*below, top]:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def child_environment(parent: Mapping[str, str]) -> dict[str, str]:
    """The worker child's environment: the parent's, marked as the child, arenas limited.

    A ``MALLOC_ARENA_MAX`` the operator set is kept. The child dies with this supervisor
    (``ingest.lifetime``): a supervisor killed outright leaves no Celery worker behind.
    """
    return {"MALLOC_ARENA_MAX": MALLOC_ARENA_MAX, **parent, CHILD_ENV: "1",
            PARENT_PID_ENV: str(os.getpid())}


class UnrecoverableWatch(logging.Handler):
    """Notices Celery's "Unrecoverable error" and ends the process ``grace`` seconds later."""

    def __init__(self, grace: float) -> None:
        super().__init__(logging.CRITICAL)
        self.grace = grace
        self.armed = False  # an unrecoverable error was logged

    def emit(self, record: logging.LogRecord) -> None:
        if self.armed or "Unrecoverable error" not in record.getMessage():
            return
        self.armed = True
        timer = threading.Timer(self.grace, os._exit, args=(EXIT_UNRECOVERABLE,))
        timer.daemon = True
        timer.start()


def watch_for_unrecoverable(grace: float = 20.0) -> UnrecoverableWatch:
    """End this process ``grace`` seconds after Celery reports an unrecoverable error."""
    watch = UnrecoverableWatch(grace)
    logging.getLogger("celery.worker").addHandler(watch)
    return watch


def run_worker(app: Any, argv: Sequence[str], watch: UnrecoverableWatch) -> int:
    """Run the Celery worker ``app.worker_main(argv)`` here until it stops; return its exit code.

    ``EXIT_UNRECOVERABLE`` after an unrecoverable error (whatever Celery's shutdown made of it),
    else the code the worker stopped with (0 for a requested warm shutdown).
    """
    from celery.signals import worker_shutdown

    codes: list[Any] = []

    def record(sender: Any = None, **_kwargs: Any) -> None:
        codes.append(getattr(sender, "exitcode", None))

    worker_shutdown.connect(record, weak=False)
    try:
        app.worker_main(list(argv))
    finally:
        worker_shutdown.disconnect(record)
    if watch.armed:
        return EXIT_UNRECOVERABLE
    code = codes[-1] if codes else None
    return code if isinstance(code, int) else 0


def exit_within(code: int, grace: float = EXIT_GRACE) -> None:
    """End this process with ``code`` after ``grace`` seconds if it has not ended by then.

    For the child once Celery's worker has stopped: the interpreter's shutdown can hang for good
    in billiard's atexit pool finalizer (a pool process killed while it held the queue's lock;
    seen when a stop signal reaches the whole process group), and then the supervisor would
    neither restart nor stop.
    """
    timer = threading.Timer(grace, os._exit, args=(code,))
    timer.daemon = True
    timer.start()


def exit_at_once(code: int, *, waiting_for: Sequence[threading.Thread] = (), grace: float = 5.0) -> NoReturn:
    """End this process with ``code`` now, once ``waiting_for`` have finished (``grace`` s each at most).

    For the child after a warm shutdown, when Celery has joined its pool (no task is running):
    the interpreter's own shutdown took ~2 s more (billiard's atexit pool finalizer joining its
    handler threads, which poll every 0.8-1 s, then freeing the loaded models), and the
    supervisor and `casefile ingest` waited for it (issue #19 item 4). Log handlers and the
    standard streams are flushed first; the threads waited for are the child's own (the
    heartbeat removes its row as it ends).
    """
    for thread in waiting_for:
        thread.join(grace)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken stream: nothing left to say
            stream.flush()
    os._exit(code)


def is_child() -> bool:
    """Whether this process is the worker child of a supervising ``casefile worker``."""
    return os.environ.get(CHILD_ENV) == "1"
