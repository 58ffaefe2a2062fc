"""Identity: argon2 passwords, signed tokens, lockout, web sessions with CSRF protection.

API clients send ``Authorization: Bearer <token>`` (from ``POST /api/auth/token``). The web page
signs in with ``POST /api/auth/login``, which sets an HttpOnly session cookie plus a CSRF cookie
that the page echoes in ``X-CSRF-Token`` on every state-changing request (double submit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from sqlalchemy import bindparam, select

from core.errors import (
    ACCOUNT_LOCKED,
    BAD_CREDENTIALS,
    CSRF_FAILED,
    NOT_AUTHENTICATED,
    SESSION_EXPIRED,
    CasefileError,
)
from models.audit import Actor, record
from models.db import Database, HotRead
from models.tables import Agency, User, as_utc

SESSION_COOKIE = "casefile_session"
CSRF_COOKIE = "casefile_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of a wrong user name
# the same as that of a wrong password.
_DUMMY_HASH = _hasher.hash("casefile-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_ok(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(secret: str, user_id: int, minutes: int) -> str:
    payload = f"{user_id}.{int(time.time()) + minutes * 60}.{secrets.token_hex(8)}"
    encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{encoded}.{_sign(secret, encoded)}"


def read_token(secret: str, token: str) -> int:
    """The user id in a valid, unexpired token; raises NOT_AUTHENTICATED / SESSION_EXPIRED."""
    encoded, _, signature = token.strip().rpartition(".")
    if not encoded or not hmac.compare_digest(signature, _sign(secret, encoded)):
        raise CasefileError(NOT_AUTHENTICATED, "bad token signature")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        user_id, expires, _nonce = payload.split(".")
        uid, exp = int(user_id), int(expires)
    except ValueError as error:
        raise CasefileError(NOT_AUTHENTICATED, "malformed token") from error
    if exp < time.time():
        raise CasefileError(SESSION_EXPIRED)
    return uid


def _sign(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def actor_for(user: User, client: str | None) -> Actor:
    return Actor(
        username=user.username, agency=user.agency.name, role=user.role,
        user_id=user.id, agency_id=user.agency_id, client=client,
    )


def authenticate(
    db: Database, username: str, password: str, *, client: str | None,
    max_failures: int, lock_minutes: int,
) -> User:
    """The user with these credentials; counts failures and locks the account after too many.

    Every attempt, good or bad, is audited.
    """
    now = datetime.now(UTC)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            _password_ok(_DUMMY_HASH, password)
            outcome, error = "unknown_user", CasefileError(BAD_CREDENTIALS, username)
        elif user.locked_until and as_utc(user.locked_until) > now:
            outcome, error = "locked", CasefileError(ACCOUNT_LOCKED, username)
        elif not _password_ok(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
            outcome, error = "bad_password", CasefileError(BAD_CREDENTIALS, username)
        else:
            user.failed_logins = 0
            user.locked_until = None
            outcome, error = "ok", None
        agency = user.agency.name if user else None
    record(
        db, Actor(username=username[:100], agency=agency, role="", client=client),
        "login", outcome=outcome,
    )
    if error is not None:
        raise error
    assert user is not None
    return user


# Built once, run on the driver's cursor: this runs on every request.
_SIGNED_IN = HotRead(
    select(User.username, User.role, User.active, User.agency_id, Agency.name)
    .join(Agency, Agency.id == User.agency_id)
    .where(User.id == bindparam("user_id"))
)


async def current_actor(request: Request) -> Actor:
    """The signed-in actor of this request (bearer token, or session cookie plus CSRF check).

    Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, and that
    hand-over (twice per request, with the policy check) cost more than the one-row lookup it
    wraps, which runs here on the event loop. The lookup cannot block on writers: SQLite's WAL
    readers take no lock, and it holds one pooled connection for a single primary-key query.
    """
    from api.state import AppState

    state: AppState = request.app.state.casefile
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:]
    else:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token:
            raise CasefileError(NOT_AUTHENTICATED)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            expected = request.cookies.get(CSRF_COOKIE, "")
            if not sent or not expected or not hmac.compare_digest(sent, expected):
                raise CasefileError(CSRF_FAILED)
    user_id = read_token(state.settings.secret_key, token)
    # One joined row, not the ORM object and its lazily loaded agency: this runs on every
    # request, and under load the ORM's per-object work was a third of a search's CPU time.
    with state.ctx.db.reading() as connection:
        rows = _SIGNED_IN.rows(connection, {"user_id": user_id})
    username, role, active, agency_id, agency = rows[0] if rows else (None, None, False, None, None)
    if not active:
        raise CasefileError(NOT_AUTHENTICATED, f"user {user_id} is gone or inactive")
    return Actor(
        username=username, agency=agency, role=role,
        user_id=user_id, agency_id=agency_id, client=client_address(request),
    )
