"""Identity: throttled sign-in with argon2 passwords (`api.services.passwords`), and the signed-in actor of each request.

API clients send ``Authorization: Bearer <token>`` (from ``POST /api/auth/token``). The web page
signs in with ``POST /api/auth/login``, which sets an HttpOnly session cookie plus a CSRF cookie
bound to that session, which the page echoes in ``X-CSRF-Token`` on every state-changing request.
Tokens name a revocable session (``api.sessions``); sign-in attempts are throttled
(``api.throttle``) and passwords are checked in a small thread pool of their own, never on the
event loop nor in the pool the other requests use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import anyio
from fastapi import Request
from sqlalchemy import bindparam, select

from api.services.passwords import password_ok
from api.sessions import (
    API,
    WEB,
    TokenClaims,
    csrf_ok,
    forget_expired,
    issue_token,
    open_session,
    read_token,
)
from api.throttle import ThrottleLimits, count_attempt, give_back
from core.errors import BAD_CREDENTIALS, CSRF_FAILED, NOT_AUTHENTICATED, SIGN_IN_BUSY, CasefileError
from models.audit import Actor, record_async
from models.db import Database, HotRead
from models.tables import Agency, SignInSession, User

if TYPE_CHECKING:
    from api.state import AppState

SESSION_COOKIE = "casefile_session"
CSRF_COOKIE = "casefile_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Sign-ins waiting for a password check, per thread of the pool, before more are turned away.
SIGN_IN_QUEUE_PER_THREAD = 8

def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def actor_for(user: User, client: str | None) -> Actor:
    return Actor(
        username=user.username, agency=user.agency.name, role=user.role,
        user_id=user.id, agency_id=user.agency_id, client=client,
    )


@dataclass(frozen=True)
class _Account:
    user_id: int
    password_hash: str
    agency: str


@dataclass(frozen=True)
class NewSession:
    """A session just opened: its token, its claims (the session id binds the CSRF token) and who."""

    token: str
    expires: datetime
    claims: TokenClaims
    actor: Actor


def _count_and_find(db: Database, limits: ThrottleLimits, username: str, client: str | None) -> _Account | None:
    with db.transaction() as connection:
        count_attempt(connection, limits, username, client)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            return None
        return _Account(user.id, user.password_hash, user.agency.name)


async def check_password(
    state: AppState, username: str, password: str, *, client: str | None, action: str = "login",
) -> _Account:
    """The account whose password this is; the attempt is throttled and audited.

    Raises SIGN_IN_BUSY or SIGN_IN_THROTTLED (429, without checking the password) or
    BAD_CREDENTIALS, the same for an unknown or inactive user as for a wrong password.
    """
    limiter = sign_in_limiter(state)
    if limiter.statistics().tasks_waiting >= SIGN_IN_QUEUE_PER_THREAD * limiter.total_tokens:
        raise CasefileError(SIGN_IN_BUSY, "password checks queued up", retry_after=5)
    limits = ThrottleLimits.from_settings(state.settings)
    db = state.ctx.db
    account = await anyio.to_thread.run_sync(_count_and_find, db, limits, username, client)
    stored = account.password_hash if account else None
    ok = await anyio.to_thread.run_sync(password_ok, stored, password, limiter=limiter)
    if account is None or not ok:
        who = Actor(username=username[:100], agency=account.agency if account else None, role="", client=client)
        await record_async(db, who, action, outcome="unknown_user" if account is None else "bad_password")
        raise CasefileError(BAD_CREDENTIALS, username)

    def succeeded() -> None:
        with db.transaction() as connection:
            give_back(connection, limits, username, client)

    await anyio.to_thread.run_sync(succeeded)
    return account


async def sign_in(state: AppState, username: str, password: str, *, client: str | None, kind: str) -> NewSession:
    """Check the password (``check_password``) and open a session of ``kind`` (web or api)."""
    account = await check_password(state, username, password, client=client)
    settings = state.settings

    def opened() -> NewSession:
        with state.ctx.db.session() as session:
            forget_expired(session, account.user_id)
            claims, expires = open_session(
                session, account.user_id, kind, client=client, minutes=settings.token_minutes
            )
            user = session.get_one(User, account.user_id)
            actor = actor_for(user, client)
        return NewSession(issue_token(settings.secret_key, claims, expires), expires, claims, actor)

    new = await anyio.to_thread.run_sync(opened)
    await record_async(state.ctx.db, new.actor, "login", outcome="ok", detail={"kind": kind})
    return new


def sign_in_limiter(state: AppState) -> anyio.CapacityLimiter:
    """The threads that check passwords in this process (made on first use, in the event loop)."""
    if state.sign_ins is None:
        state.sign_ins = anyio.CapacityLimiter(state.settings.sign_in_threads)
    return state.sign_ins


def request_token(request: Request) -> tuple[str, str]:
    """The token a request carries and how: ``api`` (a bearer header) or ``web`` (the cookie)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:], API
    return request.cookies.get(SESSION_COOKIE, ""), WEB


# Built once, run on the driver's cursor: this runs on every request. The session row and its
# user in one indexed read: a signed-out or revoked session is refused at no extra query.
_SIGNED_IN = HotRead(
    select(
        SignInSession.user_id, SignInSession.kind,
        User.username, User.role, User.active, User.agency_id, Agency.name,
    )
    .select_from(SignInSession)
    .join(User, User.id == SignInSession.user_id)
    .join(Agency, Agency.id == User.agency_id)
    .where(SignInSession.id == bindparam("session_id"), SignInSession.revoked_at.is_(None))
)


async def current_actor(request: Request) -> Actor:
    """The signed-in actor of this request (bearer token, or session cookie plus CSRF check).

    A web session's token is refused as a bearer token (which would skip the CSRF check), and
    an API token in the cookie. Async on purpose: FastAPI runs a plain ``def`` dependency in a
    worker thread, and that hand-over (twice per request, with the policy check) cost more than
    the one-row lookup it wraps, which runs here on the event loop. The lookup cannot block on
    writers: SQLite's WAL readers take no lock, and it holds one pooled connection for a single
    primary-key query.
    """
    state: AppState = request.app.state.casefile
    secret = state.settings.secret_key
    token, carried = request_token(request)
    if not token:
        raise CasefileError(NOT_AUTHENTICATED)
    claims = read_token(secret, token)
    if claims.kind != carried:
        raise CasefileError(NOT_AUTHENTICATED, f"a {claims.kind} session's token sent as {carried}")
    if carried == WEB and request.method not in SAFE_METHODS:
        if not csrf_ok(secret, claims.session_id, request.headers.get(CSRF_HEADER, "")):
            raise CasefileError(CSRF_FAILED)
    # One joined row, not the ORM object and its lazily loaded agency: this runs on every
    # request, and under load the ORM's per-object work was a third of a search's CPU time.
    with state.ctx.db.reading() as connection:
        rows = _SIGNED_IN.rows(connection, {"session_id": claims.session_id})
    if not rows:
        raise CasefileError(NOT_AUTHENTICATED, "session signed out, revoked or unknown")
    user_id, kind, username, role, active, agency_id, agency = rows[0]
    if user_id != claims.user_id or kind != claims.kind or not active:
        raise CasefileError(NOT_AUTHENTICATED, f"session of user {user_id} does not match or is inactive")
    return Actor(
        username=username, agency=agency, role=role,
        user_id=user_id, agency_id=agency_id, client=client_address(request),
    )
