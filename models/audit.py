"""The audit log (全流程留痕): append-only events, each hash-chained to the one before.

``record`` appends in its own transaction (never the caller's), so an action that fails (and
rolls back) is still recorded; it returns once the event is committed. Appends are serialised by
updating the single ``audit_head`` row first, which takes a write lock on SQLite and a row lock on
PostgreSQL; within a process, events that arrive together share one transaction (``GroupWriter``). ``verify`` recomputes the chain: any changed,
deleted or inserted event breaks it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from models.db import Database
from models.tables import AuditEvent, AuditHead
from nlp.idcard import mask_id_numbers

__all__ = ["Actor", "mask_id_numbers", "record", "record_async", "verify"]

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of an agency with a role, or the local operator of the CLI."""

    username: str
    agency: str | None
    role: str
    user_id: int | None = None
    agency_id: int | None = None
    client: str | None = None


def _mask_values(value: Any) -> Any:
    """``value`` (JSON-like) with ID numbers masked in every string, keys included."""
    if isinstance(value, str):
        return mask_id_numbers(value)
    if isinstance(value, dict):
        return {_mask_values(k): _mask_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_values(v) for v in value]
    return value


def _digest(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"prev": prev_hash, "seq": seq, **fields}, ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fields(event: AuditEvent | dict[str, Any]) -> dict[str, Any]:
    values = event if isinstance(event, dict) else {name: getattr(event, name) for name in _HASHED}
    # SQLite hands back naive UTC, PostgreSQL an aware time in the session's zone: normalise.
    at = values["at"]
    at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    return {**{name: values[name] for name in _HASHED}, "at": at.isoformat(timespec="microseconds")}


_HASHED = ("at", "actor", "agency", "action", "target", "outcome", "client", "detail")


def record(
    db: Database,
    actor: Actor,
    action: str,
    *,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one event and return its sequence number, once it is committed.

    ID numbers in the target and detail (search queries) are masked: logs must not spread them.
    Raises what the database raises when the event cannot be stored.
    """
    return _queue(db, _event(actor, action, target, outcome, detail)).result()


async def record_async(
    db: Database,
    actor: Actor,
    action: str,
    *,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> int:
    """``record`` for a handler on the event loop: it waits for the commit without a thread."""
    return await asyncio.wrap_future(_queue(db, _event(actor, action, target, outcome, detail)))


def _event(
    actor: Actor, action: str, target: str | None, outcome: str, detail: dict[str, Any] | None
) -> dict[str, Any]:
    """The columns of one audit event, before its place in the chain is known."""
    # through JSON first: what the column stores (dates become text) is what gets masked
    clean = _mask_values(json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)))
    return {
        "at": datetime.now(UTC),
        "actor": actor.username,
        "agency": actor.agency,
        "action": action,
        "target": mask_id_numbers(target) if target else None,
        "outcome": outcome,
        "client": actor.client,
        "detail": clean,
    }


class GroupWriter:
    """Appends events for one process in group commits: one transaction for all that wait.

    Every search and upload is audited, and each append takes the one write lock of the chain
    (the SQLite database, the PostgreSQL ``audit_head`` row). One transaction per event made
    requests queue on that lock (and on SQLite's busy back-off sleeps) under load; here a single
    thread writes whatever has queued up meanwhile in one transaction, and each caller still
    returns only after its own event is committed.
    """

    MAX_BATCH = 500
    IDLE_SECONDS = 10.0  # then the thread ends (tests build many databases); the next event starts one

    def __init__(self, db: Database) -> None:
        self.pid = os.getpid()
        self.running = True
        self._db = db
        self._pending: queue.SimpleQueue[tuple[dict[str, Any], Future[int]]] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="casefile-audit", daemon=True).start()

    def put(self, event: dict[str, Any]) -> Future[int]:
        """Queue ``event``; call with ``_writer_lock`` held (see ``_run``'s exit)."""
        done: Future[int] = Future()
        self._pending.put((event, done))
        return done

    def _run(self) -> None:
        while True:
            try:
                batch = [self._pending.get(timeout=self.IDLE_SECONDS)]
            except queue.Empty:
                with _writer_lock:  # no put() can slip in between this check and the exit
                    if self._pending.empty():
                        self.running = False
                        return
                continue
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            try:
                seqs = self._write([event for event, _ in batch])
            except Exception as error:  # handed to every caller of the batch, each raises it
                for _, done in batch:
                    done.set_exception(error)
                continue
            for (_, done), seq in zip(batch, seqs, strict=True):
                done.set_result(seq)

    def _write(self, events: list[dict[str, Any]]) -> list[int]:
        # Statements built once, and Core rather than ORM objects: this runs for every search and
        # upload, and building the statements anew was most of the writer's time.
        with self._db.transaction() as connection:
            # the UPDATE first: it takes the write lock before the head is read
            head = connection.execute(_ADVANCE_HEAD, {"count": len(events)}).one_or_none()
            assert head is not None, "migration 0002 creates the audit head row"
            seq, prev = head.seq - len(events), head.hash
            seqs = []
            for event in events:
                seq += 1
                event.update(seq=seq, prev_hash=prev)
                event["hash"] = prev = _digest(prev, seq, _fields(event))
                seqs.append(seq)
            connection.execute(_APPEND, events)
            connection.execute(_SET_HEAD_HASH, {"head_hash": prev})
            return seqs


# The head's seq moves by the batch's size, and the statement returns it with the hash before it.
_ADVANCE_HEAD = (
    update(AuditHead).where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("count"))
    .returning(AuditHead.seq, AuditHead.hash)
)
_APPEND = insert(AuditEvent)
_SET_HEAD_HASH = update(AuditHead).where(AuditHead.id == 1).values(hash=bindparam("head_hash"))


_writer_lock = threading.Lock()


def _queue(db: Database, event: dict[str, Any]) -> Future[int]:
    # One writer per database per process; its thread does not survive a fork (pool children)
    # and ends when idle, so a new one is started under the lock its exit check takes.
    with _writer_lock:
        writer = db.audit_writer
        if writer is None or writer.pid != os.getpid() or not writer.running:
            writer = db.audit_writer = GroupWriter(db)
        return writer.put(event)


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    problem: str | None = None
    seq: int | None = None


def verify(db: Database) -> Verification:
    """Walk the chain from the first event; report the first event that does not fit."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    with db.session() as session:
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
            count += 1
            if event.seq != expected_seq:
                return Verification(False, count, f"event {expected_seq} is missing", expected_seq)
            if event.prev_hash != prev:
                return Verification(False, count, f"event {event.seq} does not follow its predecessor", event.seq)
            if _digest(prev, event.seq, _fields(event)) != event.hash:
                return Verification(False, count, f"event {event.seq} was altered", event.seq)
            prev = event.hash
            expected_seq += 1
        head = session.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != prev:
        return Verification(False, count, f"the log ends at event {count} but {head_seq} were written", count + 1)
    return Verification(True, count)
