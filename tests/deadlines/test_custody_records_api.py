"""Recorded extensions and changes of measure, transfers and the due list's filters (issue 21).

A handler records an extension or a change of measure on a case; transfers join the timeline;
the due list filters by handler and agency. Dates counted by hand from the law.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.users import create_user
from api.state import AppState
from models.tables import Agency, Case, Transfer, TransferStatus
from tests.conftest import bearer
from tests.deadlines import documents as docs
from tests.deadlines.uploads import upload_done

CASE = "（2026）京朝公刑立字第2131号"
OTHER = "（2026）京朝公刑立字第2132号"
PASSWORD = "records-password-1"
URL = f"/api/cases/{CASE}/custody-records"


def _limit(client: TestClient, person: str, rule: str, today: str, headers: dict[str, str] | None = None) -> dict:
    body = client.get(f"/api/cases/{CASE}/deadlines", params={"today": today}, headers=headers).json()
    limits = next(p["limits"] for p in body["persons"] if p["name"] == person)
    return next(limit for limit in limits if limit["rule"] == rule)


def _users(state: AppState) -> None:
    with state.ctx.db.session() as session:
        create_user(session, "records-investigator", PASSWORD, agency=state.settings.default_agency, role="investigator")
        create_user(session, "records-clerk", PASSWORD, agency=state.settings.default_agency, role="clerk")
        create_user(session, "records-stranger", PASSWORD, agency="乙市公安局", role="investigator")


def test_issue21_recorded_extension_changes_the_due_date(client: TestClient, state: AppState) -> None:
    document_id = upload_done(client, CASE, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    _users(state)
    handler = bearer(client, "records-investigator", PASSWORD)
    # 张某: 刑事拘留 3月10日, request 4月7日: 3 days (art. 91) end 3月13日; the request is late
    # unless the time was extended, which no document records: 'unclear'
    before = _limit(client, "张某", "arrest_request", "2026-04-08")
    assert (before["due"], before["status"]) == ("2026-03-13", "unclear")

    # the 30-day extension (流窜作案, art. 91 para. 2), recorded with its 文号: 3月10日 + 30 = 4月9日
    body = {"person": "张某", "kind": "extension", "extension": "arrest_request_30", "date": "2026-03-12",
            "document_number": "京公朝（刑）延拘字〔2026〕12号"}
    # an administrator or a clerk is no handler; another agency finds no case
    assert client.post(URL, json=body).status_code == 403
    assert client.post(URL, json=body, headers=bearer(client, "records-clerk", PASSWORD)).status_code == 403
    assert client.post(URL, json=body, headers=bearer(client, "records-stranger", PASSWORD)).status_code == 404
    created = client.post(URL, json=body, headers=handler)
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    after = _limit(client, "张某", "arrest_request", "2026-04-08")
    assert (after["due"], after["status"]) == ("2026-04-09", "met")
    timeline = client.get(f"/api/cases/{CASE}/deadlines", params={"today": "2026-04-08"}).json()
    zhang = next(p for p in timeline["persons"] if p["name"] == "张某")
    ext = next(e for e in zhang["events"] if e["measure"] == "延长")
    assert ext["evidence"]["document_number"] == "京公朝（刑）延拘字〔2026〕12号"
    assert ext["extension_title"].startswith("流窜作案")
    assert [r["id"] for r in timeline["records"]] == [record_id]
    assert "arrest_request_30" in {e["id"] for e in timeline["recordable"]["extensions"]}
    # 李某某, extended in the document itself, is unchanged (4月9日), and not touched by the record
    assert _limit(client, "李某某", "arrest_request", "2026-04-08")["due"] == "2026-04-09"

    # a change of measure with a document of the case: 不批准逮捕 then 取保候审 on 4月14日 stops
    # the custody; the bail runs 12 months (art. 79): 2027年4月14日
    bail = {"person": "张某", "kind": "measure", "measure": "取保候审", "date": "2026-04-14",
            "document_id": document_id}
    assert client.post(URL, json=bail, headers=handler).status_code == 201
    assert _limit(client, "张某", "bail_max", "2026-04-15")["due"] == "2027-04-14"

    events = client.get("/api/admin/audit", params={"action": "deadlines.record"}).json()
    assert {e["detail"]["kind"] for e in events} == {"extension", "measure"}
    assert any(e["detail"].get("document_number") == "京公朝（刑）延拘字〔2026〕12号" for e in events)

    # withdrawn with a reason, the extension leaves the timeline (the record stays, marked)
    withdrawn = client.post(f"{URL}/{record_id}/withdraw", json={"reason": "文号录错"}, headers=handler)
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_by"] == "records-investigator"
    assert _limit(client, "张某", "arrest_request", "2026-04-08")["due"] == "2026-03-13"
    again = client.post(f"{URL}/{record_id}/withdraw", json={"reason": "再次"}, headers=handler)
    assert again.status_code == 422


def test_issue21_record_without_its_document_or_with_an_unknown_measure_is_refused(
    client: TestClient, state: AppState,
) -> None:
    upload_done(client, CASE, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    foreign_document = upload_done(client, OTHER, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    _users(state)
    handler = bearer(client, "records-investigator", PASSWORD)
    base = {"person": "张某", "kind": "measure", "measure": "取保候审", "date": "2026-04-14"}
    for body in (base, {**base, "document_number": "  "}, {**base, "document_id": foreign_document},
                 {**base, "measure": "罚款", "document_number": "1号"},
                 {**base, "kind": "extension", "extension": "no_such", "document_number": "1号"}):
        response = client.post(URL, json=body, headers=handler)
        assert (response.status_code, response.json()["code"]) == (422, "custody_record_invalid"), body
        assert response.json()["hint"]


def _transfer(state: AppState, case_number: str, form_id: str, sent: datetime, status: str,
              decided: datetime | None = None) -> None:
    with state.ctx.db.session() as session:
        case = session.scalar(select(Case).where(Case.case_number == case_number))
        assert case is not None and case.agency_id is not None
        procuratorate = Agency(name="北京市朝阳区人民检察院", kind="procuratorate")
        session.add(procuratorate)
        session.flush()
        session.add(Transfer(case_id=case.id, form_id=form_id, form_version="1.0",
                             from_agency_id=case.agency_id, to_agency_id=procuratorate.id, status=status,
                             prefill=[], checklist=[], created_by="records-investigator", created_at=sent,
                             decided_by="审查员" if decided else None, decided_at=decided,
                             return_reasons=["材料不齐"] if status == TransferStatus.RETURNED else None))
        session.commit()


def test_issue21_transfers_are_on_the_timeline(client: TestClient, state: AppState) -> None:
    # 周某 on bail (2025年3月12日). The case sent for review at 2026-03-31 17:00 UTC, 4月1日 in
    # Beijing: the review counts from receipt, 1 month (art. 172) → 5月1日, 劳动节 (5月1日至5日),
    # not held: 5月6日. The document's own date (2025年9月1日) came first; the transfer restarts it.
    upload_done(client, CASE, "起诉意见书.txt", docs.DETENTION_THEN_BAIL)
    _transfer(state, CASE, "prosecution_transfer", datetime(2026, 3, 31, 17, 0, tzinfo=UTC), TransferStatus.RETURNED,
              decided=datetime(2026, 4, 3, 2, 0, tzinfo=UTC))
    body = client.get(f"/api/cases/{CASE}/deadlines", params={"today": "2026-04-02"}).json()
    wang = next(p for p in body["persons"] if p["name"] == "周某")
    measures = {(e["measure"], e["date"]) for e in wang["events"]}
    assert {("移送审查起诉", "2026-04-01"), ("退回移送审查起诉", "2026-04-03")} <= measures
    sent = next(e for e in wang["events"] if e["date"] == "2026-04-01")
    assert "一键流转" in sent["source"] and sent["evidence"]["transfer_id"]
    review = [limit for limit in wang["limits"] if limit["rule"] == "prosecution_review"]
    assert any(limit["from"] == "2026-04-01" and limit["due"] == "2026-05-06" for limit in review), wang


def test_issue21_due_list_filters_by_handler_and_agency(client: TestClient, state: AppState) -> None:
    upload_done(client, CASE, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    upload_done(client, OTHER, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    _users(state)
    handler = bearer(client, "records-investigator", PASSWORD)
    record = {"person": "张某", "kind": "extension", "extension": "arrest_request_30", "date": "2026-03-12",
              "document_number": "京公朝（刑）延拘字〔2026〕12号"}
    assert client.post(URL, json=record, headers=handler).status_code == 201
    params = {"days": 7, "today": "2026-04-08"}
    everything = client.get("/api/deadlines/due", params=params).json()
    assert {i["case_number"] for i in everything["limits"]} == {CASE, OTHER}
    assert everything["warn_days"] == state.settings.deadline_warn_days
    assert everything["handlers"] == ["records-investigator"]
    assert everything["agencies"] == [state.settings.default_agency]
    overdue = next(i for i in everything["limits"] if i["case_number"] == OTHER)
    assert overdue["overdue"] is True and overdue["status"] == "overdue"

    # the handler's own cases: only the one they recorded on
    mine = client.get("/api/deadlines/due", params={**params, "handler": "me"}, headers=handler).json()
    assert mine["handler"] == "records-investigator"
    assert {i["case_number"] for i in mine["limits"]} == {CASE}
    assert all(i["handlers"] == ["records-investigator"] for i in mine["limits"])
    named = client.get("/api/deadlines/due", params={**params, "handler": "records-investigator"}).json()
    assert {i["case_number"] for i in named["limits"]} == {CASE}
    # by agency: the one holding the cases, and one holding none
    own = client.get("/api/deadlines/due", params={**params, "agency": state.settings.default_agency}).json()
    assert {i["case_number"] for i in own["limits"]} == {CASE, OTHER}
    assert client.get("/api/deadlines/due", params={**params, "agency": "乙市公安局"}).json()["limits"] == []
    # the 2-day warning window (CASEFILE_DEADLINE_WARN_DAYS default 3): 4月14日 is 6 days away
    soon = client.get("/api/deadlines/due", params={"days": 7, "today": "2026-04-12"}).json()["limits"]
    decision = next(i for i in soon if i["person"] == "张某" and i["rule"] == "arrest_decision")
    assert (decision["days_left"], decision["due_soon"]) == (2, True)
    audit = client.get("/api/admin/audit", params={"action": "deadlines.due"}).json()
    assert any(e["detail"].get("handler") == "records-investigator" for e in audit)
