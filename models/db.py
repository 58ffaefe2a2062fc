"""Engine and session factory for SQLite (WAL, the embedded default) and PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, Engine, Select, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.compiler import SQLCompiler

from models.tables import Base

if TYPE_CHECKING:
    from models.audit import GroupWriter
    from models.audit_seal import AuditSeal

# Connections kept open per process (more are opened when needed, then closed again).
SQLITE_POOL_SIZE = 8


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while workers write; the busy timeout rides out writer contention
    # between the API process and the worker processes instead of failing with "locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _json_loads(text: str | bytes) -> Any:
    """JSON columns as read: orjson, a third of the time of ``json.loads`` on a page's lines.

    Searches read the lines of every hit page. ``json.dumps`` still writes the columns, and may
    write NaN or Infinity, which orjson refuses: those are read by ``json.loads``.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout, PostgreSQL a pre-ping pool."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A pool with no limit: a request that holds one connection while the audit log writes
        # through a second must never wait on a pool limit, yet connections are kept open.
        # Opening one per session (no pool) cost ~3 ms each: the pragmas, and a WAL checkpoint
        # whenever the last connection of the process closed.
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False},
            poolclass=QueuePool, pool_size=SQLITE_POOL_SIZE, max_overflow=-1, json_deserializer=_json_loads,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A request holds its session's connection and may take a second one for the audit log;
    # the pool admits twice the API's worker threads (api.app limits them to 20).
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=40, json_deserializer=_json_loads,
    )


class HotRead:
    """A SELECT compiled once per dialect and run on the driver's own cursor.

    For the reads of every request (sign-in, visible cases, a search's hit pages): SQLAlchemy's
    work around each execution (execution context, result metadata, row objects) cost more than
    the query (the sign-in row on SQLite: 76 us through SQLAlchemy, 29 us here with the pool
    checkout). Rows are the driver's tuples, with no type processing: a JSON column is text on
    SQLite (``read_json``).
    """

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self._statement = statement
        self._compiled: dict[str, SQLCompiler] = {}

    def rows(self, source: Session | Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows for ``params``, read through ``source``'s connection (a session's own, if a session)."""
        connection = source.connection() if isinstance(source, Session) else source
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._statement.compile(dialect=dialect)
        values = compiled.construct_params(params)
        args = tuple(values[name] for name in compiled.positiontup or ()) if compiled.positional else values
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.string, args)
            return list(cursor.fetchall())
        finally:
            cursor.close()


def read_json(value: Any) -> Any:
    """A JSON column's value from ``HotRead``: text on SQLite, already decoded by psycopg."""
    return _json_loads(value) if isinstance(value, (str, bytes)) else value


class Database:
    """One engine and session factory per process (recreated after a fork)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pid = os.getpid()
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # the audit log's writer thread for this database, started by the first event
        self.audit_writer: GroupWriter | None = None
        # the audit key and checkpoint file, set at start-up (ingest.audit_key.open_seal)
        self.audit_seal: AuditSeal | None = None

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:
            # Connections must not cross a fork (Celery prefork children).
            self.engine.dispose(close=False)
            self._pid = os.getpid()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        self._check_fork()
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads on a hot path: no ORM session to set up and commit."""
        self._check_fork()
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a transaction, committed on success and rolled back on error."""
        self._check_fork()
        with self.engine.begin() as connection:
            yield connection

    def create_all(self) -> None:
        """Create tables directly (tests only; the application runs migrations)."""
        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
