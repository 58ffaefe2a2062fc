"""Sign-in throttling: waits that grow with failures, per name and address, counted atomically.

Each attempt is counted *before* its password is checked, in one conditional upsert per key, so
that twenty attempts sent at once are twenty counts: only those within the limit reach the
(slow) password check, the rest are refused at once. A success gives its count back.

Three keys are counted, each with its own limit (settings):

- a user name from one address (``lockout_failures``): a person who mistypes, or a guesser;
- one address, any names (``sign_in_address_failures``): one machine trying many names;
- one user name, any address (``sign_in_account_failures``): guessing spread over machines;
  an address the name signed in from in the last 30 days is exempt from this one, so that
  guesses from elsewhere cannot keep a person out at their own desk.

Past a limit each further attempt waits: one minute, then twice as long after each further
failure, up to ``lockout_minutes``; attempts while waiting are refused without being counted
(so waiting, not retrying, ends the wait), and after a quiet spell of four times the longest
wait a count starts again. There is no hard lock: an attacker can make themselves wait, not
lock the administrator out from the administrator's own address. Unknown names are counted
exactly like known ones, so the answers say nothing about which names exist.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from core.errors import SIGN_IN_THROTTLED, CasefileError
from core.settings import Settings
from models.tables import SignInThrottle

FIRST_WAIT_SECONDS = 60.0
# An address a name signed in from is exempt from that name's own limit (guesses spread over
# other addresses) for this long after its last success.
TRUST_SECONDS = 30 * 24 * 3600.0
# Sign-in waits are told in the time of the people who use casefile (China Standard Time).
CLERK_TIME = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class ThrottleLimits:
    """How many attempts each key has before waits begin, and the longest wait (seconds)."""

    per_name_and_address: int
    per_address: int
    per_name: int
    longest_wait: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottleLimits:
        return cls(
            per_name_and_address=settings.lockout_failures,
            per_address=settings.sign_in_address_failures,
            per_name=settings.sign_in_account_failures,
            longest_wait=settings.lockout_minutes * 60.0,
        )

    @property
    def waits(self) -> list[float]:
        """The wait after reaching a limit, after one more failure, …, then the longest."""
        waits = [min(FIRST_WAIT_SECONDS, self.longest_wait)]
        while waits[-1] < self.longest_wait:
            waits.append(min(waits[-1] * 2, self.longest_wait))
        return waits

    @property
    def forget_after(self) -> float:
        return 4 * self.longest_wait


def _digest(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}\x00{value}".encode()).hexdigest()


def _keys(limits: ThrottleLimits, username: str, client: str | None) -> list[tuple[str, int]]:
    address = client or "-"
    return [
        (_digest("name+address", f"{username}\x00{address}"), limits.per_name_and_address),
        (_digest("address", address), limits.per_address),
        (_digest("name", username), limits.per_name),
    ]


def throttled_error(until: float, now: float) -> CasefileError:
    """429 ``sign_in_throttled``, telling when to try again (rounded up to the minute)."""
    at = datetime.fromtimestamp(math.ceil(until / 60) * 60, UTC).astimezone(CLERK_TIME)
    return CasefileError(
        SIGN_IN_THROTTLED, f"sign-in refused until {until:.0f}",
        message=f"尝试次数过多，请于 {at:%H:%M} 后再试。",
        retry_after=max(1, math.ceil(until - now)),
    )


def _wait_end(attempts: int, limit: int, limits: ThrottleLimits, now: float) -> float:
    """The end of the wait that ``attempts`` counted attempts bring (0: none)."""
    if attempts < limit:
        return 0.0
    waits = limits.waits
    return now + waits[min(attempts - limit, len(waits) - 1)]


def _wait_end_sql(attempts: ColumnElement[Any], limit: int, limits: ThrottleLimits, now: float) -> Any:
    """``_wait_end`` as an SQL expression of the new count (computed in the same statement)."""
    waits = limits.waits
    whens: list[tuple[ColumnElement[bool], float]] = [(attempts < limit, 0.0)]
    whens += [(attempts == limit + i, now + wait) for i, wait in enumerate(waits[:-1])]
    return case(*whens, else_=now + waits[-1])


def _upsert(connection: Connection, key: str, limit: int, limits: ThrottleLimits, now: float) -> int | None:
    """Count one attempt for ``key`` unless it must wait; the new count, or None when waiting."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = SignInThrottle
    attempts = case((table.last_at < now - limits.forget_after, 1), else_=table.attempts + 1)
    statement = (
        insert(table)
        .values(key=key, attempts=1, last_at=now, blocked_until=_wait_end(1, limit, limits, now))
        .on_conflict_do_update(
            index_elements=[table.key],
            set_={"attempts": attempts, "last_at": now,
                  "blocked_until": _wait_end_sql(attempts, limit, limits, now)},
            where=table.blocked_until <= now,
        )
        .returning(table.attempts)
    )
    return connection.execute(statement).scalar()


def _trusted_key(username: str, client: str | None) -> str:
    return _digest("signed-in-from", f"{username}\x00{client or '-'}")


def count_attempt(connection: Connection, limits: ThrottleLimits, username: str, client: str | None) -> None:
    """Count a sign-in attempt before its password is checked; raise 429 if it must wait.

    Runs in the caller's transaction: when one key refuses, the caller's rollback takes back
    the counts of the others.
    """
    now = time.time()
    keys = _keys(limits, username, client)
    trusted = _trusted_key(username, client)
    table = SignInThrottle
    # the refusal of a waiting attempt costs one indexed read and writes nothing
    rows = {
        key: (blocked_until, last_at)
        for key, blocked_until, last_at in connection.execute(
            select(table.key, table.blocked_until, table.last_at)
            .where(table.key.in_([key for key, _limit in keys] + [trusted]))
        )
    }
    if trusted in rows and rows[trusted][1] > now - TRUST_SECONDS:
        # where this name signed in before, guesses at it from elsewhere do not make it wait
        keys = keys[:2]
    until = max(rows.get(key, (0.0, 0.0))[0] for key, _limit in keys)
    if until > now:
        raise throttled_error(until, now)
    for key, limit in keys:
        if _upsert(connection, key, limit, limits, now) is None:  # a concurrent attempt won
            won = connection.execute(select(table.blocked_until).where(table.key == key)).scalar()
            raise throttled_error(won or now + 1, now)


def give_back(connection: Connection, limits: ThrottleLimits, username: str, client: str | None) -> None:
    """After a successful sign-in: the name's counts start again, the address's loses this one.

    The address is remembered as one this name signs in from (``TRUST_SECONDS``).
    """
    table = SignInThrottle
    now = time.time()
    name_and_address, address, name = _keys(limits, username, client)
    connection.execute(delete(table).where(table.key.in_([name_and_address[0], name[0]])))
    connection.execute(
        update(table)
        .where(table.key == address[0], table.attempts > 0)
        .values(
            attempts=table.attempts - 1,
            blocked_until=case((table.attempts - 1 < address[1], 0.0), else_=table.blocked_until),
        )
    )
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(
        insert(table)
        .values(key=_trusted_key(username, client), attempts=0, last_at=now, blocked_until=0.0)
        .on_conflict_do_update(index_elements=[table.key], set_={"last_at": now})
    )
    # counts gone quiet are as good as none (``_upsert`` would start them again), and trust ends
    connection.execute(delete(table).where(
        (table.last_at < now - TRUST_SECONDS)
        | ((table.attempts > 0) & (table.last_at < now - limits.forget_after) & (table.blocked_until < now))
    ))
