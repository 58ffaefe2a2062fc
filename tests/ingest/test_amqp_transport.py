"""RabbitMQ gets a prefetch limit per queue, so the worker's queues are served in turn.

The order itself is tested end to end against RabbitMQ in tests/ingest/test_queue_order.py; these
check the choice of transport, which that test cannot see when the race happens to go well.
"""

from __future__ import annotations

import pytest

from core.settings import Settings
from ingest.amqp_transport import transport_for
from ingest.jobs import make_celery


@pytest.mark.parametrize(("url", "expected"), [
    ("amqp://guest:guest@127.0.0.1:5672//", "ingest.amqp_transport:Transport"),
    ("pyamqp://127.0.0.1//", "ingest.amqp_transport:Transport"),
    ("AMQPS://broker.example//", "ingest.amqp_transport:SSLTransport"),
    ("redis://127.0.0.1:6379/0", None),
    ("sqla+sqlite:////tmp/broker.db", None),
])
def test_transport_for(url: str, expected: str | None) -> None:
    assert transport_for(url) == expected


def test_rabbitmq_worker_limits_prefetch_per_consumer(tmp_path) -> None:
    app = make_celery(Settings(data_dir=tmp_path, broker_url="amqp://guest:guest@127.0.0.1:5672//"))
    assert app.conf.broker_transport == "ingest.amqp_transport:Transport"
    # RabbitMQ 3.10 as installed here: kombu's own transport asks Celery for a global limit
    rabbitmq_310 = {"product": "RabbitMQ", "version": "3.10.8"}
    connection = type("ServerConnection", (), {"server_properties": rabbitmq_310})()
    from kombu.transport import pyamqp

    assert pyamqp.Transport.qos_semantics_matches_spec(None, connection) is False  # type: ignore[arg-type]
    transport = app.connection_for_write().transport
    assert transport.qos_semantics_matches_spec(connection) is True


def test_other_brokers_keep_their_transport(tmp_path) -> None:
    app = make_celery(Settings(data_dir=tmp_path, broker_url="redis://127.0.0.1:6379/0"))
    assert app.conf.broker_transport is None
