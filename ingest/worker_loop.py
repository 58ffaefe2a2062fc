"""The Celery consumer of a worker on the embedded queue: it notices a stop request in 0.2 s.

The embedded queue (kombu's SQLAlchemy transport on SQLite) has no event loop, so Celery runs
its blocking loop (``celery.worker.loops.synloop``): it waits for messages in
``drain_events(timeout=2.0)`` and checks for a stop request only between two such waits, and
once more after the check (the check sits in a ``try`` whose ``finally`` runs one more wait).
A warm shutdown therefore began 2-4 s after SIGTERM, for nothing: `casefile ingest` waited
that long after its last document was done (issue #19 item 4, docs/BENCHMARKS.md). Here each
wait lasts at most ``CYCLE_SECONDS``; the transport still polls the queue every 0.05 s, so
messages are taken as fast as before, and a message is never cut off half received (the wait
is shortened, not interrupted). Workers on Redis or RabbitMQ use Celery's event loop, unchanged.
"""

from __future__ import annotations

from typing import Any

from celery.worker import loops
from celery.worker.consumer import Consumer as CeleryConsumer

CYCLE_SECONDS = 0.2


def short_cycle_synloop(obj: Any, connection: Any, *args: Any, **kwargs: Any) -> Any:
    """Celery's blocking loop, its waits for messages cut to ``CYCLE_SECONDS`` each."""
    drain = connection.drain_events

    def drain_briefly(timeout: float | None = None, **options: Any) -> Any:
        brief = CYCLE_SECONDS if timeout is None else min(timeout, CYCLE_SECONDS)
        return drain(timeout=brief, **options)

    connection.drain_events = drain_briefly
    try:
        return loops.synloop(obj, connection, *args, **kwargs)
    finally:
        del connection.drain_events  # the connection's own method again


class Consumer(CeleryConsumer):
    """Celery's consumer, with the short-cycle loop where Celery would use its blocking one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self, "loop", None) is loops.synloop:  # set by Celery's __init__
            self.loop = short_cycle_synloop
