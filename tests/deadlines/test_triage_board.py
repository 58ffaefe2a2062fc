"""The triage board (issue 21): the fast-track candidates of a user's inbox or visible cases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.users import create_user
from api.state import AppState
from models.tables import Agency, Case, CaseAccess, Transfer, TransferStatus
from tests.conftest import bearer
from tests.deadlines import documents as docs
from tests.deadlines.uploads import upload_done

FAST = "（2026）京朝检刑诉字第2141号"
SLOW = "（2026）京朝检刑诉字第2142号"
PASSWORD = "board-password-1"


def test_issue21_board_lists_candidates_with_evidence_and_takes_decisions(client: TestClient, state: AppState) -> None:
    fast = upload_done(client, FAST, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    upload_done(client, SLOW, "起诉书.txt", docs.RETURNED_INDICTMENT)  # 诈骗 数额巨大, no plea: no candidate
    with state.ctx.db.session() as session:
        create_user(session, "board-prosecutor", PASSWORD, agency=state.settings.default_agency, role="prosecutor")
        create_user(session, "board-reader", PASSWORD, agency="乙市人民检察院", role="prosecutor")
    handler = bearer(client, "board-prosecutor", PASSWORD)

    body = client.get("/api/triage/board", headers=handler).json()
    assert body["scope"] == "all" and body["cases_read"] == 2
    assert [i["case_number"] for i in body["items"]] == [FAST]
    item = body["items"][0]
    assert item["candidate"] == "速裁" and item["may_decide"] is True and item["decision"] is None
    plea = next(r for r in item["reasons"] if r["id"] == "guilty_plea")
    assert (plea["evidence"]["document_id"], plea["evidence"]["page"]) == (fast, 1)

    # confirmed from the board through the case's decision route: the board shows it
    decided = client.post(f"/api/cases/{FAST}/triage/decisions", headers=handler,
                          json={"decision": "confirmed", "procedure": "速裁", "reason": "认罪认罚，事实清楚"})
    assert decided.status_code == 201
    item = client.get("/api/triage/board", headers=handler).json()["items"][0]
    assert (item["decision"]["decision"], item["decision"]["decided_by"]) == ("confirmed", "board-prosecutor")
    audit = client.get("/api/admin/audit", params={"action": "triage.board"}).json()
    assert audit and audit[0]["detail"]["cases"] == [FAST]

    # another agency sees nothing, then the case sent to it: in its inbox, readable, not decidable
    reader = bearer(client, "board-reader", PASSWORD)
    assert client.get("/api/triage/board", headers=reader).json()["items"] == []
    with state.ctx.db.session() as session:
        case = session.scalar(select(Case).where(Case.case_number == FAST))
        other = session.scalar(select(Agency).where(Agency.name == "乙市人民检察院"))
        assert case is not None and other is not None and case.agency_id is not None
        session.add(CaseAccess(case_id=case.id, agency_id=other.id, reason="transfer:indictment"))
        session.add(Transfer(case_id=case.id, form_id="indictment", form_version="1.0", from_agency_id=case.agency_id,
                             to_agency_id=other.id, status=TransferStatus.PENDING, prefill=[], checklist=[],
                             created_by="board-prosecutor"))
        session.commit()
    inbox = client.get("/api/triage/board", params={"scope": "inbox"}, headers=reader).json()
    assert [i["case_number"] for i in inbox["items"]] == [FAST]
    assert inbox["items"][0]["may_decide"] is False
    # the sender's own inbox holds nothing sent to it
    assert client.get("/api/triage/board", params={"scope": "inbox"}, headers=handler).json()["items"] == []
