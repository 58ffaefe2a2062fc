"""The AMQP transport the worker uses with RabbitMQ: the prefetch limit applies per queue.

kombu tells Celery that RabbitMQ 3.3–3.x does not follow the AMQP spec's QoS semantics, and
Celery then sets the prefetch limit for the whole channel (``global=True``). With three queues
on one channel and a limit of one task per pool process, the broker hands the freed slot to
whichever queue asks first: a document's extraction, queued while the splitting of the next
file ran, could wait behind the splitting of every file after it (seen on RabbitMQ 3.10 in
tests/ingest/test_queue_order.py). With the limit per consumer, each queue holds at most its own share,
so a queued extraction waits for at most one task of each other queue, as it does on Redis and
the embedded transport, which cycle over their queues. RabbitMQ 4 applies the limit per consumer
anyway (global QoS is gone for classic queues).
"""

from __future__ import annotations

from typing import Any

from kombu.transport import pyamqp


class Transport(pyamqp.Transport):
    def qos_semantics_matches_spec(self, connection: Any) -> bool:
        return True


class SSLTransport(pyamqp.SSLTransport):
    def qos_semantics_matches_spec(self, connection: Any) -> bool:
        return True


def transport_for(broker_url: str) -> str | None:
    """The class path of the transport for ``broker_url``, or None to keep kombu's choice."""
    scheme = broker_url.split("://", 1)[0].lower()
    if scheme in ("amqp", "pyamqp"):
        return f"{__name__}:Transport"
    if scheme == "amqps":
        return f"{__name__}:SSLTransport"
    return None
