"""The receiving agency's limits count from its receipt of the case, not the day it was sent (issue 21).

Art. 91 para. 3: 人民检察院应当自接到公安机关提请批准逮捕书后的七日以内作出批准逮捕或者不批准逮捕的决定.
Art. 172: 人民检察院对于监察机关、公安机关移送起诉的案件，应当在一个月以内作出决定.
Art. 208: 人民法院审理公诉案件，应当在受理后二个月以内宣判.
Counting (art. 105): the first day is not counted; a month from a month's last day runs to the next
month's last day; a due date on a holiday moves to the next working day unless the person is held.
Every expected date below is counted by hand from these texts.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.users import get_or_create_agency
from api.state import AppState
from models.tables import Case, Transfer, TransferStatus
from nlp.deadlines.compute import Event, limits_json
from tests.deadlines import documents as docs

CASE = "（2026）京东公刑立字第2161号"


def _upload(client: TestClient, text: str) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    response = client.post(f"/api/cases/{CASE}/documents",
                           files=[("file", ("文书.txt", text.encode("utf-8"), "application/octet-stream"))])
    document_id = response.json()["documents"][0]["id"]
    assert client.get(f"/api/documents/{document_id}").json()["status"] == "done"


def _transfer(state: AppState, form_id: str, sent: datetime, status: str, decided: datetime | None = None) -> None:
    with state.ctx.db.session() as session:
        case = session.scalar(select(Case).where(Case.case_number == CASE))
        assert case is not None and case.agency_id is not None
        receiver = get_or_create_agency(session, "北京市东城区人民检察院")
        session.add(Transfer(case_id=case.id, form_id=form_id, form_version="1.0", from_agency_id=case.agency_id,
                             to_agency_id=receiver.id, status=status, prefill=[], checklist=[], created_by="民警",
                             created_at=sent, decided_by="检察官" if decided else None, decided_at=decided))
        session.commit()


def _limits(client: TestClient, person: str, rule: str, today: str) -> list[dict]:
    body = client.get(f"/api/cases/{CASE}/deadlines", params={"today": today}).json()
    limits = next(p["limits"] for p in body["persons"] if p["name"] == person)
    return [limit for limit in limits if limit["rule"] == rule]


def test_issue21_review_counts_from_the_day_the_procuratorate_accepted_the_case(
    client: TestClient, state: AppState,
) -> None:
    # 周某 on bail (not held). Sent on Friday 2026年6月26日 (10:00 Beijing), accepted on 6月30日:
    # one month from 6月30日, a month's last day, ends on 7月31日 (the last day of July), a Friday.
    # Counted from the sent date it would have been 7月26日 (Sunday) → 7月27日.
    _upload(client, docs.DETENTION_THEN_BAIL)
    _transfer(state, "prosecution_transfer", datetime(2026, 6, 26, 2, 0, tzinfo=UTC), TransferStatus.ACCEPTED,
              decided=datetime(2026, 6, 30, 3, 0, tzinfo=UTC))
    review = _limits(client, "周某", "prosecution_review", "2026-07-01")[-1]
    assert (review["from"], review["due"], review["status"]) == ("2026-06-30", "2026-07-31", "running")
    assert review["receipt_assumed"] is False and "推定" not in review["note"]
    assert "2026年6月30日收案" in review["note"]
    body = client.get(f"/api/cases/{CASE}/deadlines", params={"today": "2026-07-01"}).json()
    sent = next(e for p in body["persons"] if p["name"] == "周某" for e in p["events"]
                if e["measure"] == "移送审查起诉" and e["date"] == "2026-06-26")
    assert sent["received"] == "2026-06-30"


def test_issue21_review_without_a_receipt_uses_the_sent_date_and_says_it_is_assumed(
    client: TestClient, state: AppState,
) -> None:
    # still pending: sent 2026年6月26日 → one month: 7月26日, a Sunday; 周某 is not held, so the
    # due date moves to Monday 7月27日 (art. 105), and the note says the receipt is assumed
    _upload(client, docs.DETENTION_THEN_BAIL)
    _transfer(state, "prosecution_transfer", datetime(2026, 6, 26, 2, 0, tzinfo=UTC), TransferStatus.PENDING)
    review = _limits(client, "周某", "prosecution_review", "2026-07-01")[-1]
    assert (review["from"], review["due"]) == ("2026-06-26", "2026-07-27")
    assert review["receipt_assumed"] is True and "接收日期尚未记录" in review["note"] and "推定" in review["note"]


def test_issue21_arrest_decision_counts_from_the_receipt_of_the_request(
    client: TestClient, state: AppState,
) -> None:
    # 张某 detained; the request of 2026年4月7日 in the document, and casefile's transfer of it sent
    # on 4月7日 and accepted on 4月9日: seven days from 4月9日 → 4月16日 (held: never moves).
    # From the sending alone it would have been 4月14日.
    _upload(client, docs.REQUEST_TWO_SUSPECTS)
    _transfer(state, "arrest_request", datetime(2026, 4, 7, 2, 0, tzinfo=UTC), TransferStatus.ACCEPTED,
              decided=datetime(2026, 4, 9, 2, 0, tzinfo=UTC))
    decision = _limits(client, "张某", "arrest_decision", "2026-04-10")[-1]
    assert (decision["from"], decision["due"], decision["receipt_assumed"]) == ("2026-04-09", "2026-04-16", False)


def test_issue21_receipt_dates_in_the_pure_computation() -> None:
    # month-end: sent 2026年1月20日, received 1月31日: one month from a month's last day is the
    # last day of February, 2月28日 (2026 is no leap year). 2月28日 is a Saturday, but a make-up
    # working day of the 2026 Spring Festival (国务院办公厅: 2月28日（周六）上班), so on bail the
    # due date does not move. From the sent date it would have been 2月20日, in the holiday
    # (2月15日–23日), so 2月24日.
    sent = Event("移送审查起诉", dt.date(2026, 1, 20), received=dt.date(2026, 1, 31))
    bail = Event("取保候审", dt.date(2025, 12, 1))
    review = next(x for x in limits_json([bail, sent]) if x["rule"] == "prosecution_review")
    assert "2026年1月31日收案" in review["note"]
    assert (review["from"], review["due"], review["receipt_assumed"]) == ("2026-01-31", "2026-02-28", False)
    # a court's 受理 is itself the receipt: trial (普通, 2 months, art. 208) from 2026年3月31日 →
    # 5月31日 (a Sunday; bail, not held) → 6月1日; no assumption
    accepted = Event("受理", dt.date(2026, 3, 31))
    trial = next(x for x in limits_json([bail, accepted]) if x["rule"] == "trial")
    assert (trial["from"], trial["due"], trial["receipt_assumed"]) == ("2026-03-31", "2026-06-01", False)
    # an indictment with no 受理 known: counted from the 起诉 date, and said to be assumed
    indicted = Event("起诉", dt.date(2026, 3, 31))
    assumed = next(x for x in limits_json([bail, indicted]) if x["rule"] == "trial")
    assert assumed["due"] == "2026-06-01" and assumed["receipt_assumed"] is True and "推定" in assumed["note"]
