"""Which cases an actor may see: those of their own agency, and those granted to it.

Every query for cases, documents, pages, facts and search goes through these, so that a case
outside the actor's reach is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, Connection, bindparam, or_, select, true
from sqlalchemy.orm import Session

from models.audit import Actor
from models.db import HotRead
from models.tables import Case, CaseAccess

OPERATOR_ROLE = "operator"  # the local operator of the CLI, who has the machine (and its data) anyway


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on ``Case`` that keeps only the cases ``actor`` may see."""
    if actor.role == OPERATOR_ROLE:
        return true()
    granted = select(CaseAccess.case_id).where(CaseAccess.agency_id == actor.agency_id)
    return or_(Case.agency_id == actor.agency_id, Case.id.in_(granted))


# Built once with a parameter and run on the driver's cursor: this runs on every search.
_AGENCY: BindParameter[int] = bindparam("agency_id")
_VISIBLE_CASE_NUMBERS = HotRead(select(Case.case_number).where(or_(
    Case.agency_id == _AGENCY,
    Case.id.in_(select(CaseAccess.case_id).where(CaseAccess.agency_id == _AGENCY)),
)))


def visible_case_numbers(session: Session | Connection, actor: Actor) -> frozenset[str] | None:
    """The case numbers ``actor`` may see; ``None`` means no restriction (the local operator)."""
    if actor.role == OPERATOR_ROLE:
        return None
    return frozenset(number for (number,) in _VISIBLE_CASE_NUMBERS.rows(session, {"agency_id": actor.agency_id}))


def operator(client: str | None = None) -> Actor:
    """The actor for CLI commands run on the server itself."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(username=f"cli:{name}", agency=None, role=OPERATOR_ROLE, client=client or "local")
