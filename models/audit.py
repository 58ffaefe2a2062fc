"""The audit log (全流程留痕): append-only events, each hash-chained to the one before.

``record`` appends in its own transaction (never the caller's), so an action that fails (and
rolls back) is still recorded; it returns once the event is committed. Appends are serialised by
updating the single ``audit_head`` row first, which takes a write lock on SQLite and a row lock on
PostgreSQL; within a process, events that arrive together share one transaction (``GroupWriter``).

Each event and the head carry a MAC with the audit key, and the writer appends checkpoints of the
head to a file outside the database (``models.audit_seal``). ``verify`` recomputes the chain and
checks every MAC and checkpoint: a changed, deleted or inserted event breaks the chain, and one
recomputed without the key, a cut tail or a wiped log fails the MACs or the checkpoints.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import hmac
import json
import logging
import os
import queue
import threading
import time
import weakref
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from models.audit_seal import (
    GENESIS,
    AuditSeal,
    CheckpointLine,
    append_checkpoint,
    is_append_only,
    read_checkpoints,
)
from models.db import Database
from models.idmask import mask_id_numbers
from models.tables import AuditEvent, AuditHead

__all__ = ["Actor", "mask_id_numbers", "record", "record_async", "verify"]

log = logging.getLogger(__name__)



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

    After a batch it checkpoints the head it committed to the seal's file, every
    ``seal.every_events`` events or ``seal.every_seconds``, when it falls idle and at exit.
    """

    MAX_BATCH = 500
    IDLE_SECONDS = 10.0  # then the thread ends (tests build many databases); the next event starts one

    def __init__(self, db: Database) -> None:
        if db.audit_seal is None:
            raise RuntimeError("the audit log has no seal: build the context with open_seal first")
        self.pid = os.getpid()
        self.running = True
        self._db = db
        self._seal = db.audit_seal
        self._pending: queue.SimpleQueue[tuple[dict[str, Any], Future[int]]] = queue.SimpleQueue()
        self._checkpoint_lock = threading.Lock()
        self._unsaved: tuple[int, str] | None = None  # the last head committed, not checkpointed
        self._since_checkpoint = 0
        self._checkpointed_at = time.monotonic()
        _writers.add(self)
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
                # Idle: save the head first, so that whoever sees the writer stopped also finds
                # its last checkpoint written (a test reading the file right after raced this).
                self.checkpoint()
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
            # after the callers have their answer: a checkpoint's fsync is not theirs to wait for
            self._checkpoint_if_due(len(batch))

    def _write(self, events: list[dict[str, Any]]) -> list[int]:
        # Statements built once, and Core rather than ORM objects: this runs for every search and
        # upload, and building the statements anew was most of the writer's time.
        seal = self._seal
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
                event["mac"] = seal.event_mac(prev)
                seqs.append(seq)
            connection.execute(_APPEND, events)
            connection.execute(_SET_HEAD_HASH, {"head_hash": prev, "head_mac": seal.head_mac(seq, prev)})
        with self._checkpoint_lock:
            self._unsaved = (seq, prev)
        return seqs

    def _checkpoint_if_due(self, appended: int) -> None:
        self._since_checkpoint += appended
        if (self._since_checkpoint >= self._seal.every_events
                or time.monotonic() - self._checkpointed_at >= self._seal.every_seconds):
            self.checkpoint()

    def checkpoint(self) -> None:
        """Append the last committed head to the checkpoint file, if not done yet.

        A failure is logged, not raised: the events are committed, and the next checkpoint
        covers them (verify reports the gap if none ever does).
        """
        with self._checkpoint_lock:
            if self._unsaved is None:
                return
            seq, digest = self._unsaved
            try:
                append_checkpoint(self._seal, seq, digest)
            except OSError as error:
                log.error("could not write the audit checkpoint at event %d to %s: %s",
                          seq, self._seal.checkpoint_path, error)
                return
            self._unsaved = None
            self._since_checkpoint = 0
            self._checkpointed_at = time.monotonic()


# The head's seq moves by the batch's size, and the statement returns it with the hash before it.
_ADVANCE_HEAD = (
    update(AuditHead).where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("count"))
    .returning(AuditHead.seq, AuditHead.hash)
)
_APPEND = insert(AuditEvent)
_SET_HEAD_HASH = (
    update(AuditHead).where(AuditHead.id == 1)
    .values(hash=bindparam("head_hash"), mac=bindparam("head_mac"))
)


_writer_lock = threading.Lock()
_writers: weakref.WeakSet[GroupWriter] = weakref.WeakSet()


@atexit.register
def _checkpoint_at_exit() -> None:
    """The process ends: every writer's last committed head goes to the checkpoint file."""
    for writer in list(_writers):
        if writer.pid == os.getpid():
            writer.checkpoint()


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
    """What ``verify`` found. ``ok`` is False at the first sign of tampering (``problem``, ``seq``).

    ``sealed_from`` is the first event the key sealed (None: the log has no seal yet); the
    ``unsealed`` events before it were written before the installation had a key: they are
    reported, never passed off as sealed. ``notes`` says what an operator should know besides.
    """

    ok: bool
    events: int
    problem: str | None = None
    seq: int | None = None
    sealed_from: int | None = None
    unsealed: int = 0
    checkpoints: int = 0
    last_checkpoint: int | None = None
    notes: tuple[str, ...] = ()


class _Tampered(Exception):
    def __init__(self, problem: str, seq: int | None) -> None:
        super().__init__(problem)
        self.problem, self.seq = problem, seq


@dataclass
class _Checkpoints:
    """The checkpoint file, checked line by line: each line's MAC, and the chain of lines."""

    sealed_from: int | None = None
    heads: dict[int, str] = field(default_factory=dict)  # seq -> the hash the head had then
    count: int = 0


def _read_checkpoint_file(seal: AuditSeal, lines: list[CheckpointLine]) -> _Checkpoints:
    found = _Checkpoints()
    keys = {str(line.data.get("key")) for line in lines if line.data is not None}
    if keys and keys != {seal.key_id}:
        raise _Tampered(
            f"审计密钥不符：检查点文件由密钥 {'、'.join(sorted(keys))} 签署，当前密钥为 {seal.key_id}。"
            "请使用原密钥（CASEFILE_AUDIT_KEY 或密钥文件）再校验", None)
    prev = ""
    for line in lines:
        data = line.data
        where = f"检查点文件第 {line.number} 行"
        if data is None or not isinstance(data.get("seq"), int) or not isinstance(data.get("hash"), str):
            raise _Tampered(f"{where}无法解析（文件被改动）", None)
        if not hmac.compare_digest(str(data.get("mac", "")), seal.line_mac(data)):
            raise _Tampered(f"{where}的 MAC 不符（文件被改动）", data["seq"])
        if data.get("prev") != prev:
            raise _Tampered(f"{where}之前的检查点被删除或改动", data["seq"])
        prev = data["mac"]
        if data.get("kind") == "open":
            if found.sealed_from is not None:
                raise _Tampered(f"{where}：检查点文件被重新开始过", data["seq"])
            found.sealed_from = int(data.get("from", data["seq"] + 1))
        elif found.sealed_from is None:
            raise _Tampered(f"{where}：检查点文件缺少开头一行", data["seq"])
        if found.heads.setdefault(data["seq"], data["hash"]) != data["hash"]:
            raise _Tampered(f"{where}与更早的检查点对第 {data['seq']} 条的记录不一致", data["seq"])
        found.count += 1
    return found


def verify(db: Database, seal: AuditSeal | None = None) -> Verification:
    """Check the whole log; report the first sign of tampering, or what is and is not sealed.

    Walks the chain from the first event (each event's hash, predecessor and seq), checks every
    event's MAC from the seal's first event on and the head's MAC, and that the chain passes
    through the head of every checkpoint in the file. ``seal`` defaults to the database's own;
    without one (no key yet) only the chain is checked and every event counts as unsealed.
    """
    seal = seal or db.audit_seal
    try:
        return _verify(db, seal)
    except _Tampered as tampered:  # events: those that checked out before the problem
        return Verification(False, max((tampered.seq or 1) - 1, 0), tampered.problem, tampered.seq)


def _verify(db: Database, seal: AuditSeal | None) -> Verification:
    notes: list[str] = []
    lines = read_checkpoints(seal.checkpoint_path) if seal else None
    checkpoints = _read_checkpoint_file(seal, lines) if seal and lines else _Checkpoints()
    sealed_from = checkpoints.sealed_from
    if seal is None:
        notes.append("尚无审计密钥（首次启动 casefile 时生成）：所有记录均未加 MAC，只有哈希链保护。")
    elif lines is None:
        notes.append(f"检查点文件 {seal.checkpoint_path} 不存在。")
    if checkpoints.heads.get(0, GENESIS) != GENESIS:
        raise _Tampered("检查点记录的起点与空日志不符", 0)
    prev = GENESIS
    count = unsealed = 0
    with db.session() as session:
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
            count += 1
            seq = count
            if event.seq != seq:
                raise _Tampered(f"第 {seq} 条记录缺失", seq)
            if event.prev_hash != prev:
                raise _Tampered(f"第 {seq} 条记录与前一条不衔接", seq)
            if _digest(prev, seq, _fields(event)) != event.hash:
                raise _Tampered(f"第 {seq} 条记录被改动", seq)
            prev = event.hash
            if seal is not None:
                _check_event_mac(seal, event, sealed_from)
            elif event.mac is not None:
                raise _Tampered(f"第 {seq} 条记录带有 MAC，却没有审计密钥可以校验：请找回原密钥", seq)
            if event.mac is None:
                unsealed += 1
            expected = checkpoints.heads.get(seq)
            if expected is not None and expected != event.hash:
                raise _Tampered(f"第 {seq} 条记录与检查点不符：日志被改写后重新计算了哈希链", seq)
        head = session.get(AuditHead, 1)
    head_seq, head_hash, head_mac = (head.seq, head.hash, head.mac) if head else (0, GENESIS, None)
    if head_seq != count or head_hash != prev:
        raise _Tampered(f"日志到第 {count} 条为止，但链头记录已写入 {head_seq} 条", count + 1)
    last_checkpoint = max(checkpoints.heads, default=None)
    if last_checkpoint is not None and last_checkpoint > count:
        raise _Tampered(
            f"检查点表明已写入 {last_checkpoint} 条记录，但日志只到第 {count} 条：日志尾部被截断或清空",
            count + 1)
    if seal is not None and sealed_from is not None and (
        head_mac is None or not hmac.compare_digest(head_mac, seal.head_mac(head_seq, head_hash))
    ):
        raise _Tampered("链头的 MAC 不符：链头被改动（日志尾部被截断？）", head_seq)
    if unsealed:
        first_sealed = sealed_from if sealed_from is not None else count + 1
        notes.append(
            f"第 1–{unsealed} 条记录写于审计密钥启用之前，没有 MAC；MAC 从第 {first_sealed} 条起"
            + ("，此前的记录由哈希链和其后的检查点保护。" if sealed_from is not None else "。"))
    if seal is not None and lines is not None and not is_append_only(seal.checkpoint_path):
        notes.append(f"检查点文件 {seal.checkpoint_path} 未设置只追加属性（chattr +a），"
                     "能登录本机的人可以改写它；请设置该属性并将检查点复制到另一台机器。")
    return Verification(True, count, None, None, sealed_from, unsealed, checkpoints.count,
                        last_checkpoint, tuple(notes))


def _check_event_mac(seal: AuditSeal, event: AuditEvent, sealed_from: int | None) -> None:
    seq = event.seq
    if event.mac is None:
        if sealed_from is not None and seq >= sealed_from:
            raise _Tampered(f"第 {seq} 条记录缺少 MAC（日志自第 {sealed_from} 条起加封）", seq)
        return
    if not hmac.compare_digest(event.mac, seal.event_mac(event.hash)):
        raise _Tampered(f"第 {seq} 条记录的 MAC 不符：记录被改动或哈希链被重新计算", seq)
    if sealed_from is None or seq < sealed_from:
        raise _Tampered(f"第 {seq} 条记录在检查点文件开始之前已加 MAC：检查点文件被删除或替换过", seq)
