"""The due list keeps each case's report until the case changes (issue 21, item 4).

Counted by the calls to the computation, never by time: a second request reads no case again;
a record, a transfer's decision or a new document makes exactly that case be read again, and
the list shows the change at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.users import create_user, get_or_create_agency
from api.state import AppState
from models.tables import Case, Transfer, TransferStatus
from nlp.deadlines import report as report_module
from tests.conftest import bearer
from tests.deadlines import documents as docs

CASE_A = "（2026）京朝公刑立字第2191号"
CASE_B = "（2026）京朝公刑立字第2192号"
PASSWORD = "cache-password-1"
PARAMS = {"days": 7, "today": "2026-04-08"}


def _upload(client: TestClient, case: str, name: str, text: str, *, new: bool = True) -> None:
    if new:
        assert client.post("/api/cases", json={"case_number": case}).status_code == 201
    response = client.post(f"/api/cases/{case}/documents",
                           files=[("file", (name, text.encode("utf-8"), "application/octet-stream"))])
    document_id = response.json()["documents"][0]["id"]
    assert client.get(f"/api/documents/{document_id}").json()["status"] == "done"


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents each computation of a case's report read, one entry per computation."""
    calls: list[int] = []
    real = report_module.case_deadlines

    def counting(documents: Any, **kwargs: Any) -> Any:
        calls.append(len(documents))
        return real(documents, **kwargs)

    monkeypatch.setattr(report_module, "case_deadlines", counting)
    return calls


def _due(client: TestClient, **params: str) -> dict[tuple[str, str, str], dict]:
    body = client.get("/api/deadlines/due", params={**PARAMS, **params}).json()
    return {(i["case_number"], i["person"], i["rule"]): i for i in body["limits"]}


def test_issue21_due_list_reads_a_case_again_only_when_it_changed(
    client: TestClient, state: AppState, computed: list[int],
) -> None:
    _upload(client, CASE_A, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    _upload(client, CASE_B, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    with state.ctx.db.session() as session:
        create_user(session, "cache-investigator", PASSWORD, agency=state.settings.default_agency,
                    role="investigator")
    handler = bearer(client, "cache-investigator", PASSWORD)
    computed.clear()

    first = _due(client)
    assert len(computed) == 2
    assert _due(client) == first and len(computed) == 2  # nothing changed: nothing read again
    # another day is another report (days left and status count from it)
    client.get("/api/deadlines/due", params={**PARAMS, "today": "2026-04-09"})
    assert len(computed) == 4

    # a recorded change of measure: only case A again, and the list shows it. 张某 released on
    # bail on 4月8日: the request's decision limit (4月14日, art. 91) ends; bail runs 12 months
    record = {"person": "张某", "kind": "measure", "measure": "不批准逮捕", "date": "2026-04-08",
              "document_number": "京朝检（刑）不捕字〔2026〕8号"}
    assert client.post(f"/api/cases/{CASE_A}/custody-records", json=record, headers=handler).status_code == 201
    computed.clear()
    after = _due(client)
    assert computed == [1]
    assert (CASE_A, "张某", "arrest_decision") in first and (CASE_A, "张某", "arrest_decision") not in after
    record_id = client.get(f"/api/cases/{CASE_A}/deadlines", params={"today": "2026-04-08"}).json()["records"][0]["id"]
    computed.clear()
    # withdrawn: read again, and the limit is back
    assert client.post(f"/api/cases/{CASE_A}/custody-records/{record_id}/withdraw", json={"reason": "录错"},
                       headers=handler).status_code == 200
    computed.clear()
    assert (CASE_A, "张某", "arrest_decision") in _due(client) and computed == [1]

    # a transfer of case B decided: read again
    with state.ctx.db.session() as session:
        row = session.scalar(select(Case).where(Case.case_number == CASE_B))
        assert row is not None and row.agency_id is not None
        court = get_or_create_agency(session, "北京市朝阳区人民法院")
        transfer = Transfer(case_id=row.id, form_id="indictment", form_version="1.0", from_agency_id=row.agency_id,
                            to_agency_id=court.id, status=TransferStatus.PENDING, prefill=[], checklist=[],
                            created_by="x", created_at=datetime(2026, 4, 7, 2, tzinfo=UTC))
        session.add(transfer)
        session.commit()
        computed.clear()
        _due(client)
        assert computed == [1]
        transfer.status = TransferStatus.ACCEPTED
        transfer.decided_at = datetime(2026, 4, 8, 2, tzinfo=UTC)
        session.commit()
    computed.clear()
    _due(client)
    assert computed == [1]

    # a new document in case A: read again, with both documents
    computed.clear()
    _upload(client, CASE_A, "拘留证.txt", docs.DETENTION_WARRANT, new=False)
    computed.clear()
    _due(client)
    assert computed == [2]
