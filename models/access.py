"""Which cases an actor may see: those of their own agency, and those granted to it.

Every query for cases, documents, pages, facts and search goes through these, so that a case
outside the actor's reach is indistinguishable from one that does not exist. A case is its
database id: two agencies may hold the same case number, and permissions never go by the number.

Reading is not writing: an agency granted a case by a transfer reads and reviews it; only the
agency holding the case's current stage adds to it or sends it on (``stage_holder``), and an
agency deletes or retries only the documents it added.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, Connection, bindparam, or_, select, true
from sqlalchemy.orm import Session

from models.audit import Actor
from models.db import HotRead
from models.tables import Case, CaseAccess, Transfer, TransferStatus

OPERATOR_ROLE = "operator"  # the local operator of the CLI, who has the machine (and its data) anyway


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on ``Case`` that keeps only the cases ``actor`` may see."""
    if actor.role == OPERATOR_ROLE:
        return true()
    granted = select(CaseAccess.case_id).where(CaseAccess.agency_id == actor.agency_id)
    return or_(Case.agency_id == actor.agency_id, Case.id.in_(granted))


# Built once with a parameter and run on the driver's cursor: this runs on every search.
_AGENCY: BindParameter[int] = bindparam("agency_id")
_VISIBLE_CASE_IDS = HotRead(select(Case.id).where(or_(
    Case.agency_id == _AGENCY,
    Case.id.in_(select(CaseAccess.case_id).where(CaseAccess.agency_id == _AGENCY)),
)))


def visible_case_ids(session: Session | Connection, actor: Actor) -> frozenset[int] | None:
    """The ids of the cases ``actor`` may see; ``None`` means no restriction (the local operator)."""
    if actor.role == OPERATOR_ROLE:
        return None
    return frozenset(int(case_id) for (case_id,) in _VISIBLE_CASE_IDS.rows(session, {"agency_id": actor.agency_id}))


def latest_accepted_transfer(session: Session, case: Case) -> tuple[int, int] | None:
    """The case's latest accepted transfer as ``(transfer id, receiving agency id)``, or None."""
    row = session.execute(
        select(Transfer.id, Transfer.to_agency_id)
        .where(Transfer.case_id == case.id, Transfer.status == TransferStatus.ACCEPTED)
        .order_by(Transfer.decided_at.desc(), Transfer.id.desc())
        .limit(1)
    ).first()
    return (row.id, row.to_agency_id) if row else None


def stage_holder(session: Session, case: Case) -> int | None:
    """The agency holding the case's current stage (its id), which alone adds to it or sends it on.

    That is the receiver of the case's latest accepted transfer, else the case's owner.
    """
    latest = latest_accepted_transfer(session, case)
    return latest[1] if latest else case.agency_id


def holds_stage(session: Session, actor: Actor, case: Case) -> bool:
    """Whether ``actor``'s agency may add to ``case`` and send it (the operator always may)."""
    return actor.role == OPERATOR_ROLE or (
        actor.agency_id is not None and stage_holder(session, case) == actor.agency_id
    )


def operator(client: str | None = None) -> Actor:
    """The actor for CLI commands run on the server itself."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(username=f"cli:{name}", agency=None, role=OPERATOR_ROLE, client=client or "local")
