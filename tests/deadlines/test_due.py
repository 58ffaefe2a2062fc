"""``GET /api/deadlines/due``: open time limits due soon across the cases a user may see (issue 21)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.services.users import create_user
from api.state import AppState
from tests.conftest import bearer
from tests.deadlines import documents as docs
from tests.deadlines.uploads import upload_done

CASE_A = "（2026）京朝公刑立字第2111号"
CASE_B = "（2026）京朝公刑立字第2112号"
PASSWORD = "due-password-1"


def test_issue21_due_this_week_across_cases(client: TestClient) -> None:
    upload_done(client, CASE_A, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    upload_done(client, CASE_B, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    # 2026-04-08: the request of 4/7 is decided within 7 days (art. 91): 4/14, 6 days left, for
    # both suspects. 王某 (on bail) was indicted on 2/10 with 速裁 proposed: 10 days (art. 225) end
    # on 2/20, within the Spring Festival holiday (2/15–2/23), so on 2/24 (art. 105): overdue, and
    # listed first. His bail of 1/20 runs 12 months (art. 79) to 2027-01-20, not this week.
    body = client.get("/api/deadlines/due", params={"days": 7, "today": "2026-04-08"}).json()
    assert (body["today"], body["days"]) == ("2026-04-08", 7)
    due = {(item["case_number"], item["person"], item["rule"]): item for item in body["limits"]}
    assert set(due) == {(CASE_A, "张某", "arrest_decision"), (CASE_A, "李某某", "arrest_decision"),
                        (CASE_B, "王某", "trial")}
    trial = body["limits"][0]
    assert (trial["person"], trial["due"], trial["status"], trial["days_left"]) == ("王某", "2026-02-24", "overdue", -43)
    item = due[(CASE_A, "李某某", "arrest_decision")]
    assert (item["from"], item["due"], item["days_left"], item["status"]) == ("2026-04-07", "2026-04-14", 6, "running")
    assert item["article"].startswith("刑事诉讼法第九十一条") and item["title"]
    # five days ahead: only the overdue one
    soon = client.get("/api/deadlines/due", params={"days": 5, "today": "2026-04-08"}).json()["limits"]
    assert [(i["person"], i["rule"]) for i in soon] == [("王某", "trial")]
    # a week after the due date the limit is overdue and stays listed, first of all
    late = client.get("/api/deadlines/due", params={"days": 0, "today": "2026-04-21"}).json()["limits"]
    assert {(i["person"], i["status"], i["days_left"]) for i in late if i["rule"] == "arrest_decision"} == {
        ("张某", "overdue", -7), ("李某某", "overdue", -7)}


def test_issue21_due_list_is_audited_and_scoped(client: TestClient, state: AppState) -> None:
    upload_done(client, CASE_A, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    client.get("/api/deadlines/due", params={"today": "2026-04-08"})
    events = client.get("/api/admin/audit", params={"action": "deadlines.due"}).json()
    assert events and events[0]["detail"]["cases"] == [CASE_A] and events[0]["detail"]["limits"] == 2
    assert events[0]["detail"]["cases_read"] == 1
    with state.ctx.db.session() as session:
        create_user(session, "due-stranger", PASSWORD, agency="乙市人民检察院", role="prosecutor")
    stranger = bearer(client, "due-stranger", PASSWORD)
    body = client.get("/api/deadlines/due", params={"today": "2026-04-08"}, headers=stranger).json()
    assert body["limits"] == []
    assert "张某" not in str(body)


def test_issue21_due_days_out_of_range_is_422(client: TestClient) -> None:
    response = client.get("/api/deadlines/due", params={"days": 400})
    assert response.status_code == 422
    assert set(response.json()) >= {"code", "message", "hint"}


def test_issue21_due_at_the_end_of_the_calendar_is_no_server_error(client: TestClient) -> None:
    response = client.get("/api/deadlines/due", params={"days": 7, "today": "9999-12-30"})
    assert response.status_code == 200, response.text
    assert response.json()["limits"] == []
