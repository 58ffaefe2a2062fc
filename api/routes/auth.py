"""Sign in (token for API clients, cookie session for the web page), sign out, password, who am I.

The sign-in routes are async: the throttle and the session row are written in the default
thread pool, the password is checked in the sign-in pool of its own (``api.auth``).
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    actor_for,
    check_password,
    client_address,
    request_token,
    sign_in,
    sign_in_limiter,
)
from api.deps import Public, SignedIn, StateDep
from api.schemas import MePublic, TokenPublic
from api.services.users import set_password
from api.sessions import API, WEB, csrf_token, read_token, revoke_session
from core.errors import CasefileError
from models.audit import Actor, record_async
from models.tables import User

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/token", dependencies=Public, response_model=TokenPublic)
async def token(
    state: StateDep, request: Request,
    username: Annotated[str, Form(max_length=100)], password: Annotated[str, Form(max_length=200)],
) -> dict[str, str]:
    new = await sign_in(state, username, password, client=client_address(request), kind=API)
    return {"access_token": new.token, "token_type": "bearer"}


@router.post("/login", dependencies=Public)
async def login(
    state: StateDep, request: Request,
    username: Annotated[str, Form(max_length=100)], password: Annotated[str, Form(max_length=200)],
) -> JSONResponse:
    new = await sign_in(state, username, password, client=client_address(request), kind=WEB)
    actor = new.actor
    response = JSONResponse({"username": actor.username, "agency": actor.agency, "role": actor.role})
    max_age = state.settings.token_minutes * 60
    secure = state.settings.environment == "production"
    response.set_cookie(SESSION_COOKIE, new.token, max_age=max_age, httponly=True,
                        samesite="strict", secure=secure)
    # readable by the page, which echoes it in X-CSRF-Token; a MAC of this session's id, so
    # that no other value (and no other session's token) passes the check
    response.set_cookie(CSRF_COOKIE, csrf_token(state.settings.secret_key, new.claims.session_id),
                        max_age=max_age, httponly=False, samesite="strict", secure=secure)
    return response


def _signed_out() -> JSONResponse:
    response = JSONResponse({"status": "ok"})
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.post("/logout", dependencies=Public)
async def logout(state: StateDep, request: Request) -> JSONResponse:
    """Revoke the session of the token sent (cookie or bearer), if any; clear the cookies."""
    token, _carried = request_token(request)
    try:
        claims = read_token(state.settings.secret_key, token) if token else None
    except CasefileError:
        claims = None  # expired or not ours: nothing to revoke
    if claims is not None:

        def revoke() -> bool:
            with state.ctx.db.session() as session:
                return revoke_session(session, claims.session_id)

        if await anyio.to_thread.run_sync(revoke):
            who = await _actor_of(state, claims.user_id, client_address(request))
            await record_async(state.ctx.db, who, "logout", detail={"kind": claims.kind})
    return _signed_out()


async def _actor_of(state: StateDep, user_id: int, client: str | None) -> Actor:
    def load() -> Actor:
        with state.ctx.db.session() as session:
            return actor_for(session.get_one(User, user_id), client)

    return await anyio.to_thread.run_sync(load)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


@router.post("/password")
async def change_password(body: PasswordChange, actor: SignedIn, state: StateDep, request: Request) -> JSONResponse:
    """Change one's own password: every session of the user ends, this one included."""
    client = client_address(request)
    account = await check_password(
        state, actor.username, body.current_password, client=client, action="user.password"
    )

    def change() -> int:
        with state.ctx.db.session() as session:
            return set_password(session, account.user_id, body.new_password)

    revoked = await anyio.to_thread.run_sync(change, limiter=sign_in_limiter(state))
    await record_async(state.ctx.db, actor, "user.password", target=f"user:{actor.username}",
                       detail={"sessions_revoked": revoked})
    return _signed_out()


@router.get("/me")
def me(actor: SignedIn, state: StateDep) -> MePublic:
    from api.policy import ROLE_ACTIONS
    from models.tables import Agency

    with state.ctx.db.session() as session:
        agency = session.get(Agency, actor.agency_id) if actor.agency_id is not None else None
        kind = agency.kind if agency else None
    return MePublic(
        username=actor.username, agency=actor.agency, agency_kind=kind, role=actor.role,
        actions=sorted(ROLE_ACTIONS.get(actor.role, ())),
        development=state.settings.environment != "production",
    )
