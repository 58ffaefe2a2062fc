"""Small read-only routes the web pages need beyond the public API: mode, agencies, statistics."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import AuditReader, Public, SessionDep, SignedIn, StateDep, Transferrer
from api.schemas import (
    AgencyPublic,
    AgencyWorkloadPublic,
    PersonWorkloadPublic,
    StageTimePublic,
    WorkloadStatsPublic,
)
from models.tables import Agency, AuditEvent, Case, Document, Transfer

router = APIRouter(prefix="/api/ui", tags=["ui"])

# audit actions counted as "forms reviewed": a field decision, an acceptance, a return
_REVIEW_ACTIONS = ("form.review", "transfer.accept", "transfer.return")


@router.get("/mode", dependencies=Public)
def mode(state: StateDep) -> dict[str, bool]:
    """Whether the server runs in development mode (the sign-in page shows the demo account)."""
    return {"development": state.settings.environment != "production"}


@router.get("/document-types")
def document_types(actor: SignedIn) -> list[str]:
    """The standard document types a clerk may give a file (the catalogue's type table)."""
    from nlp.catalogue.types import type_names

    return list(type_names())


@router.get("/agencies")
def agencies(actor: Transferrer, session: SessionDep) -> list[AgencyPublic]:
    """Agency names and kinds, to pick the receiver of a transfer."""
    rows = session.scalars(select(Agency).order_by(Agency.id))
    return [AgencyPublic(name=a.name, kind=a.kind) for a in rows if a.id != actor.agency_id]


@router.get("/stats")
def stats(actor: AuditReader, session: SessionDep) -> WorkloadStatsPublic:
    """Workload from the audit log (全口径): totals per agency, and per person of one's own agency.

    Counts documents uploaded, pages read (of those documents), forms reviewed (field decisions,
    acceptances, returns) and transfers sent. Agency totals cover every agency and name no case;
    people are listed for the administrator's own agency only, as in the audit log.
    """
    query = select(AuditEvent.actor, AuditEvent.agency, AuditEvent.action, AuditEvent.target).where(
        AuditEvent.action.in_(("document.upload", "transfer.create", *_REVIEW_ACTIONS)),
        AuditEvent.outcome == "ok",
    )
    events = session.execute(query).all()
    uploaded_ids = {
        int(target.split(":", 1)[1]) for _, _, action, target in events
        if action == "document.upload" and target and target.startswith("document:")
        and target.split(":", 1)[1].isdigit()
    }
    pages = dict(session.execute(
        select(Document.id, Document.page_count).where(Document.id.in_(uploaded_ids))
    ).all()) if uploaded_ids else {}
    blank = {"documents": 0, "pages": 0, "reviews": 0, "transfers": 0}
    people: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict(blank))
    for who, agency, action, target in events:
        row = people[(who, agency or "")]
        if action == "document.upload":
            row["documents"] += 1
            document_id = target.split(":", 1)[1] if target else ""
            row["pages"] += int(pages.get(int(document_id)) or 0) if document_id.isdigit() else 0
        elif action == "transfer.create":
            row["transfers"] += 1
        else:
            row["reviews"] += 1
    per_agency: dict[str, dict[str, int]] = defaultdict(lambda: dict(blank))
    for (_, agency), row in people.items():
        for key, value in row.items():
            per_agency[agency][key] += value
    everyone = actor.role == "operator"
    return WorkloadStatsPublic(
        stages=_stage_times(session),
        agencies=[AgencyWorkloadPublic(agency=a, **row) for a, row in sorted(per_agency.items())],
        people=[PersonWorkloadPublic(username=u, agency=a, **row)
                for (u, a), row in sorted(people.items()) if everyone or a == actor.agency],
    )


def _seconds(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    aware = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (start, end)]
    return (aware[1] - aware[0]).total_seconds()


def _stage_times(session: SessionDep) -> list[StageTimePublic]:
    """Time spent in each stage, per agency (averages; no case is named).

    Reading: from upload to every page read, facts extracted and indexed (documents the agency's
    cases hold). Review: from a transfer's arrival to its acceptance or return (the receiving
    agency).
    """
    processing: dict[str, list[float]] = defaultdict(list)
    for agency, created, updated in session.execute(
        select(Agency.name, Document.created_at, Document.updated_at)
        .join(Case, Case.id == Document.case_id).join(Agency, Agency.id == Case.agency_id)
        .where(Document.status == "done")
    ):
        if (took := _seconds(created, updated)) is not None:
            processing[agency].append(took)
    review: dict[str, list[float]] = defaultdict(list)
    for agency, created, decided in session.execute(
        select(Agency.name, Transfer.created_at, Transfer.decided_at)
        .join(Agency, Agency.id == Transfer.to_agency_id).where(Transfer.decided_at.is_not(None))
    ):
        if (took := _seconds(created, decided)) is not None:
            review[agency].append(took)
    return [
        StageTimePublic(
            agency=agency,
            documents_processed=len(processing[agency]),
            processing_seconds_avg=round(sum(processing[agency]) / len(processing[agency]), 1)
            if processing[agency] else None,
            transfers_decided=len(review[agency]),
            review_minutes_avg=round(sum(review[agency]) / len(review[agency]) / 60, 1)
            if review[agency] else None,
        )
        for agency in sorted(set(processing) | set(review))
    ]
