"""繁简分流 of stored cases: the case's triage over its documents, and handlers' decisions on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas import TriageDecisionCreate, TriageDecisionPublic
from api.transfers import case_pages_and_facts
from core.errors import TRIAGE_REASON_REQUIRED, CasefileError
from models.audit import Actor
from models.tables import Case, TriageDecision


def case_triage_report(session: Session, case: Case) -> tuple[list[int], dict[str, Any]]:
    """``(document ids read, {"candidate", "reasons", "blocking"})`` of a case, nothing stored."""
    from nlp.triage.case import case_triage

    stored = case_pages_and_facts(session, case)
    ids = [doc_id for doc_id, _, _ in stored]
    return ids, case_triage([(pages, facts) for _, pages, facts in stored], document_ids=ids)


def decision_public(row: TriageDecision) -> TriageDecisionPublic:
    return TriageDecisionPublic(
        id=row.id, procedure=row.procedure, decision=row.decision, computed=row.computed,
        reason=row.reason, decided_by=row.decided_by, agency=row.agency.name if row.agency else None,
        decided_at=row.decided_at,
    )


def case_decisions(session: Session, case: Case) -> list[TriageDecision]:
    """Every decision on the case's candidate, newest first (the first one stands)."""
    return list(session.scalars(
        select(TriageDecision).where(TriageDecision.case_id == case.id)
        .order_by(TriageDecision.decided_at.desc(), TriageDecision.id.desc())
    ))


def decide(
    session: Session, actor: Actor, case: Case, body: TriageDecisionCreate, computed: str | None,
) -> TriageDecision:
    """Store a handler's decision (``computed``: the candidate triage gives now). Not committed.

    Raises ``TRIAGE_REASON_REQUIRED`` for a reason of blanks only.
    """
    reason = body.reason.strip()
    if not reason:
        raise CasefileError(TRIAGE_REASON_REQUIRED, f"case {case.id}")
    row = TriageDecision(case_id=case.id, procedure=body.procedure, decision=body.decision,
                         computed=computed, reason=reason, decided_by=actor.username,
                         agency_id=actor.agency_id)
    session.add(row)
    session.flush()
    return row
