"""The audit log (全流程留痕): append-only events, each hash-chained to the one before.

``record`` appends in its own transaction, so an action that fails (and rolls back) is still
recorded. Appends are serialised by updating the single ``audit_head`` row first, which takes a
write lock on SQLite and a row lock on PostgreSQL. ``verify`` recomputes the chain: any changed,
deleted or inserted event breaks it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from models.db import Database
from models.tables import AuditEvent, AuditHead

GENESIS = "0" * 64
_ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of an agency with a role, or the local operator of the CLI."""

    username: str
    agency: str | None
    role: str
    user_id: int | None = None
    agency_id: int | None = None
    client: str | None = None


def mask_id_numbers(text: str) -> str:
    """Keep the region and the check part of 18-digit ID numbers, hide the birth date."""
    return _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


def _digest(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"prev": prev_hash, "seq": seq, **fields}, ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    # SQLite hands back naive UTC, PostgreSQL an aware time in the session's zone: normalise.
    at = (event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)).astimezone(UTC)
    return {
        "at": at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "agency": event.agency,
        "action": event.action,
        "target": event.target,
        "outcome": event.outcome,
        "client": event.client,
        "detail": event.detail,
    }


def record(
    db: Database,
    actor: Actor,
    action: str,
    *,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one event and return its sequence number.

    ID numbers in the target and detail (search queries) are masked: logs must not spread them.
    """
    clean = json.loads(mask_id_numbers(json.dumps(detail or {}, ensure_ascii=False)))
    with db.session() as session:
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
        head = session.get(AuditHead, 1)
        assert head is not None, "migration 0002 creates the audit head row"
        event = AuditEvent(
            seq=head.seq,
            at=datetime.now(UTC),
            actor=actor.username,
            agency=actor.agency,
            action=action,
            target=mask_id_numbers(target) if target else None,
            outcome=outcome,
            client=actor.client,
            detail=clean,
            prev_hash=head.hash,
            hash="",
        )
        event.hash = _digest(head.hash, event.seq, _fields(event))
        session.add(event)
        head.hash = event.hash
        return event.seq


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
