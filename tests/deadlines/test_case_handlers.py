"""The handler (承办人) of a case's stage, assigned by the agency holding it, and the due list (issue 21).

Before an assignment the due list's handlers are the users who acted on the case, and it says so;
once the holding agency assigns a handler, the handler filter and "my due items" go by it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.users import create_user, get_or_create_agency
from api.state import AppState
from models.tables import Case, CaseAccess, Transfer, TransferStatus
from tests.conftest import bearer
from tests.deadlines import documents as docs
from tests.deadlines.uploads import upload_done

CASE = "（2026）京朝公刑立字第2141号"
OTHER = "（2026）京朝公刑立字第2142号"
PROCURATORATE = "北京市朝阳区人民检察院"
PASSWORD = "handlers-password-1"
URL = f"/api/cases/{CASE}/handler"
PARAMS = {"days": 7, "today": "2026-04-08"}


def _world(client: TestClient, state: AppState) -> dict[str, dict[str, str]]:
    upload_done(client, CASE, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    upload_done(client, OTHER, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    police = state.settings.default_agency
    with state.ctx.db.session() as session:
        for name, agency, role in (("h-acted", police, "investigator"), ("h-assigned", police, "investigator"),
                                   ("h-clerk", police, "clerk"), ("h-prosecutor", PROCURATORATE, "prosecutor"),
                                   ("h-prosecutor2", PROCURATORATE, "prosecutor")):
            create_user(session, name, PASSWORD, agency=agency, role=role)
    return {name: bearer(client, name, PASSWORD)
            for name in ("h-acted", "h-assigned", "h-clerk", "h-prosecutor", "h-prosecutor2")}


def _accepted_transfer(state: AppState) -> None:
    """The case sent for review and taken in by the procuratorate (which now holds its stage)."""
    with state.ctx.db.session() as session:
        case = session.scalar(select(Case).where(Case.case_number == CASE))
        assert case is not None and case.agency_id is not None
        receiver = get_or_create_agency(session, PROCURATORATE)
        session.add(Transfer(case_id=case.id, form_id="prosecution_transfer", form_version="1.0",
                             from_agency_id=case.agency_id, to_agency_id=receiver.id,
                             status=TransferStatus.ACCEPTED, prefill=[], checklist=[], created_by="h-acted",
                             created_at=datetime(2026, 4, 8, 1, 0, tzinfo=UTC), decided_by="h-prosecutor",
                             decided_at=datetime(2026, 4, 9, 1, 0, tzinfo=UTC)))
        session.add(CaseAccess(case_id=case.id, agency_id=receiver.id, reason="transfer"))
        session.commit()


def _due_cases(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> set[str]:
    body = client.get("/api/deadlines/due", params={**PARAMS, **params}, headers=headers).json()
    return {item["case_number"] for item in body["limits"]}


def test_issue21_holding_agency_assigns_a_handler_and_the_due_list_follows_it(
    client: TestClient, state: AppState,
) -> None:
    users = _world(client, state)
    # h-acted records on the case: before any assignment that makes them its handler (the fallback)
    record = {"person": "张某", "kind": "extension", "extension": "arrest_request_30", "date": "2026-03-12",
              "document_number": "京公朝（刑）延拘字〔2026〕12号"}
    assert client.post(f"/api/cases/{CASE}/custody-records", json=record, headers=users["h-acted"]).status_code == 201
    before = client.get("/api/deadlines/due", params={**PARAMS, "handler": "me"}, headers=users["h-acted"]).json()
    assert {i["case_number"] for i in before["limits"]} == {CASE}
    assert {i["handler_source"] for i in before["limits"]} == {"acted"}
    assert before["unassigned_cases"] == [CASE]

    shown = client.get(URL, headers=users["h-clerk"]).json()
    assert shown["current"] is None and shown["may_assign"] is True
    assert shown["agency"] == state.settings.default_agency
    # handlers are the agency's investigators: not its clerk, not its administrator
    assert [c["username"] for c in shown["candidates"]] == ["h-acted", "h-assigned"]
    assert client.get(URL, headers=users["h-acted"]).json()["may_assign"] is True

    # the clerk assigns h-assigned
    made = client.post(URL, json={"username": "h-assigned"}, headers=users["h-clerk"])
    assert made.status_code == 201, made.text
    assert (made.json()["username"], made.json()["assigned_by"]) == ("h-assigned", "h-clerk")
    assert client.get(URL, headers=users["h-clerk"]).json()["current"]["username"] == "h-assigned"
    audit = client.get("/api/admin/audit", params={"action": "case.assign_handler"}).json()
    assert audit and audit[0]["detail"]["handler"] == "h-assigned" and audit[0]["target"] == f"case:{CASE}"

    # the due list goes by the assignment: h-assigned's, no longer h-acted's
    mine = client.get("/api/deadlines/due", params={**PARAMS, "handler": "me"}, headers=users["h-assigned"]).json()
    assert {i["case_number"] for i in mine["limits"]} == {CASE}
    assert {(tuple(i["handlers"]), i["handler_source"]) for i in mine["limits"]} == {(("h-assigned",), "assigned")}
    assert mine["unassigned_cases"] == []
    assert _due_cases(client, users["h-acted"], handler="me") == set()
    assert _due_cases(client, handler="h-assigned") == {CASE}
    # everything: the other case has no handler assigned, and the response says so
    everything = client.get("/api/deadlines/due", params=PARAMS).json()
    assert everything["unassigned_cases"] == [OTHER]
    assert "h-assigned" in everything["handlers"] and "h-acted" not in everything["handlers"]
    other = next(i for i in everything["limits"] if i["case_number"] == OTHER)
    assert other["handler_source"] == "acted"


def test_issue21_only_a_handler_of_the_holding_agency_may_be_assigned(client: TestClient, state: AppState) -> None:
    users = _world(client, state)
    for name in ("h-prosecutor", "h-clerk", "admin", "no-such-user"):
        response = client.post(URL, json={"username": name}, headers=users["h-clerk"])
        assert (response.status_code, response.json()["code"]) == (422, "handler_invalid"), name
        assert state.settings.default_agency in response.json()["message"] and response.json()["hint"]
    # another agency cannot assign on a case it does not hold (it does not even see it yet)
    assert client.post(URL, json={"username": "h-prosecutor"}, headers=users["h-prosecutor"]).status_code == 404
    # an administrator may not assign
    assert client.post(URL, json={"username": "h-assigned"}).status_code == 403


def test_issue21_a_new_stage_needs_its_own_handler(client: TestClient, state: AppState) -> None:
    users = _world(client, state)
    assert client.post(URL, json={"username": "h-assigned"}, headers=users["h-clerk"]).status_code == 201
    _accepted_transfer(state)
    # the procuratorate holds the stage now: the police's assignment was for their stage
    shown = client.get(URL, headers=users["h-prosecutor"]).json()
    assert shown["agency"] == PROCURATORATE and shown["current"] is None and shown["may_assign"] is True
    assert [c["username"] for c in shown["candidates"]] == ["h-prosecutor", "h-prosecutor2"]
    assert [h["username"] for h in shown["history"]] == ["h-assigned"]
    police = client.post(URL, json={"username": "h-assigned"}, headers=users["h-clerk"])
    assert (police.status_code, police.json()["code"]) == (403, "case_not_held")
    assert client.post(URL, json={"username": "h-assigned"}, headers=users["h-prosecutor"]).json()["code"] == \
        "handler_invalid"
    made = client.post(URL, json={"username": "h-prosecutor2"}, headers=users["h-prosecutor"])
    assert made.status_code == 201 and made.json()["transfer_id"] is not None
    # the review (1 month, art. 172) is due in May: within 40 days
    assert _due_cases(client, users["h-prosecutor2"], handler="me", days="40") == {CASE}
    assert _due_cases(client, handler="h-assigned", days="40") == set()
