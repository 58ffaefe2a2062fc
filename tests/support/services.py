"""Real services for integration tests: a fresh PostgreSQL database, a clean Redis database.

Unreachable services fail the test in CI (``CI=true``) and skip it with the reason elsewhere.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = os.environ.get("CASEFILE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require(host: str, port: int, name: str) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port} (scripts/services.sh starts it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty database; its URL is yielded and the database dropped afterwards."""
    import psycopg

    require("127.0.0.1", 5432, "PostgreSQL")
    name = f"casefile_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_redis(db: int = 13) -> Iterator[str]:
    """A Redis database number emptied before and after use."""
    import redis

    require(REDIS_HOST, REDIS_PORT, "Redis")
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db)
    client.flushdb()
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"
    finally:
        client.flushdb()
        client.close()


RABBITMQ_HOST, RABBITMQ_PORT = "127.0.0.1", 5672


@contextmanager
def fresh_rabbitmq() -> Iterator[str]:
    """An empty RabbitMQ virtual host of our own; its broker URL is yielded, the host deleted after.

    The machine's RabbitMQ is shared (other test runs use the ``casefile`` queue of ``/``), so
    each test gets a virtual host made with ``rabbitmqctl``. Where that command cannot manage the
    server (a RabbitMQ in a container), the test uses ``/`` and purges the queue before and after,
    and says so on stderr.
    """
    import shutil
    import subprocess
    import sys

    require(RABBITMQ_HOST, RABBITMQ_PORT, "RabbitMQ")
    vhost = f"casefile_test_{uuid.uuid4().hex[:10]}"
    ctl = shutil.which("rabbitmqctl")

    def run(*args: str) -> bool:
        assert ctl is not None
        return subprocess.run([ctl, *args], capture_output=True, timeout=60, check=False).returncode == 0

    if ctl and run("add_vhost", vhost) and run("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"):
        try:
            yield f"amqp://guest:guest@{RABBITMQ_HOST}:{RABBITMQ_PORT}/{vhost}"
        finally:
            run("delete_vhost", vhost)
        return
    print("rabbitmqctl cannot manage the server: using the shared virtual host /", file=sys.stderr)
    url = f"amqp://guest:guest@{RABBITMQ_HOST}:{RABBITMQ_PORT}//"
    _purge_casefile_queue(url)
    try:
        yield url
    finally:
        _purge_casefile_queue(url)


def _purge_casefile_queue(url: str) -> None:
    from amqp.exceptions import NotFound
    from kombu import Connection

    from ingest.jobs import QUEUES

    with Connection(url) as connection:
        for queue in QUEUES:
            try:
                connection.channel().queue_purge(queue)
            except NotFound:  # no queue yet: nothing to purge
                pass
