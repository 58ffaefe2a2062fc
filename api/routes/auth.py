"""Sign in (token for API clients, cookie session for the web page), sign out, who am I."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse

from api.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    actor_for,
    authenticate,
    client_address,
    issue_token,
)
from api.deps import Public, SignedIn, StateDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _login(state: StateDep, request: Request, username: str, password: str) -> tuple[str, dict[str, object]]:
    settings = state.settings
    user = authenticate(
        state.ctx.db, username, password, client=client_address(request),
        max_failures=settings.lockout_failures, lock_minutes=settings.lockout_minutes,
    )
    token = issue_token(settings.secret_key, user.id, settings.token_minutes)
    actor = actor_for(user, client_address(request))
    return token, {"username": actor.username, "agency": actor.agency, "role": actor.role}


@router.post("/token", dependencies=Public)
def token(
    state: StateDep, request: Request,
    username: Annotated[str, Form(max_length=100)], password: Annotated[str, Form(max_length=200)],
) -> dict[str, str]:
    access_token, _who = _login(state, request, username, password)
    return {"access_token": access_token, "token_type": "bearer"}


@router.post("/login", dependencies=Public)
def login(
    state: StateDep, request: Request,
    username: Annotated[str, Form(max_length=100)], password: Annotated[str, Form(max_length=200)],
) -> JSONResponse:
    access_token, who = _login(state, request, username, password)
    response = JSONResponse(who)
    max_age = state.settings.token_minutes * 60
    secure = state.settings.environment == "production"
    response.set_cookie(SESSION_COOKIE, access_token, max_age=max_age, httponly=True,
                        samesite="strict", secure=secure)
    # readable by the page, which echoes it in X-CSRF-Token; a foreign site can do neither
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), max_age=max_age, httponly=False,
                        samesite="strict", secure=secure)
    return response


@router.post("/logout", dependencies=Public)
def logout() -> JSONResponse:
    response = JSONResponse({"status": "ok"})
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.get("/me")
def me(actor: SignedIn, state: StateDep) -> dict[str, object]:
    from api.policy import ROLE_ACTIONS
    from models.tables import Agency

    with state.ctx.db.session() as session:
        agency = session.get(Agency, actor.agency_id) if actor.agency_id is not None else None
        kind = agency.kind if agency else None
    return {
        "username": actor.username, "agency": actor.agency, "agency_kind": kind, "role": actor.role,
        "actions": sorted(ROLE_ACTIONS.get(actor.role, ())),
        "development": state.settings.environment != "production",
    }



