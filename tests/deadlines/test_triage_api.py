"""繁简分流 of a stored case (issue 21): the case's triage, and a handler's decision on it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.services.users import create_user
from api.state import AppState
from tests.conftest import bearer
from tests.deadlines import documents as docs

CASE = "（2026）京朝检刑诉字第2121号"
PASSWORD = "triage-password-1"
DRUNK = "2026年1月19日22时许，被告人王某醉酒驾驶小型轿车被民警查获，血液酒精含量为152mg/100ml。被告人王某自愿认罪认罚，签署了认罪认罚具结书。"
# a police document: it says nothing of 认罪认罚, which is no block once another document states it
POLICE_OPINION = """北京市公安局朝阳分局
起诉意见书
京公朝（刑）诉字〔2026〕21号
犯罪嫌疑人王某，男，1985年7月1日出生，汉族，住北京市朝阳区某路3号。2026年1月20日因涉嫌危险驾驶罪被北京市公安局朝阳分局取保候审。
经依法侦查查明：2026年1月19日22时许，犯罪嫌疑人王某醉酒驾驶小型轿车被民警查获，血液酒精含量为152mg/100ml。
综上所述，犯罪嫌疑人王某的行为已触犯《中华人民共和国刑法》第一百三十三条之一，涉嫌危险驾驶罪，现将此案移送审查起诉。
此致
北京市朝阳区人民检察院
二〇二六年二月二日
"""


def _upload(client: TestClient, name: str, text: str) -> int:
    response = client.post(f"/api/cases/{CASE}/documents",
                           files=[("file", (name, text.encode("utf-8"), "application/octet-stream"))])
    assert response.status_code == 201, response.text
    document_id = int(response.json()["documents"][0]["id"])
    assert client.get(f"/api/documents/{document_id}").json()["status"] == "done"
    return document_id


def test_issue21_case_triage_joins_its_documents(client: TestClient) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    police = _upload(client, "起诉意见书.txt", POLICE_OPINION)
    alone = client.get(f"/api/cases/{CASE}/triage").json()
    assert alone["candidate"] is None
    assert "no_guilty_plea" in {b["id"] for b in alone["blocking"]}

    indictment = _upload(client, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    body = client.get(f"/api/cases/{CASE}/triage").json()
    assert body["documents"] == [police, indictment]
    assert body["candidate"] == "速裁" and body["blocking"] == []
    plea = next(r for r in body["reasons"] if r["id"] == "guilty_plea")
    assert "第二百二十二条" in plea["article"]
    # the reason links to the page of the document that states it
    assert plea["evidence"]["document_id"] == indictment and plea["evidence"]["page"] == 1
    assert (body["decision"], body["decisions"]) == (None, [])

    # a disqualifier stated in any document stands: never a candidate
    blind = _upload(client, "起诉书（补充）.txt", docs.indictment(docs.ADULT.format(c="危险驾驶罪"), DRUNK + "被告人王某系盲人。"))
    body = client.get(f"/api/cases/{CASE}/triage").json()
    assert body["candidate"] is None
    block = next(b for b in body["blocking"] if b["id"] == "blind_deaf_mute")
    assert block["evidence"]["document_id"] == blind and block["evidence"]["page"] == 1
    assert block["article"]


def test_issue21_triage_decision_is_stored_audited_and_shown(client: TestClient, state: AppState) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    _upload(client, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    with state.ctx.db.session() as session:
        create_user(session, "triage-prosecutor", PASSWORD, agency=state.settings.default_agency, role="prosecutor")
        create_user(session, "triage-stranger", PASSWORD, agency="乙市人民检察院", role="prosecutor")
    handler = bearer(client, "triage-prosecutor", PASSWORD)
    url = f"/api/cases/{CASE}/triage/decisions"

    # the administrator is no handler; a blank reason is refused; another agency finds no case
    assert client.post(url, json={"decision": "confirmed", "procedure": "速裁", "reason": "x"}).status_code == 403
    blank = client.post(url, json={"decision": "confirmed", "procedure": "速裁", "reason": "   "}, headers=handler)
    assert (blank.status_code, blank.json()["code"]) == (422, "triage_reason_required")
    foreign = client.post(url, json={"decision": "confirmed", "procedure": "速裁", "reason": "x"},
                          headers=bearer(client, "triage-stranger", PASSWORD))
    assert foreign.status_code == 404

    first = client.post(url, json={"decision": "confirmed", "procedure": "速裁", "reason": "认罪认罚，事实清楚"}, headers=handler)
    assert first.status_code == 201, first.text
    second = client.post(url, json={"decision": "rejected", "procedure": "速裁", "reason": "被害人提起附带民事诉讼"}, headers=handler)
    assert second.status_code == 201
    body = client.get(f"/api/cases/{CASE}/triage").json()
    assert [d["decision"] for d in body["decisions"]] == ["rejected", "confirmed"]
    latest = body["decision"]
    assert (latest["decision"], latest["procedure"], latest["computed"], latest["reason"], latest["decided_by"]) == (
        "rejected", "速裁", "速裁", "被害人提起附带民事诉讼", "triage-prosecutor")
    assert latest["agency"] == state.settings.default_agency

    events = client.get("/api/admin/audit", params={"action": "triage.decide"}).json()
    assert [e["detail"]["decision"] for e in events if e["outcome"] == "ok"] == ["rejected", "confirmed"]
    assert events[0]["target"] == f"case:{CASE}" and events[0]["detail"]["reason"] == "被害人提起附带民事诉讼"
    assert client.get("/api/admin/audit", params={"action": "triage.view"}).json()


def test_issue21_triage_decision_only_by_the_agency_holding_the_case(client: TestClient, state: AppState) -> None:
    """An agency that only reads the case (a transfer not yet accepted) sees triage but does not decide."""
    from sqlalchemy import select

    from models.tables import Agency, Case, CaseAccess

    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    _upload(client, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    with state.ctx.db.session() as session:
        create_user(session, "triage-reader", PASSWORD, agency="乙市人民检察院", role="prosecutor")
        agency = session.scalar(select(Agency).where(Agency.name == "乙市人民检察院"))
        case = session.scalar(select(Case).where(Case.case_number == CASE))
        assert agency is not None and case is not None
        session.add(CaseAccess(case_id=case.id, agency_id=agency.id, reason="transfer"))
        session.commit()
    reader = bearer(client, "triage-reader", PASSWORD)
    assert client.get(f"/api/cases/{CASE}/triage", headers=reader).json()["candidate"] == "速裁"
    refused = client.post(f"/api/cases/{CASE}/triage/decisions", headers=reader,
                          json={"decision": "confirmed", "procedure": "速裁", "reason": "认罪认罚"})
    assert (refused.status_code, refused.json()["code"]) == (403, "case_not_held")
    assert client.get(f"/api/cases/{CASE}/triage").json()["decisions"] == []
