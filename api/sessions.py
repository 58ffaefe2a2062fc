"""Sessions: signed tokens (PyJWT) that each name a revocable session row, and its CSRF token.

A token is a JWT (HS256, the server's secret) carrying the user id, the session id, the kind of
session and its expiry. The signature spares the database a forged token; the session row makes
it revocable: signing out revokes the row, a password change or deactivation revokes all of a
user's rows (``api.services.users``), and ``api.auth.current_actor`` reads the row in the same query as
the user.

Two kinds, never accepted in each other's place:

- ``web``: the page's HttpOnly cookie; a state-changing request must also send the CSRF token
  bound to this session (``csrf_token``), so that a forged cookie pair is worthless;
- ``api``: a bearer token from ``POST /api/auth/token``, for programs (no cookie, so no CSRF).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from core.errors import NOT_AUTHENTICATED, SESSION_EXPIRED, CasefileError
from models.tables import SignInSession

WEB = "web"
API = "api"
KINDS = (WEB, API)
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose session it is, which one, and of what kind."""

    user_id: int
    session_id: str
    kind: str


def issue_token(secret: str, claims: TokenClaims, expires: datetime) -> str:
    payload = {
        "sub": str(claims.user_id), "sid": claims.session_id, "knd": claims.kind,
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(payload, secret, algorithm=_ALGORITHM)


def read_token(secret: str, token: str) -> TokenClaims:
    """The claims of a well-signed, unexpired token; raises NOT_AUTHENTICATED / SESSION_EXPIRED.

    Whether its session is still open is the database's answer (``current_actor``).
    """
    claims, expires = _verified(secret, token.strip())
    if expires <= time.time():
        raise CasefileError(SESSION_EXPIRED)
    return claims


# Every request verifies its token, and PyJWT's checks (its base64 and header validation in
# Python) cost ~100 us, more than the sign-in read itself; a token verified once is remembered
# (its expiry is still checked on every use, and its session read from the database). Only
# valid tokens are kept, and only sign-in makes them, so the cache cannot be flooded.
@lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> tuple[TokenClaims, int]:
    try:
        payload = jwt.decode(
            token, secret, algorithms=[_ALGORITHM],
            options={"require": ["exp", "sub", "sid", "knd"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as error:
        raise CasefileError(NOT_AUTHENTICATED, f"bad token: {error}") from error
    try:
        claims = TokenClaims(int(payload["sub"]), str(payload["sid"]), str(payload["knd"]))
        expires = int(payload["exp"])
    except (TypeError, ValueError) as error:
        raise CasefileError(NOT_AUTHENTICATED, "malformed token claims") from error
    if claims.kind not in KINDS:
        raise CasefileError(NOT_AUTHENTICATED, f"unknown session kind {claims.kind!r}")
    return claims, expires


def csrf_token(secret: str, session_id: str) -> str:
    """The CSRF token of one web session: a MAC of its id, which no one can pair with another."""
    mac = hmac.new(secret.encode(), b"csrf\x00" + session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def csrf_ok(secret: str, session_id: str, sent: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode(), csrf_token(secret, session_id).encode())


def open_session(
    session: Session, user_id: int, kind: str, *, client: str | None, minutes: int
) -> tuple[TokenClaims, datetime]:
    """A new session row for ``user_id`` (in the caller's transaction) and when it expires."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    claims = TokenClaims(user_id, secrets.token_urlsafe(32), kind)
    session.add(SignInSession(
        id=claims.session_id, user_id=user_id, kind=kind, client=(client or "")[:100] or None,
        created_at=now, expires_at=expires,
    ))
    return claims, expires


def revoke_session(session: Session, session_id: str) -> bool:
    """Revoke one session (signing out); whether it was open."""
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.id == session_id, SignInSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def forget_expired(session: Session, user_id: int) -> None:
    """Delete a user's sessions that ended long ago (kept a day for the record), at sign-in."""
    cutoff = datetime.now(UTC) - timedelta(days=1)
    session.execute(
        delete(SignInSession).where(SignInSession.user_id == user_id, SignInSession.expires_at < cutoff)
    )
