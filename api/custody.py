"""What a case's timeline takes besides its documents.

A handler's records of extensions and changes of measure (``CustodyRecord``), and casefile's own
actions on the case (its transfers sent, accepted, returned), both as ``nlp.deadlines`` events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas import CustodyRecordCreate, CustodyRecordPublic
from core.errors import CUSTODY_RECORD_INVALID, CUSTODY_RECORD_NOT_FOUND, CasefileError
from models.audit import Actor
from models.tables import Case, CustodyRecord, Document, Transfer, TransferStatus, as_utc

# Dates of casefile's own actions are the clerk's day in China (UTC+8), as the documents' are.
CLERK_TIME = timezone(timedelta(hours=8))

# A transfer's form → the step of the case its sending is, and its return (退回: not taken in).
# A court's acceptance of an indictment is its 受理, from which the trial limit counts.
TRANSFER_STEPS: dict[str, tuple[str, str]] = {
    "arrest_request": ("提请批准逮捕", "退回提请批准逮捕"),
    "prosecution_transfer": ("移送审查起诉", "退回移送审查起诉"),
    "indictment": ("起诉", "退回起诉"),
}
ACCEPTED_STEP = {"indictment": "受理"}


def _day(moment: datetime) -> dt.date:
    return as_utc(moment).astimezone(CLERK_TIME).date()


def recordable() -> dict[str, Any]:
    """What a handler may record: the measures and steps, and every extension with its article."""
    from nlp.deadlines.compute import RECORDABLE_MEASURES
    from nlp.deadlines.rules import load_rules

    book = load_rules()
    extensions = []
    for rule in book.rules:
        for ext in rule.extensions:
            title = rule.title + (f"（{rule.procedure}程序）" if rule.procedure else "")
            extensions.append({"id": ext.id, "rule": rule.id, "rule_title": title,
                               "title": ext.title, "article": ext.article})
    return {"measures": list(RECORDABLE_MEASURES), "extensions": extensions}


def add_record(session: Session, actor: Actor, case: Case, body: CustodyRecordCreate) -> CustodyRecord:
    """Store a handler's record on ``case`` (not committed).

    Refused with ``CUSTODY_RECORD_INVALID`` when the measure or extension is unknown, when it
    names neither a 文号 nor a document, or names a document of another case.
    """
    from nlp.deadlines.compute import RECORDABLE_MEASURES
    from nlp.deadlines.rules import load_rules

    person = body.person.strip()
    number = (body.document_number or "").strip() or None
    if not person:
        raise CasefileError(CUSTODY_RECORD_INVALID, "blank person", message="请填写犯罪嫌疑人、被告人姓名。")
    if body.kind == "measure" and body.measure not in RECORDABLE_MEASURES:
        raise CasefileError(CUSTODY_RECORD_INVALID, f"measure {body.measure!r}",
                            message=f"“{body.measure}”不是可录入的强制措施或诉讼环节。")
    if body.kind == "extension" and load_rules().extension(body.extension or "") is None:
        raise CasefileError(CUSTODY_RECORD_INVALID, f"extension {body.extension!r}",
                            message="没有这种延长期限的情形。")
    if number is None and body.document_id is None:
        raise CasefileError(CUSTODY_RECORD_INVALID, "no document",
                            message="请填写决定文书的文号，或选择本案中的文书。")
    if body.document_id is not None and session.scalar(
        select(Document.id).where(Document.id == body.document_id, Document.case_id == case.id)
    ) is None:
        raise CasefileError(CUSTODY_RECORD_INVALID, f"document {body.document_id} not in case {case.id}",
                            message="所选文书不属于本案。")
    row = CustodyRecord(
        case_id=case.id, person=person, kind=body.kind,
        measure=body.measure if body.kind == "measure" else None,
        extension=body.extension if body.kind == "extension" else None,
        effective_on=body.date, document_number=number, document_id=body.document_id,
        note=(body.note or "").strip() or None, recorded_by=actor.username, agency_id=actor.agency_id,
    )
    session.add(row)
    session.flush()
    return row


def find_record(session: Session, case: Case, record_id: int) -> CustodyRecord:
    row = session.get(CustodyRecord, record_id)
    if row is None or row.case_id != case.id:
        raise CasefileError(CUSTODY_RECORD_NOT_FOUND, str(record_id))
    return row


def withdraw_record(session: Session, actor: Actor, row: CustodyRecord, reason: str) -> None:
    """Mark a record withdrawn (it leaves the timeline; the row and its history stay)."""
    reason = reason.strip()
    if not reason:
        raise CasefileError(CUSTODY_RECORD_INVALID, "blank reason", message="请填写撤销理由。")
    if row.withdrawn_at is not None:
        raise CasefileError(CUSTODY_RECORD_INVALID, f"record {row.id} withdrawn", message="该记录已撤销。")
    row.withdrawn_at = datetime.now(UTC)
    row.withdrawn_by = actor.username
    row.withdrawn_reason = reason
    session.flush()


def case_records(session: Session, case: Case) -> list[CustodyRecord]:
    """Every record of the case, withdrawn ones too, in the order they were made."""
    return list(session.scalars(
        select(CustodyRecord).where(CustodyRecord.case_id == case.id).order_by(CustodyRecord.id)
    ))


def record_public(row: CustodyRecord) -> CustodyRecordPublic:
    return CustodyRecordPublic(
        id=row.id, person=row.person, kind=row.kind, measure=row.measure, extension=row.extension,
        date=row.effective_on, document_number=row.document_number, document_id=row.document_id,
        note=row.note, recorded_by=row.recorded_by, agency=row.agency.name if row.agency else None,
        recorded_at=row.recorded_at, withdrawn_by=row.withdrawn_by, withdrawn_at=row.withdrawn_at,
        withdrawn_reason=row.withdrawn_reason,
    )


def recorded_events(rows: Sequence[CustodyRecord]) -> dict[str, list[Any]]:
    """Each person's events from the records not withdrawn, with the document as evidence."""
    from nlp.deadlines.compute import EXTENSION, Event

    out: dict[str, list[Any]] = {}
    for row in rows:
        if row.withdrawn_at is not None:
            continue
        document = f"文号{row.document_number}" if row.document_number else f"本案文书{row.document_id}"
        evidence = {"record_id": row.id, "document_number": row.document_number,
                    "document_id": row.document_id, "recorded_by": row.recorded_by}
        source = f"办案人{row.recorded_by}录入（{document}）"
        if row.kind == "extension":
            event = Event(EXTENSION, row.effective_on, extension=row.extension, evidence=evidence, source=source)
        else:
            event = Event(str(row.measure), row.effective_on, evidence=evidence, source=source)
        out.setdefault(row.person, []).append(event)
    return out


def transfer_events(session: Session, case: Case) -> list[Any]:
    """The case's own transfers in casefile as events: each transfer sent, accepted, returned or withdrawn.

    A sent transfer of a request, a case for review or an indictment is that step of the case,
    dated the day it was sent; once the receiver accepted it, the event carries that day as its
    ``received`` date, from which the receiver's own limits count (rules with ``from_receipt``).
    Its return ends the limit it started without the step (the receiver did not take the case
    in). A withdrawn transfer was never received: it starts nothing.
    """
    from nlp.deadlines.compute import Event
    from nlp.forms import get_form

    out = []
    transfers = session.scalars(
        select(Transfer).where(Transfer.case_id == case.id).order_by(Transfer.created_at, Transfer.id)
    ).all()
    for t in transfers:
        title = get_form(t.form_id).title
        route = f"{t.from_agency.name}→{t.to_agency.name}"
        evidence = {"transfer_id": t.id, "form_id": t.form_id}
        sent, returned = TRANSFER_STEPS.get(t.form_id, (f"移送（{title}）", f"退回（{title}）"))
        if t.status == TransferStatus.WITHDRAWN:
            out.append(Event(f"发出后撤回（{title}）", _day(t.created_at), evidence=evidence,
                             source=f"一键流转，{route}，已撤回"))
            continue
        # the receiver's limits count from its receipt: the day it accepted the transfer
        received = _day(t.decided_at) if t.status == TransferStatus.ACCEPTED and t.decided_at else None
        got = f"，{t.to_agency.name}于{received.year}年{received.month}月{received.day}日接收" if received else ""
        out.append(Event(sent, _day(t.created_at), evidence=evidence, received=received,
                         source=f"一键流转发出（{title}），{route}{got}"))
        if t.decided_at is None:
            continue
        if t.status == TransferStatus.ACCEPTED:
            measure = ACCEPTED_STEP.get(t.form_id, f"接收（{title}）")
            out.append(Event(measure, _day(t.decided_at), evidence=evidence,
                             source=f"一键流转，{t.to_agency.name}接收"))
        elif t.status == TransferStatus.RETURNED:
            out.append(Event(returned, _day(t.decided_at), evidence=evidence,
                             source=f"一键流转，{t.to_agency.name}退回：{'；'.join(t.return_reasons or [])}"))
    return out
