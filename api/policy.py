"""Roles, the actions each may take, and the per-route policy declaration.

Every API route declares the action it needs with ``Depends(require(ACTION))`` (or ``PUBLIC``);
``check_route_policies`` refuses to build an app with a route that declares none, and the
authorization-matrix test reads the declarations from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from api.auth import current_actor
from core.errors import FORBIDDEN, CasefileError
from models.audit import Actor

CASE_READ = "case.read"
CASE_CREATE = "case.create"
DOCUMENT_UPLOAD = "document.upload"
DOCUMENT_RETRY = "document.retry"
DOCUMENT_DELETE = "document.delete"
SEARCH = "search"
USER_MANAGE = "user.manage"
AUDIT_READ = "audit.read"
FORM_REVIEW = "form.review"
FORM_TRANSFER = "form.transfer"
TRIAGE_DECIDE = "triage.decide"  # a handler confirms or rejects a case's fast-track candidate
CUSTODY_RECORD = "deadlines.record"  # a handler records an extension or a change of measure
CASE_ASSIGN = "case.assign"  # the agency holding a case's stage assigns its handler (承办人)
SIGNED_IN = "signed_in"  # any signed-in user (their own profile, signing out)

_READ = {CASE_READ, SEARCH}
_FILE = {CASE_CREATE, DOCUMENT_UPLOAD, DOCUMENT_RETRY, DOCUMENT_DELETE}
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset(_READ | _FILE | {FORM_TRANSFER, CASE_ASSIGN}),
    "investigator": frozenset(_READ | _FILE | {FORM_TRANSFER, TRIAGE_DECIDE, CUSTODY_RECORD, CASE_ASSIGN}),
    "prosecutor": frozenset(_READ | _FILE | {FORM_REVIEW, FORM_TRANSFER, TRIAGE_DECIDE, CUSTODY_RECORD, CASE_ASSIGN}),
    "judge": frozenset(_READ | {FORM_REVIEW, TRIAGE_DECIDE, CUSTODY_RECORD, CASE_ASSIGN}),
    "reviewer": frozenset(_READ | {FORM_REVIEW}),
    "admin": frozenset(_READ | _FILE | {USER_MANAGE, AUDIT_READ}),
}
PUBLIC = "public"


def allowed(actor: Actor, action: str) -> bool:
    if actor.role == "operator" or action == SIGNED_IN:
        return True
    return action in ROLE_ACTIONS.get(actor.role, frozenset())


def require(action: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency: the signed-in actor, who must hold ``action`` (403 otherwise)."""

    async def dependency(request: Request, actor: Actor = Depends(current_actor)) -> Actor:  # noqa: B008
        # the error handler records a refusal of this request in the actor's name (api.errors)
        request.state.actor = actor
        if not allowed(actor, action):
            raise CasefileError(FORBIDDEN, f"{actor.username} ({actor.role}) lacks {action}")
        return actor

    dependency.casefile_action = action  # type: ignore[attr-defined]
    return dependency


async def public() -> None:
    """Declares a route open to everyone (login, health, the web page shell)."""


public.casefile_action = PUBLIC  # type: ignore[attr-defined]


def route_action(route: APIRoute) -> str | None:
    """The action a route declares, from its dependencies (``None`` when it declares none)."""
    for dep in route.dependant.dependencies:
        action: Any = getattr(dep.call, "casefile_action", None)
        if action:
            return str(action)
    return None


def api_routes(routes: Iterable[BaseRoute | APIRouter]) -> Iterator[APIRoute]:
    """Every APIRoute in routes or routers, including included routers (which FastAPI wraps)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif isinstance(route, APIRouter):
            yield from api_routes(route.routes)
        elif isinstance(nested := getattr(route, "original_router", None), APIRouter):
            yield from api_routes(nested.routes)


def check_route_policies(app: FastAPI) -> None:
    """Raise if any route lacks a policy: a new route must say who may call it."""
    routes = list(api_routes(app.routes))
    if not routes:
        raise RuntimeError("found no API routes to check: has FastAPI changed how it nests them?")
    missing = [
        f"{sorted(route.methods or ())} {route.path}" for route in routes if route_action(route) is None
    ]
    if missing:
        raise RuntimeError(f"routes without a declared policy: {missing}")
