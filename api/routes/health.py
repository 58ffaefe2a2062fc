"""Liveness: 200 when the database answers and the index opens."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import Public, StateDep
from api.schemas import HealthPublic

router = APIRouter()


@router.get("/healthz", dependencies=Public, response_model=HealthPublic)
def healthz(state: StateDep) -> dict[str, str]:
    with state.ctx.db.session() as session:
        session.execute(text("SELECT 1"))
    state.ctx.index()
    return {"status": "ok"}
