"""Dependency aliases for route handlers (``Annotated`` types, one place)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.state import AppState


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.casefile
    return state


def get_session(request: Request) -> Iterator[Session]:
    state: AppState = request.app.state.casefile
    with state.ctx.db.session() as session:
        yield session


StateDep = Annotated[AppState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session)]
