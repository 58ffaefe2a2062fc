"""The handler (承办人) of a case's current stage: who the holding agency assigned.

The agency holding the case's current stage (``models.access.stage_holder``: the receiver of its
latest accepted transfer, else its owner) assigns one of its own handlers; a stage is that agency
with the transfer that gave it the case. Assignments are rows of ``CaseHandler``, append-only:
the latest one of the current stage stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.policy import CUSTODY_RECORD, ROLE_ACTIONS
from core.errors import HANDLER_INVALID, CasefileError
from models.access import latest_accepted_transfer
from models.audit import Actor
from models.tables import Agency, Case, CaseHandler, Transfer, TransferStatus, User, as_utc

# A handler is a user who does the case's work (the roles that record its time limits:
# investigators, prosecutors, judges), not a clerk, a reviewer or an administrator.
HANDLER_ROLES = tuple(role for role, actions in ROLE_ACTIONS.items() if CUSTODY_RECORD in actions)


@dataclass(frozen=True)
class Stage:
    """The stage a case is in: the agency holding it and the accepted transfer that gave it."""

    agency_id: int | None
    transfer_id: int | None  # None: the owner's own stage, before any accepted transfer


def current_stage(session: Session, case: Case) -> Stage:
    latest = latest_accepted_transfer(session, case)
    return Stage(latest[1], latest[0]) if latest else Stage(case.agency_id, None)


def current_stages(session: Session, cases: list[Case]) -> dict[int, Stage]:
    """``current_stage`` of many cases in one query (for lists): case id → stage."""
    latest: dict[int, tuple[Any, int, int]] = {}
    for case_id, transfer_id, to_agency_id, decided_at in session.execute(
        select(Transfer.case_id, Transfer.id, Transfer.to_agency_id, Transfer.decided_at)
        .where(Transfer.case_id.in_([case.id for case in cases]), Transfer.status == TransferStatus.ACCEPTED)
    ):
        # as stage_holder orders: the latest decision, then the highest id (an accepted transfer
        # always has its decision time)
        rank = (as_utc(decided_at) if decided_at else datetime.min.replace(tzinfo=UTC), transfer_id)
        if case_id not in latest or rank > latest[case_id][0]:
            latest[case_id] = (rank, transfer_id, to_agency_id)
    return {case.id: Stage(latest[case.id][2], latest[case.id][1]) if case.id in latest
            else Stage(case.agency_id, None) for case in cases}


def assigned_handlers(session: Session, cases: list[Case]) -> dict[int, CaseHandler | None]:
    """``assigned_handler`` of many cases in two queries: case id → the standing assignment or None."""
    stages = current_stages(session, cases)
    rows: dict[int, list[CaseHandler]] = {}
    for row in session.scalars(
        select(CaseHandler).where(CaseHandler.case_id.in_(list(stages))).order_by(CaseHandler.id)
    ):
        rows.setdefault(row.case_id, []).append(row)
    return {case_id: current_of(rows.get(case_id, []), stage) for case_id, stage in stages.items()}


def handler_candidates(session: Session, agency_id: int | None) -> list[User]:
    """The active users of ``agency_id`` who may be assigned as handlers, by name."""
    if agency_id is None:
        return []
    return list(session.scalars(
        select(User).where(User.agency_id == agency_id, User.active.is_(True), User.role.in_(HANDLER_ROLES))
        .order_by(User.username)
    ))


def assign_handler(session: Session, actor: Actor, case: Case, username: str) -> CaseHandler:
    """Assign ``username`` as handler of ``case``'s current stage (not committed).

    The caller has checked that ``actor``'s agency holds the stage. Refused with
    ``HANDLER_INVALID`` when ``username`` is not an active handler of that agency.
    """
    stage = current_stage(session, case)
    name = username.strip()
    user = session.scalar(select(User).where(User.username == name))
    holder = session.get(Agency, stage.agency_id) if stage.agency_id is not None else None
    if user is None or holder is None or user.agency_id != holder.id or not user.active \
            or user.role not in HANDLER_ROLES:
        where = holder.name if holder else "本案所属单位"
        raise CasefileError(HANDLER_INVALID, f"{name!r} for case {case.id} held by {stage.agency_id}",
                            message=f"“{name}”不是{where}的在职办案人员，不能指定为本案承办人。")
    row = CaseHandler(case_id=case.id, agency_id=holder.id, transfer_id=stage.transfer_id,
                      username=user.username, assigned_by=actor.username)
    session.add(row)
    session.flush()
    return row


def assignments(session: Session, case: Case) -> list[CaseHandler]:
    """Every assignment on ``case``, oldest first."""
    return list(session.scalars(
        select(CaseHandler).where(CaseHandler.case_id == case.id).order_by(CaseHandler.id)
    ))


def assigned_handler(session: Session, case: Case) -> CaseHandler | None:
    """The standing assignment of ``case``'s current stage, or None when there is none."""
    stage = current_stage(session, case)
    return current_of(assignments(session, case), stage)


def current_of(rows: list[CaseHandler], stage: Stage) -> CaseHandler | None:
    """The latest of ``rows`` made for ``stage``."""
    mine = [row for row in rows if row.agency_id == stage.agency_id and row.transfer_id == stage.transfer_id]
    return mine[-1] if mine else None


def stage_handlers(rows: list[CaseHandler]) -> dict[tuple[int, int | None], CaseHandler]:
    """The standing assignment of every stage the case went through: ``(agency, transfer)`` → row."""
    out: dict[tuple[int, int | None], CaseHandler] = {}
    for row in rows:
        out[(row.agency_id, row.transfer_id)] = row
    return out
