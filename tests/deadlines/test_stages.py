"""全口径统计 (issue 21): days per stage, per agency, fast-track against ordinary cases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.state import AppState
from nlp.deadlines.stages import stage_days, summarize
from tests.deadlines import documents as docs
from tests.deadlines.uploads import upload_done


def test_issue21_stage_days_of_one_person() -> None:
    events = [{"measure": "刑事拘留", "date": "2026-01-05"}, {"measure": "逮捕", "date": "2026-01-15"},
              {"measure": "移送审查起诉", "date": "2026-04-01"}, {"measure": "移送审查起诉", "date": "2026-05-18"},
              {"measure": "起诉", "date": "2026-06-26"}]
    # 1月5日→1月15日: 10; 1月15日→4月1日: 16 + 28 + 31 + 1 = 76; the first transfer counts:
    # 4月1日→6月26日: 29 + 31 + 26 = 86; no judgment: no verdict stages
    assert stage_days(events) == {"detention_to_arrest": 10, "arrest_to_review": 76, "review_to_indictment": 86}
    assert summarize([10, 20, 40]) == {"count": 3, "mean": 23.3, "median": 20}
    assert summarize([]) == {"count": 0, "mean": None, "median": None}


def test_issue21_stage_statistics_per_agency_and_track(client: TestClient, state: AppState) -> None:
    # ordinary: 赵某 (拘留 1月5日, 逮捕 1月15日, 移送 4月1日, 起诉书 6月26日);
    # fast-track (速裁): 王某 on bail, 起诉 2月10日, 判决 2月24日: 14 days
    upload_done(client, "（2026）京海检刑诉字第2161号", "起诉书.txt", docs.RETURNED_INDICTMENT)
    upload_done(client, "（2026）京朝法刑初字第2162号", "判决书.txt", docs.JUDGMENT_FAST_TRACK)
    body = client.get("/api/deadlines/stages").json()
    assert body["cases_read"] == 2
    rows = {(r["agency"], r["track"]): r for r in body["rows"]}
    agency = state.settings.default_agency
    assert set(rows) == {(agency, "普通"), (agency, "快速")}
    ordinary = rows[(agency, "普通")]["stages"]
    assert ordinary["review_to_indictment"] == {"count": 1, "mean": 86, "median": 86}
    assert ordinary["arrest_to_review"]["mean"] == 76
    fast = rows[(agency, "快速")]["stages"]
    assert fast["indictment_to_verdict"] == {"count": 1, "mean": 14, "median": 14}
    assert fast["arrest_to_verdict"]["count"] == 0
    assert client.get("/api/admin/audit", params={"action": "deadlines.stages"}).json()


def test_issue21_stage_statistics_per_handler(client: TestClient, state: AppState) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from api.services.users import create_user, get_or_create_agency
    from models.tables import Case, CaseAccess, Transfer, TransferStatus
    from tests.conftest import bearer

    ordinary, fast, loose = "（2026）京海检刑诉字第2171号", "（2026）京朝法刑初字第2172号", "（2026）京朝法刑初字第2173号"
    upload_done(client, ordinary, "起诉书.txt", docs.RETURNED_INDICTMENT)
    upload_done(client, fast, "判决书.txt", docs.JUDGMENT_FAST_TRACK)
    upload_done(client, loose, "判决书.txt", docs.JUDGMENT_FAST_TRACK)
    police, procuratorate = state.settings.default_agency, "北京市海淀区人民检察院"
    with state.ctx.db.session() as session:
        create_user(session, "s-investigator", "stages-password-1", agency=police, role="investigator")
        create_user(session, "s-prosecutor", "stages-password-1", agency=procuratorate, role="prosecutor")
    investigator = bearer(client, "s-investigator", "stages-password-1")
    prosecutor = bearer(client, "s-prosecutor", "stages-password-1")
    for case in (ordinary, fast):
        assert client.post(f"/api/cases/{case}/handler", json={"username": "s-investigator"},
                           headers=investigator).status_code == 201
    # the ordinary case goes to the procuratorate, which assigns its prosecutor
    with state.ctx.db.session() as session:
        row = session.scalar(select(Case).where(Case.case_number == ordinary))
        assert row is not None and row.agency_id is not None
        receiver = get_or_create_agency(session, procuratorate)
        session.add(Transfer(case_id=row.id, form_id="prosecution_transfer", form_version="1.0",
                             from_agency_id=row.agency_id, to_agency_id=receiver.id, status=TransferStatus.ACCEPTED,
                             prefill=[], checklist=[], created_by="s-investigator",
                             created_at=datetime(2026, 4, 1, 2, tzinfo=UTC), decided_by="s-prosecutor",
                             decided_at=datetime(2026, 4, 1, 6, tzinfo=UTC)))
        session.add(CaseAccess(case_id=row.id, agency_id=receiver.id, reason="transfer"))
        session.commit()
    assert client.post(f"/api/cases/{ordinary}/handler", json={"username": "s-prosecutor"},
                       headers=prosecutor).status_code == 201

    body = client.get("/api/deadlines/stages").json()
    rows = {(r["agency"], r["handler"], r["track"]): r for r in body["handlers"]}
    assert set(rows) == {(police, "s-investigator", "普通"), (police, "s-investigator", "快速"),
                         (procuratorate, "s-prosecutor", "普通"), (police, None, "快速")}
    # 赵某: 拘留 1月5日 → 逮捕 1月15日: 10 days; 逮捕 → 移送 4月1日: 76 (the police's stages);
    # 移送 4月1日 → 起诉 6月26日: 86 (the procuratorate's), not the police handler's
    mine = rows[(police, "s-investigator", "普通")]["stages"]
    assert (mine["detention_to_arrest"]["mean"], mine["arrest_to_review"]["mean"]) == (10, 76)
    assert mine["review_to_indictment"]["count"] == 0
    theirs = rows[(procuratorate, "s-prosecutor", "普通")]["stages"]
    assert theirs["review_to_indictment"] == {"count": 1, "mean": 86, "median": 86}
    assert theirs["detention_to_arrest"]["count"] == 0
    # the fast-track case the police handler holds: 起诉 2月10日 → 判决 2月24日 is the court's
    # stage, not theirs; the case with no handler counts every stage, under no handler: 14 days
    assert rows[(police, "s-investigator", "快速")]["stages"]["indictment_to_verdict"]["count"] == 0
    assert rows[(police, None, "快速")]["stages"]["indictment_to_verdict"] == {"count": 1, "mean": 14, "median": 14}
