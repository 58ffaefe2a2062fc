"""Liveness: 200 when the database answers and the index opens."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import Public, StateDep

router = APIRouter()


@router.get("/healthz", dependencies=Public)
def healthz(state: StateDep) -> dict[str, str]:
    with state.ctx.db.session() as session:
        session.execute(text("SELECT 1"))
    state.ctx.index()
    return {"status": "ok"}
