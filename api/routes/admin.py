"""Administration: users and agencies, the audit log and its verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.deps import AuditReader, SessionDep, StateDep, UserManager
from api.schemas import AgencyPublic, AuditEventPublic, AuditVerificationPublic
from api.services.users import create_user
from core.errors import AGENCY_NOT_MANAGED, CasefileError
from models.audit import Actor, record, verify
from models.tables import Agency, AuditEvent, User

router = APIRouter(prefix="/api/admin", tags=["admin"])


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=1, max_length=200)
    # The administrator's own agency; another agency's name is refused (it is theirs to manage).
    agency: str | None = Field(default=None, min_length=1, max_length=200)
    role: str
    display_name: str | None = Field(default=None, max_length=200)


class UserPublic(BaseModel):
    username: str
    display_name: str | None
    agency: str
    role: str
    active: bool
    created_at: datetime


@router.get("/users")
def list_users(actor: UserManager, session: SessionDep) -> list[UserPublic]:
    # an administrator manages the users of their own agency
    users = session.scalars(
        select(User).where(User.agency_id == actor.agency_id).order_by(User.id)
    ).all()
    return [UserPublic(username=u.username, display_name=u.display_name, agency=u.agency.name,
                       role=u.role, active=u.active, created_at=u.created_at) for u in users]


def _managed_agency(actor: Actor, session: SessionDep, named: str | None) -> Agency:
    """The actor's own agency, the only one an administrator manages (``AGENCY_NOT_MANAGED`` else).

    An agency's first administrator is created on the server (``casefile users add``), never
    by another agency's administrator.
    """
    own = session.get(Agency, actor.agency_id) if actor.agency_id is not None else None
    if own is None or (named is not None and named.strip() != own.name):
        raise CasefileError(AGENCY_NOT_MANAGED, f"{actor.username} of {actor.agency} named {named!r}")
    return own


@router.post("/users", status_code=status.HTTP_201_CREATED)
def add_user(body: UserCreate, actor: UserManager, state: StateDep, session: SessionDep) -> UserPublic:
    try:
        agency = _managed_agency(actor, session, body.agency)
    except CasefileError as error:
        record(state.ctx.db, actor, "user.create", target=f"user:{body.username}", outcome="refused",
               detail={"agency": body.agency, "role": body.role, "error": error.spec.code})
        raise
    user = create_user(session, body.username, body.password, agency=agency.name, role=body.role,
                       display_name=body.display_name)
    session.commit()
    record(state.ctx.db, actor, "user.create", target=f"user:{user.username}",
           detail={"agency": agency.name, "role": body.role})
    return UserPublic(username=user.username, display_name=user.display_name,
                      agency=user.agency.name, role=user.role, active=user.active,
                      created_at=user.created_at)


@router.get("/agencies")
def list_agencies(actor: UserManager, session: SessionDep) -> list[AgencyPublic]:
    agencies = session.scalars(select(Agency).order_by(Agency.id))
    return [AgencyPublic(name=a.name, kind=a.kind) for a in agencies]


@router.get("/audit", response_model=list[AuditEventPublic])
def audit_log(
    actor: AuditReader, state: StateDep, session: SessionDep,
    action: str | None = None, who: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    before: int | None = Query(default=None, ge=1, le=2**31 - 1),
) -> list[dict[str, Any]]:
    # an administrator reads what their own agency's people did, not other agencies' work
    query = (
        select(AuditEvent)
        .where(AuditEvent.agency == actor.agency)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(AuditEvent.actor == who)
    if before:
        query = query.where(AuditEvent.seq < before)
    events = [
        {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "agency": e.agency, "action": e.action,
         "target": e.target, "outcome": e.outcome, "client": e.client, "detail": e.detail}
        for e in session.scalars(query)
    ]
    # the log names cases and holds search queries: reading it is itself a read worth recording
    record(state.ctx.db, actor, "audit.view",
           detail={"action": action, "who": who, "before": before, "events": len(events)})
    return events


@router.get("/audit/verify", response_model=AuditVerificationPublic)
def audit_verify(actor: AuditReader, state: StateDep) -> dict[str, Any]:
    result = verify(state.ctx.db)
    return {"ok": result.ok, "events": result.events, "problem": result.problem, "seq": result.seq,
            "sealed_from": result.sealed_from, "unsealed": result.unsealed,
            "checkpoints": result.checkpoints, "last_checkpoint": result.last_checkpoint,
            "notes": list(result.notes)}
