"""Transfer → review → accept → export, through the HTTP API, with the errors along the way."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.users import create_user
from api.state import AppState
from models.tables import FieldReview
from tests.conftest import bearer

POLICE, PROCURATORATE, COURT = "北京市公安局朝阳分局", "北京市朝阳区人民检察院", "北京市朝阳区人民法院"
CASE = "京公朝刑立字〔2026〕301号"
OPINION = (Path(__file__).resolve().parents[2] / "api" / "demo" / "texts" / "01_起诉意见书.txt").read_text(encoding="utf-8")
MATERIALS = {
    "询问笔录（赵某）.txt": "询问笔录\n问：你的车什么时候被撬的？\n答：2月27日凌晨。",
    "到案经过.txt": "到案经过\n2026年3月2日，民警在望京街道将犯罪嫌疑人李明远抓获。",
    "讯问笔录（李明远）.txt": "讯问笔录\n问：你为什么被带到派出所？\n答：我偷了东西。",
    "拘留证.txt": "拘留证\n犯罪嫌疑人李明远，男，因涉嫌盗窃罪，决定刑事拘留。",
    "户籍证明.txt": "常住人口信息\n姓名：李明远\n性别：男",
}
PASSWORD = "workflow-password-1"


@pytest.fixture
def people(state: AppState, client: TestClient) -> dict[str, dict[str, str]]:
    with state.ctx.db.session() as session:
        for username, agency, role in (
            ("police-clerk", POLICE, "clerk"), ("prosecutor", PROCURATORATE, "prosecutor"),
            ("prosecutor2", PROCURATORATE, "prosecutor"), ("judge", COURT, "judge"),
        ):
            create_user(session, username, PASSWORD, agency=agency, role=role)
    return {name: bearer(client, name, PASSWORD) for name in ("police-clerk", "prosecutor", "prosecutor2", "judge")}


def _upload(client: TestClient, headers: dict[str, str], name: str, text: str) -> None:
    response = client.post(f"/api/cases/{CASE}/documents", headers=headers,
                           files=[("file", (name, text.encode(), "text/plain"))])
    assert response.status_code == 201, response.text


def _transfer(client: TestClient, headers: dict[str, str], to: str = PROCURATORATE) -> Any:
    return client.post(f"/api/cases/{CASE}/transfers", headers=headers,
                       json={"form_id": "prosecution_transfer", "to_agency": to})


def test_transfer_review_accept_export(client: TestClient, people: dict[str, dict[str, str]], state: AppState) -> None:
    police, prosecutor = people["police-clerk"], people["prosecutor"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=police).status_code == 201
    _upload(client, police, "起诉意见书.txt", OPINION)
    # the receiving agency cannot see the case before the transfer
    assert client.get(f"/api/cases/{CASE}", headers=prosecutor).status_code == 404

    incomplete = _transfer(client, police)
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "transfer_incomplete"
    assert "到案经过" in incomplete.json()["message"] and "讯问笔录" in incomplete.json()["message"]
    for name, text in MATERIALS.items():
        _upload(client, police, name, text)
    unknown = _transfer(client, police, to="不存在的检察院")
    assert unknown.status_code == 422 and unknown.json()["code"] == "agency_not_found"
    wrong_kind = _transfer(client, police, to=COURT)
    assert wrong_kind.status_code == 422 and wrong_kind.json()["code"] == "transfer_not_allowed"

    sent = _transfer(client, police)
    assert sent.status_code == 201, sent.text
    transfer = sent.json()
    assert [f["defendant"] for f in transfer["forms"]] == ["李明远", "王晓丽"]
    name = {f["name"]: f for f in transfer["forms"][0]["fields"]}
    filled = [f for f in name.values() if f["status"] == "filled"]
    assert filled and all(f["evidence"] for f in filled)

    # the receiving agency now sees the case, and the transfer in its inbox
    assert client.get(f"/api/cases/{CASE}", headers=prosecutor).status_code == 200
    inbox = client.get("/api/transfers/inbox", headers=prosecutor).json()
    assert [t["id"] for t in inbox] == [transfer["id"]] and inbox[0]["status"] == "pending"
    assert client.get("/api/transfers/inbox", headers=people["judge"]).json() == []
    # the sender may look at it but not review it; a court sees nothing
    assert client.get(f"/api/transfers/{transfer['id']}", headers=police).status_code == 200
    assert client.get(f"/api/transfers/{transfer['id']}", headers=people["judge"]).status_code == 404
    review_url = f"/api/transfers/{transfer['id']}/review"

    id_field = next(f for f in transfer["forms"][0]["fields"] if f["source"].endswith("id_number"))
    bad = client.post(review_url, headers=prosecutor, json={
        "field": id_field["name"], "decision": "correct", "value": "110105198803152711", "reason": "核对原件"})
    assert bad.status_code == 422 and bad.json()["code"] == "field_invalid"
    assert "校验" in bad.json()["message"] or "身份" in bad.json()["message"]
    no_reason = client.post(review_url, headers=prosecutor, json={
        "field": id_field["name"], "decision": "correct", "value": "110105198803152710"})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"

    # every field is either accepted as filled or corrected with its true value and a reason
    truth = {"李明远": {"name": "李明远", "gender": "男", "birth_date": "1988-03-15", "ethnicity": "汉族",
                      "id_number": "110105198803152710", "charges": ["盗窃罪"]},
             "王晓丽": {"name": "王晓丽", "gender": "女", "birth_date": "1992-11-07", "ethnicity": "汉族",
                      "id_number": "110105199211074223", "charges": ["掩饰、隐瞒犯罪所得罪"]}}
    corrected = 0
    for index, form in enumerate(transfer["forms"]):
        for field in form["fields"]:
            key = field["source"].split(".")[-1]
            if field["status"] == "filled":
                continue
            if not field["required"]:
                continue
            value = truth[form["defendant"]].get(key)
            assert value is not None, f"no true value for {field['name']} in this test"
            response = client.post(review_url, headers=prosecutor, json={
                "form_index": index, "field": field["name"], "decision": "correct", "value": value,
                "reason": "据户籍证明更正"})
            assert response.status_code == 200, response.text
            corrected += 1
    first_filled = next(f for f in transfer["forms"][0]["fields"] if f["status"] == "filled")
    assert client.post(review_url, headers=prosecutor, json={
        "field": first_filled["name"], "decision": "accept"}).status_code == 200

    accepted = client.post(f"/api/transfers/{transfer['id']}/accept", headers=prosecutor)
    assert accepted.status_code == 200, accepted.text
    records = accepted.json()["records"]
    assert [r["defendant"] for r in records] == ["李明远", "王晓丽"] and {r["version"] for r in records} == {1}
    assert records[0]["values"][first_filled["name"]] == first_filled["value"]

    again = client.post(f"/api/transfers/{transfer['id']}/accept", headers=prosecutor)
    assert again.status_code == 409 and again.json()["code"] == "transfer_closed"
    late = client.post(review_url, headers=prosecutor, json={"field": first_filled["name"], "decision": "accept"})
    assert late.status_code == 409

    pdf = client.get(records[0]["pdf_url"], headers=police)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
    assert "李明远" in text and "移送审查起诉" in text
    # issue #18: named as a clerk files it (案号, form, person, version), agencies by name
    from urllib.parse import unquote
    disposition = pdf.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition
    readable = unquote(disposition.split("filename*=UTF-8''")[1])
    assert readable.startswith(CASE) and "李明远" in readable and readable.endswith("第1版.pdf")
    assert POLICE in text and PROCURATORATE in text and "（盖章）" in text
    assert client.get(records[0]["pdf_url"], headers=people["judge"]).status_code == 404

    with state.ctx.db.session() as session:
        kept = session.scalars(select(FieldReview).where(FieldReview.decision == "corrected")).all()
        assert len(kept) == corrected
        assert all(r.reason and r.reviewer == "prosecutor" for r in kept)


def test_return_and_concurrent_accept(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    police, prosecutor = people["police-clerk"], people["prosecutor"]
    client.post("/api/cases", json={"case_number": CASE}, headers=police)
    _upload(client, police, "起诉意见书.txt", OPINION)
    for name, text in MATERIALS.items():
        _upload(client, police, name, text)

    first = _transfer(client, police).json()
    empty = client.post(f"/api/transfers/{first['id']}/return", headers=prosecutor, json={"reasons": ["  "]})
    assert empty.status_code == 422 and empty.json()["code"] == "reason_required"
    returned = client.post(f"/api/transfers/{first['id']}/return", headers=prosecutor,
                           json={"reasons": ["证据不足，需补充被害人陈述", "价格认定结论书缺失"]})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert client.get(f"/api/transfers/{first['id']}", headers=police).json()["return_reasons"][0].startswith("证据不足")

    second = _transfer(client, police).json()
    # every required field of this dossier is filled, so accepting needs no correction first
    assert not [f["name"] for form in second["forms"] for f in form["fields"]
                if f["required"] and f["status"] != "filled"]
    results: list[int] = []

    def accept(headers: dict[str, str]) -> None:
        results.append(client.post(f"/api/transfers/{second['id']}/accept", headers=headers).status_code)

    threads = [threading.Thread(target=accept, args=(people[p],)) for p in ("prosecutor", "prosecutor2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    records = client.get(f"/api/cases/{CASE}/form-records", headers=prosecutor).json()
    assert len(records) == len(second["forms"])


def test_accept_refused_while_a_required_field_is_open(client: TestClient, people: dict[str, dict[str, str]]) -> None:
    police, prosecutor = people["police-clerk"], people["prosecutor"]
    client.post("/api/cases", json={"case_number": CASE}, headers=police)
    # the second suspect's paragraph without her ethnicity: that required field stays missing
    _upload(client, police, "起诉意见书.txt", OPINION.replace("公民身份号码110105199211074223，汉族，", ""))
    for name, text in MATERIALS.items():
        _upload(client, police, name, text)
    transfer = _transfer(client, police).json()
    open_fields = [(i, f) for i, form in enumerate(transfer["forms"]) for f in form["fields"]
                   if f["required"] and f["status"] != "filled"]
    assert any(f["source"].endswith("ethnicity") for _i, f in open_fields)
    refused = client.post(f"/api/transfers/{transfer['id']}/accept", headers=prosecutor)
    assert refused.status_code == 422 and refused.json()["code"] == "review_incomplete"
    assert "民族" in refused.json()["message"]
    index, field = next((i, f) for i, f in open_fields if f["source"].endswith("ethnicity"))
    needs_value = client.post(f"/api/transfers/{transfer['id']}/review", headers=prosecutor,
                              json={"form_index": index, "field": field["name"], "decision": "accept"})
    assert needs_value.status_code == 422 and needs_value.json()["code"] == "field_needs_value"
