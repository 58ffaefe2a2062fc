"""Intake forms: templates, prefill preview, transfers, the review inbox, accepted records."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from api.deps import (
    Reader,
    RecordId,
    Reviewer,
    SessionDep,
    StateDep,
    TransferId,
    Transferrer,
)
from api.downloads import attachment
from api.schemas import (
    FormRecordPublic,
    FormTemplatePublic,
    InboxTransferPublic,
    PrefillPreview,
    TransferAccepted,
    TransferPublic,
)
from api.services.lookups import find_case, find_case_to_add
from api.services.transfers import (
    accept_transfer,
    case_documents,
    case_facts,
    create_transfer,
    find_record,
    find_transfer,
    mark_opened,
    return_transfer,
    review_field,
    withdraw_transfer,
)
from models.audit import record
from models.tables import Agency, Case, FormRecord, Transfer, TransferStatus
from nlp.forms import check_completeness, forms_list_json, get_form, prefill_all, render_form_pdf
from nlp.forms.export import format_value

router = APIRouter(tags=["forms"])


class TransferCreate(BaseModel):
    form_id: str = Field(min_length=1, max_length=60)
    to_agency: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class FieldDecision(BaseModel):
    form_index: int = Field(default=0, ge=0, le=100)
    field: str = Field(min_length=1, max_length=100)
    decision: Literal["accept", "correct"]
    value: Any = None
    reason: str | None = Field(default=None, max_length=2000)


class ReturnBody(BaseModel):
    reasons: list[str] = Field(min_length=1, max_length=50)


def transfer_public(transfer: Transfer) -> dict[str, Any]:
    decisions = {(r.form_index, r.field): r for r in transfer.reviews}
    forms = []
    for index, form in enumerate(transfer.prefill):
        fields = []
        for item in form["fields"]:
            review = decisions.get((index, item["name"]))
            fields.append({**item, "review": None if review is None else {
                "decision": review.decision, "value": review.value, "reason": review.reason,
                "reviewer": review.reviewer, "at": review.at.isoformat(),
            }})
        forms.append({**form, "fields": fields})
    return {
        "id": transfer.id, "case_number": transfer.case.case_number, "form_id": transfer.form_id,
        "form_version": transfer.form_version, "title": get_form(transfer.form_id).title,
        "from_agency": transfer.from_agency.name, "to_agency": transfer.to_agency.name,
        "status": transfer.status, "note": transfer.note, "checklist": transfer.checklist,
        "created_by": transfer.created_by, "created_at": transfer.created_at.isoformat(),
        "opened_at": transfer.opened_at.isoformat() if transfer.opened_at else None,
        "decided_by": transfer.decided_by,
        "decided_at": transfer.decided_at.isoformat() if transfer.decided_at else None,
        "return_reasons": transfer.return_reasons, "forms": forms,
    }


def record_public(form_record: FormRecord) -> dict[str, Any]:
    return {
        "id": form_record.id, "form_id": form_record.form_id, "version": form_record.version,
        "form_index": form_record.form_index, "defendant": form_record.defendant,
        "transfer_id": form_record.transfer_id, "values": form_record.values,
        "fields": form_record.fields, "sha256": form_record.sha256,
        "accepted_by": form_record.accepted_by, "accepted_at": form_record.accepted_at.isoformat(),
        "pdf_url": f"/api/form-records/{form_record.id}/pdf",
    }


@router.get("/api/forms", response_model=list[FormTemplatePublic])
def list_forms(actor: Reader) -> list[dict[str, Any]]:
    return forms_list_json()


@router.get("/api/cases/{case_number}/forms/{form_id}", response_model=PrefillPreview)
def prefill_preview(
    case_number: str, form_id: str, actor: Reader, state: StateDep, session: SessionDep
) -> dict[str, Any]:
    """The pre-filled form (one per defendant) and its materials checklist, without sending it."""
    case = find_case(session, actor, case_number)
    template = get_form(form_id)
    forms = [f.to_dict() for f in prefill_all(template, case_facts(session, case))]
    checklist = [entry.to_dict() for entry in check_completeness(template, case_documents(case))]
    record(state.ctx.db, actor, "form.prefill", target=f"case:{case.case_number}",
           detail={"form": form_id, "forms": len(forms)})
    return {"case_number": case.case_number, "form": form_id, "title": template.title, "forms": forms,
            "checklist": checklist}


@router.post("/api/cases/{case_number}/transfers", status_code=status.HTTP_201_CREATED,
             response_model=TransferPublic)
def send_transfer(
    case_number: str, body: TransferCreate, actor: Transferrer, state: StateDep, session: SessionDep
) -> dict[str, Any]:
    case = find_case_to_add(session, actor, case_number)  # only the stage's holder sends it
    transfer = create_transfer(session, actor, case, form_id=body.form_id,
                               to_agency=body.to_agency, note=body.note)
    session.commit()
    record(state.ctx.db, actor, "transfer.create", target=f"transfer:{transfer.id}",
           detail={"case": case.case_number, "form": body.form_id, "to": body.to_agency})
    return transfer_public(transfer)


@router.get("/api/cases/{case_number}/transfers", response_model=list[TransferPublic])
def case_transfers(
    case_number: str, actor: Reader, state: StateDep, session: SessionDep
) -> list[dict[str, Any]]:
    """The case's transfers from or to the actor's agency, each with its full forms."""
    case = find_case(session, actor, case_number)
    transfers = session.scalars(
        select(Transfer).where(
            Transfer.case_id == case.id,
            or_(Transfer.from_agency_id == actor.agency_id, Transfer.to_agency_id == actor.agency_id),
        ).order_by(Transfer.id.desc())
    ).all()
    record(state.ctx.db, actor, "transfer.list", target=f"case:{case.case_number}",
           detail={"transfers": [t.id for t in transfers]})
    return [transfer_public(t) for t in transfers]


@router.get("/api/transfers/inbox", response_model=list[InboxTransferPublic])
def inbox(
    actor: Reviewer, state: StateDep, session: SessionDep, status_filter: str | None = None
) -> list[dict[str, Any]]:
    """Transfers received by the actor's agency, pending first."""
    query = select(Transfer).where(Transfer.to_agency_id == actor.agency_id)
    if status_filter:
        query = query.where(Transfer.status == status_filter)
    transfers = session.scalars(query.order_by(Transfer.id.desc())).all()
    transfers = sorted(transfers, key=lambda t: t.status != TransferStatus.PENDING)
    # the inbox names each transfer's case and defendants
    record(state.ctx.db, actor, "transfer.inbox", detail={"transfers": [t.id for t in transfers]})
    return [
        {k: v for k, v in transfer_public(t).items() if k != "forms"} | {"defendants": [f.get("defendant") for f in t.prefill]}
        for t in transfers
    ]


@router.get("/api/transfers/{transfer_id}", response_model=TransferPublic)
def show_transfer(transfer_id: TransferId, actor: Reader, state: StateDep, session: SessionDep) -> dict[str, Any]:
    transfer = find_transfer(session, actor, transfer_id)
    mark_opened(session, actor, transfer)
    record(state.ctx.db, actor, "transfer.view", target=f"transfer:{transfer_id}")
    return transfer_public(transfer)


@router.post("/api/transfers/{transfer_id}/review", response_model=TransferPublic)
def review(
    transfer_id: TransferId, body: FieldDecision, actor: Reviewer, state: StateDep, session: SessionDep
) -> dict[str, Any]:
    transfer = find_transfer(session, actor, transfer_id)
    decision = review_field(session, actor, transfer, form_index=body.form_index, field=body.field,
                            decision=body.decision, value=body.value, reason=body.reason)
    session.commit()
    record(state.ctx.db, actor, "form.review", target=f"transfer:{transfer_id}",
           detail={"field": body.field, "form_index": body.form_index, "decision": decision.decision,
                   "reason": decision.reason})
    session.refresh(transfer)
    return transfer_public(transfer)


@router.post("/api/transfers/{transfer_id}/accept", response_model=TransferAccepted)
def accept(transfer_id: TransferId, actor: Reviewer, state: StateDep, session: SessionDep) -> dict[str, Any]:
    transfer = find_transfer(session, actor, transfer_id)
    saved = accept_transfer(session, actor, transfer)
    session.commit()
    record(state.ctx.db, actor, "transfer.accept", target=f"transfer:{transfer_id}",
           detail={"records": [r.id for r in saved]})
    return {"transfer": transfer_public(transfer), "records": [record_public(r) for r in saved]}


@router.post("/api/transfers/{transfer_id}/return", response_model=TransferPublic)
def send_back(
    transfer_id: TransferId, body: ReturnBody, actor: Reviewer, state: StateDep, session: SessionDep
) -> dict[str, Any]:
    transfer = find_transfer(session, actor, transfer_id)
    return_transfer(session, actor, transfer, body.reasons)
    session.commit()
    record(state.ctx.db, actor, "transfer.return", target=f"transfer:{transfer_id}",
           detail={"reasons": body.reasons})
    return transfer_public(transfer)


@router.post("/api/transfers/{transfer_id}/withdraw", response_model=TransferPublic)
def withdraw(transfer_id: TransferId, actor: Transferrer, state: StateDep, session: SessionDep) -> dict[str, Any]:
    """The sender takes back a pending transfer (sent by mistake, to the wrong agency)."""
    transfer = find_transfer(session, actor, transfer_id)
    withdraw_transfer(session, actor, transfer)
    session.commit()
    record(state.ctx.db, actor, "transfer.withdraw", target=f"transfer:{transfer_id}")
    return transfer_public(transfer)


@router.get("/api/cases/{case_number}/form-records", response_model=list[FormRecordPublic])
def case_records(
    case_number: str, actor: Reader, state: StateDep, session: SessionDep
) -> list[dict[str, Any]]:
    """The case's accepted form records, with their values."""
    case = find_case(session, actor, case_number)
    records = session.scalars(
        select(FormRecord).where(FormRecord.case_id == case.id).order_by(FormRecord.id)
    ).all()
    record(state.ctx.db, actor, "form_record.list", target=f"case:{case.case_number}",
           detail={"records": [r.id for r in records]})
    return [record_public(r) for r in records]


@router.get("/api/form-records/{record_id}", response_model=FormRecordPublic)
def show_record(record_id: RecordId, actor: Reader, state: StateDep, session: SessionDep) -> dict[str, Any]:
    form_record = find_record(session, actor, record_id)
    record(state.ctx.db, actor, "form.export", target=f"form_record:{record_id}", detail={"as": "json"})
    return record_public(form_record)


@router.get("/api/form-records/{record_id}/pdf")
def record_pdf(record_id: RecordId, actor: Reader, state: StateDep, session: SessionDep) -> Response:
    form_record = find_record(session, actor, record_id)
    template = get_form(form_record.form_id)
    case = session.get(Case, form_record.case_id)
    transfer = session.get(Transfer, form_record.transfer_id)
    case_number = case.case_number if case else ""
    sender = session.get(Agency, transfer.from_agency_id) if transfer else None
    receiver = session.get(Agency, transfer.to_agency_id) if transfer else None
    parties = [a.name for a in (sender, receiver) if a is not None]
    meta = {"移送单位": parties[0] if parties else "", "接收单位": parties[1] if len(parties) > 1 else "",
            "犯罪嫌疑人": form_record.defendant or "", "接收日期": f"{form_record.accepted_at:%Y年%m月%d日}"}
    specs = {spec.name: spec for spec in template.fields}
    corrections = [
        (f.get("label") or f["name"], format_value(specs[f["name"]], f.get("prefilled")) if f["name"] in specs else "",
         format_value(specs[f["name"]], f.get("value")) if f["name"] in specs else "", f.get("reason") or "")
        for f in form_record.fields if str(f.get("decision", "")).startswith("correct")
    ]
    pdf = render_form_pdf(
        template, form_record.values, case_number=case_number,
        meta={k: v for k, v in meta.items() if v}, corrections=corrections, parties=parties,
        footer=f"第 {form_record.version} 版；依据电子卷宗材料预填，经接收单位逐项审核后生成。",
    )
    record(state.ctx.db, actor, "form.export", target=f"form_record:{record_id}", detail={"as": "pdf"})
    # 案号_表单_人_版次.pdf, as a clerk files it
    name = "_".join(part for part in (case_number, template.title, form_record.defendant or "", f"第{form_record.version}版") if part)
    headers = attachment(name + ".pdf", f"form-{form_record.id}-v{form_record.version}.pdf")
    return Response(pdf, media_type="application/pdf", headers=headers)

