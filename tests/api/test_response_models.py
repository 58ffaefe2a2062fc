"""Routes declare their answers (issue #20 step 4), and answer byte for byte as before.

`GET /api/search` returns its JSON as built (no second validation on the event loop), so this holds
its answers to ``SearchResultsPublic``: same keys in the same order, same values, nothing dropped.
The other routes' answers are held to what the un-modelled code builds from the same rows: a
declared model drops keys it does not know, reorders them, or turns an int into a float, and any
of these changes the bytes other systems read (../shared/CONTRACT.md).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.deadlines import stage_statistics
from api.routes import deadlines as deadlines_routes
from api.routes import forms as forms_routes
from api.routes.forms import record_public, transfer_public
from api.schemas import SearchResultsPublic
from api.services.transfers import case_documents, case_facts
from api.state import AppState
from models.audit import verify
from models.tables import AuditEvent, Case, Transfer, TransferStatus
from nlp.forms import check_completeness, forms_list_json, get_form, prefill_all
from tests.api.test_forms_workflow import CASE as TRANSFER_CASE
from tests.api.test_forms_workflow import MATERIALS, OPINION, _transfer, _upload, people
from tests.deadlines import documents as deadline_documents
from tests.support.render import render_text_pdf

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASE = "（2026）测试刑初2004号"


def test_search_answers_as_its_declared_model(client: TestClient, tmp_path: Path) -> None:
    text = (FIXTURES / "indictment.txt").read_text(encoding="utf-8")
    pdf = render_text_pdf([text], tmp_path / "起诉书.pdf")
    assert client.post("/api/cases", json={"case_number": CASE, "title": "测试"}).status_code == 201
    uploaded = client.post(f"/api/cases/{CASE}/documents",
                           files=[("file", ("起诉书.pdf", pdf.read_bytes(), "application/pdf"))])
    assert uploaded.status_code == 201, uploaded.text
    for params in ({"q": "便利店"}, {"q": "没有这样的词语组合"}, {"q": "便利店", "sort": "date", "limit": 1}):
        response = client.get("/api/search", params=params)
        assert response.status_code == 200
        body = response.json()
        dumped = SearchResultsPublic.model_validate(body).model_dump(mode="json")
        assert json.dumps(dumped, ensure_ascii=False) == json.dumps(body, ensure_ascii=False)
    assert body["hits"] and body["hits"][0]["boxes"]
    declared = client.app.openapi()["paths"]["/api/search"]["get"]["responses"]["200"]  # type: ignore[attr-defined]
    assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SearchResultsPublic"}


@pytest.mark.parametrize(("method", "path", "model"), [
    ("get", "/api/auth/me", "MePublic"),
    ("get", "/api/admin/agencies", "AgencyPublic"),
    ("get", "/api/ui/agencies", "AgencyPublic"),
    ("delete", "/api/documents/{document_id}", "DocumentDeleted"),
])
def test_routes_declare_their_answers(client: TestClient, method: str, path: str, model: str) -> None:
    """Routes that answered ``dict[str, Any]`` declare a model; their JSON is unchanged."""
    schema = client.app.openapi()["paths"][path][method]["responses"]["200"]["content"]  # type: ignore[attr-defined]
    declared = schema["application/json"]["schema"]
    assert model in json.dumps(declared), declared


def test_me_and_agencies_answer_as_before(client: TestClient) -> None:
    me = client.get("/api/auth/me").json()
    assert list(me) == ["username", "agency", "agency_kind", "role", "actions", "development"]
    assert me["username"] == "admin" and me["actions"] == sorted(me["actions"])
    assert all(list(a) == ["name", "kind"] for a in client.get("/api/admin/agencies").json())


__all__ = ["people"]  # the fixture, shared with the workflow test
FORM = "prosecution_transfer"


def _bytes(expected: Any) -> bytes:
    """``expected`` as the JSON the route sent before it declared a model."""
    return bytes(JSONResponse(expected).body)


class _Spy:
    """Keeps what ``transfer_public`` / ``record_public`` built in the route: the old answer's parts."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.transfers: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        monkeypatch.setattr(forms_routes, "transfer_public", self._keep(transfer_public, self.transfers))
        monkeypatch.setattr(forms_routes, "record_public", self._keep(record_public, self.records))

    @staticmethod
    def _keep(build: Callable[[Any], dict[str, Any]], into: list[dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        def kept(row: Any) -> dict[str, Any]:
            into.append(copy.deepcopy(built := build(row)))
            return built
        return kept

    def take(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        taken = (self.transfers[:], self.records[:])
        self.transfers.clear()
        self.records.clear()
        return taken

    def transfer(self) -> dict[str, Any]:
        transfers, records = self.take()
        assert len(transfers) == 1 and not records
        return transfers[0]


def _declared(client: TestClient, method: str, path: str, code: str = "200") -> str:
    responses = client.app.openapi()["paths"][path][method]["responses"]  # type: ignore[attr-defined]
    return json.dumps(responses[code]["content"]["application/json"]["schema"])


def test_form_routes_answer_as_before(client: TestClient, people: dict[str, dict[str, str]],
                                      state: AppState, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(monkeypatch)
    police, prosecutor = people["police-clerk"], people["prosecutor"]
    assert client.post("/api/cases", json={"case_number": TRANSFER_CASE}, headers=police).status_code == 201
    _upload(client, police, "起诉意见书.txt", OPINION)
    for name, text in MATERIALS.items():
        _upload(client, police, name, text)

    listed = client.get("/api/forms", headers=police)
    assert listed.content == _bytes(forms_list_json())
    preview = client.get(f"/api/cases/{TRANSFER_CASE}/forms/{FORM}", headers=police)
    assert preview.status_code == 200, preview.text
    template = get_form(FORM)
    with state.ctx.db.session() as session:
        case = session.scalars(select(Case).where(Case.case_number == TRANSFER_CASE)).one()
        forms = [f.to_dict() for f in prefill_all(template, case_facts(session, case))]
        checklist = [e.to_dict() for e in check_completeness(template, case_documents(case))]
    assert preview.content == _bytes({"case_number": TRANSFER_CASE, "form": FORM, "title": template.title,
                                      "forms": forms, "checklist": checklist})
    assert forms[0]["fields"][0]["evidence"] is not None and checklist

    # sent, reviewed (one decision on record), opened, returned
    sent = _transfer(client, police)
    assert sent.status_code == 201, sent.text
    first = sent.json()["id"]
    assert sent.content == _bytes(spy.transfer())
    filled = next(f for f in sent.json()["forms"][0]["fields"] if f["status"] == "filled")
    reviewed = client.post(f"/api/transfers/{first}/review", headers=prosecutor,
                           json={"field": filled["name"], "decision": "accept"})
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["forms"][0]["fields"][0]["review"] or any(
        f["review"] for f in reviewed.json()["forms"][0]["fields"])
    assert reviewed.content == _bytes(spy.transfer())
    shown = client.get(f"/api/transfers/{first}", headers=prosecutor)
    assert shown.json()["opened_at"] and shown.content == _bytes(spy.transfer())
    returned = client.post(f"/api/transfers/{first}/return", headers=prosecutor, json={"reasons": ["缺少鉴定意见"]})
    assert returned.json()["status"] == TransferStatus.RETURNED
    assert returned.content == _bytes(spy.transfer())

    # sent again and withdrawn by the sender
    second = _transfer(client, police).json()["id"]
    spy.take()
    withdrawn = client.post(f"/api/transfers/{second}/withdraw", headers=police)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.content == _bytes(spy.transfer())

    # sent a third time and accepted: the transfer and its records
    third = _transfer(client, police).json()["id"]
    spy.take()
    accepted = client.post(f"/api/transfers/{third}/accept", headers=prosecutor)
    assert accepted.status_code == 200, accepted.text
    (transfer,), records = spy.take()
    assert len(records) == 2 and accepted.content == _bytes({"transfer": transfer, "records": records})

    listed_transfers = client.get(f"/api/cases/{TRANSFER_CASE}/transfers", headers=police)
    everything, _ = spy.take()
    assert [t["id"] for t in everything] == [third, second, first]
    assert listed_transfers.content == _bytes(everything)
    inbox = client.get("/api/transfers/inbox", headers=prosecutor)
    received, _ = spy.take()
    assert [t["id"] for t in inbox.json()] == [third, second, first]
    assert inbox.content == _bytes([
        {k: v for k, v in t.items() if k != "forms"} | {"defendants": [f["defendant"] for f in t["forms"]]}
        for t in received])
    listed_records = client.get(f"/api/cases/{TRANSFER_CASE}/form-records", headers=prosecutor)
    assert listed_records.content == _bytes(spy.take()[1])
    shown_record = client.get(f"/api/form-records/{records[0]['id']}", headers=prosecutor)
    assert shown_record.content == _bytes(spy.take()[1][0])


def test_form_routes_declare_their_models(client: TestClient) -> None:
    for method, path, model in (
        ("get", "/api/forms", "FormTemplatePublic"),
        ("get", "/api/cases/{case_number}/forms/{form_id}", "PrefillPreview"),
        ("get", "/api/cases/{case_number}/transfers", "TransferPublic"),
        ("get", "/api/transfers/inbox", "InboxTransferPublic"),
        ("get", "/api/transfers/{transfer_id}", "TransferPublic"),
        ("post", "/api/transfers/{transfer_id}/review", "TransferPublic"),
        ("post", "/api/transfers/{transfer_id}/accept", "TransferAccepted"),
        ("post", "/api/transfers/{transfer_id}/return", "TransferPublic"),
        ("post", "/api/transfers/{transfer_id}/withdraw", "TransferPublic"),
        ("get", "/api/cases/{case_number}/form-records", "FormRecordPublic"),
        ("get", "/api/form-records/{record_id}", "FormRecordPublic"),
    ):
        assert model in _declared(client, method, path), (method, path)
    assert "TransferPublic" in _declared(client, "post", "/api/cases/{case_number}/transfers", "201")


def test_audit_routes_answer_as_before(client: TestClient, state: AppState) -> None:
    """The audit log and its verification, against the dicts the routes built before their models."""
    assert client.post("/api/cases", json={"case_number": CASE, "title": "测试"}).status_code == 201
    client.get("/api/search", params={"q": "便利店"})
    agency = client.get("/api/auth/me").json()["agency"]
    for params in ({}, {"action": "search"}, {"limit": 2}):
        with state.ctx.db.session() as session:
            query = select(AuditEvent).where(AuditEvent.agency == agency).order_by(AuditEvent.seq.desc())
            query = query.where(AuditEvent.action == params["action"]) if "action" in params else query
            events = session.scalars(query.limit(int(params.get("limit", 100)))).all()
            before = [{"seq": e.seq, "at": e.at, "actor": e.actor, "agency": e.agency, "action": e.action,
                       "target": e.target, "outcome": e.outcome, "client": e.client, "detail": e.detail}
                      for e in events]
        answer = client.get("/api/admin/audit", params=params)
        assert answer.status_code == 200 and len(answer.json()) == len(before) > 0
        assert answer.content == _bytes(jsonable_encoder(before))
    assert any(e["detail"] for e in answer.json())
    result = verify(state.ctx.db)
    verified = client.get("/api/admin/audit/verify")
    assert verified.json()["ok"] is True
    assert verified.content == _bytes({
        "ok": result.ok, "events": result.events, "problem": result.problem, "seq": result.seq,
        "sealed_from": result.sealed_from, "unsealed": result.unsealed, "checkpoints": result.checkpoints,
        "last_checkpoint": result.last_checkpoint, "notes": list(result.notes)})
    assert "AuditEventPublic" in _declared(client, "get", "/api/admin/audit")
    assert "AuditVerificationPublic" in _declared(client, "get", "/api/admin/audit/verify")


def test_stage_days_answers_as_before(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """``GET /api/deadlines/stages`` against the dict the route built from ``stage_statistics``."""
    built: list[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]] = []

    def kept(*args: Any, **kwargs: Any) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
        built.append(copy.deepcopy(result := stage_statistics(*args, **kwargs)))
        return result

    monkeypatch.setattr(deadlines_routes, "stage_statistics", kept)
    for case, name, text in (("（2026）京海检刑诉字第2161号", "起诉书.txt", deadline_documents.RETURNED_INDICTMENT),
                             ("（2026）京朝法刑初字第2162号", "判决书.txt", deadline_documents.JUDGMENT_FAST_TRACK)):
        assert client.post("/api/cases", json={"case_number": case}).status_code == 201
        uploaded = client.post(f"/api/cases/{case}/documents",
                               files=[("file", (name, text.encode("utf-8"), "application/octet-stream"))])
        assert uploaded.status_code == 201, uploaded.text
    answer = client.get("/api/deadlines/stages")
    (cases_read, rows, handlers), = built
    assert cases_read == 2 and rows and handlers
    # whole means stay ints (86, not 86.0); stages with nothing measured say None
    assert any(isinstance(s["mean"], int) for r in rows for s in r["stages"].values())
    assert any(s["mean"] is None for r in rows for s in r["stages"].values())
    assert answer.content == _bytes({"cases_read": cases_read, "rows": rows, "handlers": handlers})
    assert "StageStatisticsPublic" in _declared(client, "get", "/api/deadlines/stages")


def test_token_and_health_answer_as_before(anonymous: TestClient, state: AppState) -> None:
    signed_in = anonymous.post("/api/auth/token", data={"username": "admin", "password": state.settings.admin_password})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    assert token and signed_in.content == _bytes({"access_token": token, "token_type": "bearer"})
    assert anonymous.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    healthy = anonymous.get("/healthz")
    assert healthy.content == _bytes({"status": "ok"})
    assert "TokenPublic" in _declared(anonymous, "post", "/api/auth/token")
    assert "HealthPublic" in _declared(anonymous, "get", "/healthz")


def test_a_transfer_stored_before_the_checklist_named_its_documents_still_answers(
        client: TestClient, people: dict[str, dict[str, str]], state: AppState) -> None:
    """An upgraded deployment still opens a transfer sent before 2026-12-06.

    Its checklist entries have no ``names``; the declared model had made every such answer a 500.
    """
    police, prosecutor = people["police-clerk"], people["prosecutor"]
    assert client.post("/api/cases", json={"case_number": TRANSFER_CASE}, headers=police).status_code == 201
    _upload(client, police, "起诉意见书.txt", OPINION)
    for name, text in MATERIALS.items():
        _upload(client, police, name, text)
    sent = _transfer(client, police)
    assert sent.status_code == 201, sent.text
    with state.ctx.db.session() as session:
        transfer = session.get(Transfer, sent.json()["id"])
        assert transfer is not None
        transfer.checklist = [{k: v for k, v in e.items() if k != "names"} for e in transfer.checklist]
    shown = client.get(f"/api/transfers/{sent.json()['id']}", headers=prosecutor)
    assert shown.status_code == 200, shown.text
    assert all(e["names"] == [] for e in shown.json()["checklist"])
    assert client.get("/api/transfers/inbox", headers=prosecutor).status_code == 200
