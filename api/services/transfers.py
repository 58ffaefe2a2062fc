"""Transfers (一键流转) and their review by the receiving agency.

The sending agency sends the case with its pre-filled form; the receiving agency accepts or
corrects each field, then accepts the form or returns the case.

An accepted form becomes an immutable, versioned ``FormRecord``. State changes are conditional
updates on the transfer's status, so two reviewers acting at once cannot half-accept a form.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.services.catalogue import file_entries
from core.errors import (
    AGENCY_NOT_FOUND,
    CASE_NOT_HELD,
    FIELD_INVALID,
    FIELD_NEEDS_VALUE,
    FORM_RECORD_NOT_FOUND,
    NOT_RECEIVER,
    NOT_SENDER,
    REASON_REQUIRED,
    REVIEW_CONFLICT,
    REVIEW_INCOMPLETE,
    TRANSFER_CLOSED,
    TRANSFER_INCOMPLETE,
    TRANSFER_NOT_ALLOWED,
    TRANSFER_NOT_FOUND,
    TRANSFER_OPENED,
    TRANSFER_PENDING,
    CasefileError,
)
from core.names import sanitize_filename
from models.access import holds_stage
from models.audit import Actor
from models.factsheet import FactSheetJSON
from models.tables import (
    Agency,
    Case,
    CaseAccess,
    DocumentStatus,
    FactSheetRow,
    FieldReview,
    FormRecord,
    Page,
    Transfer,
    TransferStatus,
)
from nlp.forms import check_completeness, get_form, prefill_all, validate_field, validate_form

AGENCY_KIND_LABELS = {
    "police": "公安机关", "procuratorate": "人民检察院", "court": "人民法院",
    "detention_centre": "看守所", "justice_bureau": "司法局（社区矫正机构）", "other": "其他单位",
}


def case_facts(session: Session, case: Case) -> FactSheetJSON:
    """The case's merged fact sheet (values, evidence, conflicts) from its processed documents."""
    from nlp.factsheet import merge_factsheets

    rows = session.scalars(
        select(FactSheetRow)
        .where(FactSheetRow.document_id.in_([d.id for d in case.documents]))
        .order_by(FactSheetRow.document_id)
    ).all()
    return merge_factsheets([row.data for row in rows]) if rows else {}


def case_pages_and_facts(
    session: Session, case: Case,
) -> list[tuple[int, list[tuple[int, str]], dict[str, Any]]]:
    """``(document_id, [(page number, text)], fact sheet)`` of each processed document, in order."""
    rows = session.scalars(
        select(FactSheetRow)
        .where(FactSheetRow.document_id.in_([d.id for d in case.documents]))
        .order_by(FactSheetRow.document_id)
    ).all()
    out = []
    for row in rows:
        pages = session.scalars(
            select(Page).where(Page.document_id == row.document_id).order_by(Page.number)
        ).all()
        out.append((row.document_id, [(page.number, page.text or "") for page in pages], row.data))
    return out


def case_documents(case: Case) -> list[dict[str, Any]]:
    """Every document of the case as the corrected catalogue lists it, typed.

    One entry per document inside each processed file (a volume holds many); a clerk's
    corrections of the catalogue, and of a file's type, win.
    """
    entries: list[dict[str, Any]] = []
    for d in case.documents:
        if d.status != DocumentStatus.DONE:
            continue
        name = sanitize_filename(d.original_name)
        if not d.catalogue_edits and (d.type_corrected or not d.catalogue):  # the file is one document
            entries.append({"document_id": d.id, "document_type": d.document_type, "title": None,
                            "label": f"{name}（{d.document_type or '其他'}）"})
            continue
        for entry in file_entries(d):
            first, last = entry.get("first_page"), entry.get("last_page")
            pages = f"第 {first} 页" if first == last else f"第 {first}–{last} 页"
            entries.append({"document_id": d.id, "document_type": entry.get("type"), "title": entry.get("title"),
                            "label": f"{name} {pages}（{entry.get('title') or entry.get('type')}）"})
    return entries


def create_transfer(
    session: Session, actor: Actor, case: Case, *, form_id: str, to_agency: str, note: str | None
) -> Transfer:
    """Send ``case`` with its pre-filled ``form_id`` to ``to_agency``; grants that agency reading.

    Refused (nothing written) when the actor's agency does not hold the case's current stage
    (a receiver cannot forward a case it only reads), when the agency is unknown, is the sender,
    is of the wrong kind for the form, or when required materials are missing (the error names them).
    """
    if not holds_stage(session, actor, case):
        raise CasefileError(CASE_NOT_HELD, f"case {case.id} as {actor.username}")
    template = get_form(form_id)
    receiver = session.scalar(select(Agency).where(Agency.name == to_agency.strip()))
    if receiver is None:
        raise CasefileError(AGENCY_NOT_FOUND, to_agency)
    if receiver.id == actor.agency_id:
        raise CasefileError(TRANSFER_NOT_ALLOWED, "to self", message="不能移送给本单位。")
    if receiver.kind != template.to_agency_kind:
        wanted = AGENCY_KIND_LABELS.get(template.to_agency_kind, template.to_agency_kind)
        raise CasefileError(
            TRANSFER_NOT_ALLOWED, f"{form_id} goes to {template.to_agency_kind}, not {receiver.kind}",
            message=f"“{template.title}”应移送{wanted}，“{receiver.name}”不是{wanted}。",
        )
    checklist = [entry.to_dict() for entry in check_completeness(template, case_documents(case))]
    missing = [e["label"] for e in checklist if e["required"] and not e["present"]]
    if missing:
        raise CasefileError(
            TRANSFER_INCOMPLETE, f"missing {missing}",
            message=f"移送材料不齐全，缺少：{'、'.join(missing)}。",
        )
    pending = session.scalar(select(Transfer.id).where(
        Transfer.case_id == case.id, Transfer.form_id == template.id,
        Transfer.to_agency_id == receiver.id, Transfer.status == TransferStatus.PENDING,
    ))
    if pending is not None:
        raise CasefileError(TRANSFER_PENDING, f"transfer {pending} is pending")
    forms = [form.to_dict() for form in prefill_all(template, case_facts(session, case))]
    transfer = Transfer(
        case_id=case.id, form_id=template.id, form_version=template.version,
        from_agency_id=actor.agency_id, to_agency_id=receiver.id, note=note,
        prefill=forms, checklist=checklist, created_by=actor.username,
    )
    session.add(transfer)
    granted = session.scalar(
        select(CaseAccess).where(CaseAccess.case_id == case.id, CaseAccess.agency_id == receiver.id)
    )
    if granted is None and case.agency_id != receiver.id:
        session.add(CaseAccess(case_id=case.id, agency_id=receiver.id, reason=f"transfer:{template.id}"))
    try:
        session.flush()
    except IntegrityError as error:  # the same transfer sent at the same moment
        session.rollback()
        raise CasefileError(TRANSFER_PENDING, "pending transfer raced") from error
    return transfer


def find_transfer(session: Session, actor: Actor, transfer_id: int) -> Transfer:
    """A transfer the actor's agency sent or received (404 otherwise)."""
    transfer = session.get(Transfer, transfer_id)
    if transfer is None or (
        actor.role != "operator"
        and actor.agency_id not in (transfer.from_agency_id, transfer.to_agency_id)
    ):
        raise CasefileError(TRANSFER_NOT_FOUND, str(transfer_id))
    return transfer


def _require_open_receiver(actor: Actor, transfer: Transfer) -> None:
    if actor.agency_id != transfer.to_agency_id:
        raise CasefileError(NOT_RECEIVER, str(transfer.id))
    if transfer.status != TransferStatus.PENDING:
        raise CasefileError(TRANSFER_CLOSED, f"{transfer.id} is {transfer.status}")
    if transfer.opened_at is None:  # a reviewer through the API, who never opened it first
        transfer.opened_at = datetime.now(UTC)


def _prefilled_field(transfer: Transfer, form_index: int, field: str) -> dict[str, Any]:
    if not 0 <= form_index < len(transfer.prefill):
        raise CasefileError(FIELD_INVALID, f"form_index {form_index}", message="没有该被告人的表单。")
    for item in transfer.prefill[form_index]["fields"]:
        if item["name"] == field:
            return dict(item)
    get_form(transfer.form_id).field(field)  # raises the template's own "unknown field" error
    raise CasefileError(FIELD_INVALID, field)


def review_field(
    session: Session, actor: Actor, transfer: Transfer, *, form_index: int, field: str,
    decision: str, value: Any = None, reason: str | None = None,
) -> FieldReview:
    """Accept the pre-filled value of one field, or correct it (validated, with a reason)."""
    _require_open_receiver(actor, transfer)
    prefilled = _prefilled_field(transfer, form_index, field)
    if decision == "accept":
        if prefilled["status"] != "filled":
            raise CasefileError(FIELD_NEEDS_VALUE, f"{field} is {prefilled['status']}")
        value = prefilled["value"]
    else:
        if not (reason and reason.strip()):
            raise CasefileError(REASON_REQUIRED, field)
        problems = validate_field(get_form(transfer.form_id), field, value)
        if problems:
            raise CasefileError(
                FIELD_INVALID, field, message="；".join(p.message for p in problems)
            )
    row = session.scalar(
        select(FieldReview).where(
            FieldReview.transfer_id == transfer.id,
            FieldReview.form_index == form_index,
            FieldReview.field == field,
        )
    )
    if row is None:
        row = FieldReview(transfer_id=transfer.id, form_index=form_index, field=field)
        session.add(row)
    row.decision = "accepted" if decision == "accept" else "corrected"
    row.prefilled_value = prefilled.get("value")
    row.value = value
    row.reason = reason.strip() if reason else None
    row.reviewer = actor.username
    row.at = datetime.now(UTC)
    try:
        session.flush()
    except IntegrityError as error:
        # another reviewer created the same field's decision a moment ago
        raise CasefileError(REVIEW_CONFLICT, field) from error
    return row


def accept_transfer(session: Session, actor: Actor, transfer: Transfer) -> list[FormRecord]:
    """Accept the whole form, one immutable record per defendant.

    Pre-filled values not yet decided are accepted as they stand; a required field that is
    missing or in conflict must have been corrected first.
    """
    _require_open_receiver(actor, transfer)
    template = get_form(transfer.form_id)
    decided = {(r.form_index, r.field): r for r in transfer.reviews}
    records: list[tuple[int, dict[str, Any], list[dict[str, Any]], str | None]] = []
    open_fields: list[str] = []
    for index, form in enumerate(transfer.prefill):
        values: dict[str, Any] = {}
        fields: list[dict[str, Any]] = []
        for item in form["fields"]:
            review = decided.get((index, item["name"]))
            if review is not None:
                value, decision = review.value, review.decision
            elif item["status"] == "filled":
                value, decision = item["value"], "accepted"
            else:
                value, decision = None, "open"
                if item.get("required"):
                    open_fields.append(f"{form.get('defendant') or index + 1}：{item.get('label', item['name'])}")
            values[item["name"]] = value
            fields.append({
                "name": item["name"], "label": item.get("label"), "value": value,
                "decision": decision, "prefilled": item.get("value"),
                "reason": review.reason if review else None, "evidence": item.get("evidence"),
            })
        records.append((index, values, fields, form.get("defendant")))
    if open_fields:
        raise CasefileError(
            REVIEW_INCOMPLETE, str(open_fields),
            message=f"以下必填字段尚未确认或更正：{'、'.join(open_fields[:10])}。",
        )
    problems = [p for _i, values, _f, _d in records for p in validate_form(template, values)]
    if problems:
        raise CasefileError(FIELD_INVALID, "form", message="；".join(p.message for p in problems[:5]))
    _close(session, transfer, TransferStatus.ACCEPTED, actor)
    saved = []
    for index, values, fields, defendant in records:
        version = 1 + (session.scalar(
            select(func.max(FormRecord.version)).where(
                FormRecord.case_id == transfer.case_id, FormRecord.form_id == transfer.form_id,
                FormRecord.form_index == index,
            )
        ) or 0)
        content = json.dumps({"form": transfer.form_id, "values": values}, ensure_ascii=False,
                             sort_keys=True, default=str)
        record = FormRecord(
            case_id=transfer.case_id, transfer_id=transfer.id, form_id=transfer.form_id,
            form_index=index, version=version, defendant=defendant, values=values, fields=fields,
            sha256=hashlib.sha256(content.encode()).hexdigest(), accepted_by=actor.username,
        )
        session.add(record)
        saved.append(record)
    session.flush()
    return saved


def return_transfer(session: Session, actor: Actor, transfer: Transfer, reasons: list[str]) -> None:
    """Return the case to the sender with reasons (退回补充侦查)."""
    _require_open_receiver(actor, transfer)
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons:
        raise CasefileError(REASON_REQUIRED, "return")
    _close(session, transfer, TransferStatus.RETURNED, actor, reasons=reasons)
    end_transfer_access(session, transfer)


def mark_opened(session: Session, actor: Actor, transfer: Transfer) -> None:
    """Note the receiving agency's first look at ``transfer`` (from then on it cannot be withdrawn)."""
    if transfer.opened_at is None and actor.agency_id == transfer.to_agency_id:
        transfer.opened_at = datetime.now(UTC)
        session.commit()


def withdraw_transfer(session: Session, actor: Actor, transfer: Transfer) -> None:
    """The sending agency takes back a transfer the receiver has not opened; its access ends."""
    if actor.role != "operator" and actor.agency_id != transfer.from_agency_id:
        raise CasefileError(NOT_SENDER, str(transfer.id))
    if transfer.status != TransferStatus.PENDING:
        raise CasefileError(TRANSFER_CLOSED, f"{transfer.id} is {transfer.status}")
    if transfer.opened_at is not None:
        raise CasefileError(TRANSFER_OPENED, f"{transfer.id} opened {transfer.opened_at}")
    _close(session, transfer, TransferStatus.WITHDRAWN, actor)
    end_transfer_access(session, transfer)


def end_transfer_access(session: Session, transfer: Transfer) -> None:
    """Remove the reading ``transfer`` granted, unless another live transfer grants it too.

    A transfer grants its receiver the case while it is pending or accepted; once returned or
    withdrawn, the receiver sees the case no more.
    """
    still = session.scalar(
        select(Transfer.id).where(
            Transfer.case_id == transfer.case_id, Transfer.to_agency_id == transfer.to_agency_id,
            Transfer.id != transfer.id,
            Transfer.status.in_((TransferStatus.PENDING, TransferStatus.ACCEPTED)),
        ).limit(1)
    )
    if still is None:
        session.execute(
            delete(CaseAccess).where(
                CaseAccess.case_id == transfer.case_id, CaseAccess.agency_id == transfer.to_agency_id
            )
        )
        session.flush()


def _close(
    session: Session, transfer: Transfer, status: str, actor: Actor, *, reasons: list[str] | None = None
) -> None:
    result = session.execute(
        update(Transfer)
        .where(Transfer.id == transfer.id, Transfer.status == TransferStatus.PENDING)
        .values(status=status, decided_by=actor.username, decided_at=datetime.now(UTC),
                return_reasons=reasons)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise CasefileError(TRANSFER_CLOSED, f"{transfer.id} closed meanwhile")
    session.refresh(transfer)


def find_record(session: Session, actor: Actor, record_id: int) -> FormRecord:
    """An accepted form of a case the actor may see (404 otherwise)."""
    from models.access import visible_cases

    record = session.scalar(
        select(FormRecord).join(Case, Case.id == FormRecord.case_id)
        .where(FormRecord.id == record_id, visible_cases(actor))
    )
    if record is None:
        raise CasefileError(FORM_RECORD_NOT_FOUND, str(record_id))
    return record
