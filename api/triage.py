"""繁简分流 of stored cases: the case's triage over its documents, and handlers' decisions on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas import TriageDecisionCreate, TriageDecisionPublic
from api.services.transfers import case_pages_and_facts
from core.errors import TRIAGE_REASON_REQUIRED, CasefileError
from models.access import holds_stage, visible_cases
from models.audit import Actor
from models.tables import Case, Document, DocumentStatus, Transfer, TransferStatus, TriageDecision


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


def board(session: Session, actor: Actor, *, inbox: bool) -> tuple[list[Case], list[dict[str, Any]]]:
    """The fast-track candidates among the cases ``actor`` sees, newest case first.

    ``inbox``: only the cases sent to the actor's agency and waiting for its review.

    Returns the cases read and one item per candidate: ``{"case_number", "case_title", "agency",
    "candidate", "reasons", "blocking", "decision", "may_decide"}``; ``may_decide`` when the
    actor's agency holds the case's current stage (as the decision route requires).
    """
    from api.policy import TRIAGE_DECIDE, allowed

    processed = select(Document.case_id).where(Document.status == DocumentStatus.DONE)
    query = select(Case).where(visible_cases(actor), Case.id.in_(processed))
    if inbox:
        waiting = select(Transfer.case_id).where(
            Transfer.to_agency_id == actor.agency_id, Transfer.status == TransferStatus.PENDING)
        query = query.where(Case.id.in_(waiting))
    cases = list(session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc())).all())
    out = []
    for case in cases:
        _, report = case_triage_report(session, case)
        if report["candidate"] is None:
            continue
        decisions = case_decisions(session, case)
        out.append({
            "case_number": case.case_number, "case_title": case.title,
            "agency": case.agency.name if case.agency else None, **report,
            "decision": decision_public(decisions[0]) if decisions else None,
            "may_decide": allowed(actor, TRIAGE_DECIDE) and holds_stage(session, actor, case),
        })
    return cases, out
