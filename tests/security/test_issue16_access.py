"""Issue 16, items 0-3: the red team's probes of case identity, transfers and admin scope.

Each probe ran as an ordinary user of one of three or four agencies against the API; each test
here fails on the code before the fix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.services.users import create_user, get_or_create_agency
from api.state import AppState
from core.errors import CasefileError
from ingest.intake import get_or_create_case
from models.tables import Agency, Transfer, TransferStatus, User
from tests.conftest import bearer

A_POLICE, B_POLICE = "甲市公安局朝阳分局", "乙市公安局海淀分局"
PROCURATORATE, THIRD = "甲市朝阳区人民检察院", "丙市人民检察院"
CASE = "（2026）京公朝刑立字第16号"
LOOK_ALIKE = "(2026)京公朝刑立字第16号"  # half-width brackets: folds to CASE for search
SECRET_NAME, SECRET_ID = "欧阳甲秘", "110105198001011237"
B_SECRET = "司马乙密"
PASSWORD = "issue16-password-1"
OPINION = (Path(__file__).resolve().parents[2] / "api" / "demo" / "texts" / "01_起诉意见书.txt").read_text(encoding="utf-8")
MATERIALS = {
    "起诉意见书.txt": OPINION,
    "询问笔录（赵某）.txt": "询问笔录\n问：你的车什么时候被撬的？\n答：2月27日凌晨。",
    "到案经过.txt": "到案经过\n2026年3月2日，民警在望京街道将犯罪嫌疑人李明远抓获。",
    "讯问笔录（李明远）.txt": f"讯问笔录\n问：你认识{SECRET_NAME}吗？\n答：认识，身份证{SECRET_ID}。",
    "拘留证.txt": "拘留证\n犯罪嫌疑人李明远，男，因涉嫌盗窃罪，决定刑事拘留。",
    "户籍证明.txt": "常住人口信息\n姓名：李明远\n性别：男",
}
USERS = (
    ("a-clerk", A_POLICE, "clerk"), ("a-admin", A_POLICE, "admin"),
    ("b-clerk", B_POLICE, "clerk"), ("b-admin", B_POLICE, "admin"),
    ("p-prosecutor", PROCURATORATE, "prosecutor"), ("t-prosecutor", THIRD, "prosecutor"),
)


@pytest.fixture
def people(state: AppState, anonymous: TestClient) -> dict[str, dict[str, str]]:
    with state.ctx.db.session() as session:
        for username, agency, role in USERS:
            create_user(session, username, PASSWORD, agency=agency, role=role)
    return {name: bearer(anonymous, name, PASSWORD) for name, _agency, _role in USERS}


def _upload(client: TestClient, headers: dict[str, str], case: str, name: str, text: str) -> Any:
    return client.post(f"/api/cases/{case}/documents", headers=headers,
                       files=[("file", (name, text.encode(), "text/plain"))])


def _a_case_with_materials(client: TestClient, people: dict[str, dict[str, str]]) -> list[int]:
    """Agency A's case, with every material a prosecution transfer needs; the documents' ids."""
    a = people["a-clerk"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=a).status_code == 201
    ids = []
    for name, text in MATERIALS.items():
        response = _upload(client, a, CASE, name, text)
        assert response.status_code == 201, response.text
        ids.append(response.json()["documents"][0]["id"])
    return ids


def _send(client: TestClient, headers: dict[str, str], to: str) -> Any:
    return client.post(f"/api/cases/{CASE}/transfers", headers=headers,
                       json={"form_id": "prosecution_transfer", "to_agency": to})


def _accept(state: AppState, transfer_id: int) -> None:
    """The receiver accepts (as ``POST …/accept`` does once every field is reviewed)."""
    with state.ctx.db.session() as session:
        session.execute(update(Transfer).where(Transfer.id == transfer_id).values(
            status=TransferStatus.ACCEPTED, decided_by="p-prosecutor", decided_at=datetime.now(UTC)))


def _search(client: TestClient, headers: dict[str, str], q: str, **params: str) -> dict[str, Any]:
    response = client.get("/api/search", params={"q": q, **params}, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _sees_nothing(result: dict[str, Any]) -> bool:
    return result["total"] == 0 and result["hits"] == [] and all(not v for v in result["facets"].values())


# -- 0: a look-alike case number ------------------------------------------------------------------

def test_issue16_look_alike_case_number_opens_nothing_to_search(
    anonymous: TestClient, people: dict[str, dict[str, str]]
) -> None:
    client, a, b = anonymous, people["a-clerk"], people["b-clerk"]
    _a_case_with_materials(client, people)
    assert client.post("/api/cases", json={"case_number": LOOK_ALIKE}, headers=b).status_code == 201
    for q in (SECRET_NAME, SECRET_ID, CASE, "讯问笔录"):
        for params in ({}, {"case": LOOK_ALIKE}, {"case": CASE}):
            result = _search(client, b, q, **params)
            assert _sees_nothing(result), (q, params, result)
            assert SECRET_ID not in str(result) and SECRET_NAME not in str(result)
    # what B puts into its look-alike case stays B's
    assert _upload(client, b, LOOK_ALIKE, "询问笔录.txt", f"询问笔录\n证人{B_SECRET}作证。").status_code == 201
    assert _sees_nothing(_search(client, a, B_SECRET))
    theirs = _search(client, b, B_SECRET)
    assert theirs["total"] == 1 and theirs["hits"][0]["case_number"] == LOOK_ALIKE
    mine = _search(client, a, SECRET_NAME)
    assert mine["total"] >= 1 and {h["case_number"] for h in mine["hits"]} == {CASE}


def test_issue16_two_agencies_may_hold_one_case_number_unseen(
    anonymous: TestClient, people: dict[str, dict[str, str]]
) -> None:
    client, a, b = anonymous, people["a-clerk"], people["b-clerk"]
    _a_case_with_materials(client, people)
    # B creating A's number answers exactly as creating a number nobody holds
    taken = client.post("/api/cases", json={"case_number": CASE}, headers=b)
    fresh = client.post("/api/cases", json={"case_number": "（2026）乙公海刑立字第1号"}, headers=b)
    assert taken.status_code == fresh.status_code == 201, taken.text
    assert set(taken.json()) == set(fresh.json())
    assert taken.json()["agency"] == B_POLICE and taken.json()["document_count"] == 0
    assert client.get(f"/api/cases/{CASE}", headers=a).json()["agency"] == A_POLICE
    # each agency's {case_number} routes reach its own case
    assert client.get(f"/api/cases/{CASE}/documents", headers=b).json() == []
    assert len(client.get(f"/api/cases/{CASE}/documents", headers=a).json()) == len(MATERIALS)
    assert SECRET_NAME not in client.get(f"/api/cases/{CASE}/facts", headers=b).text
    assert _sees_nothing(_search(client, b, SECRET_NAME, case=CASE))
    # within one agency the number is still unique
    again = client.post("/api/cases", json={"case_number": CASE}, headers=b)
    assert again.status_code == 409 and again.json()["code"] == "case_exists"


def test_issue16_a_received_case_of_the_own_number_is_reached_after_the_own(
    anonymous: TestClient, people: dict[str, dict[str, str]], state: AppState
) -> None:
    """A receiver that holds a case of the same number opens its own by number.

    The received one is still searched, by its id.
    """
    client, a = anonymous, people["a-clerk"]
    _a_case_with_materials(client, people)
    p = people["p-prosecutor"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=p).status_code == 201
    assert _send(client, a, PROCURATORATE).status_code == 201
    assert client.get(f"/api/cases/{CASE}/documents", headers=p).json() == []  # its own
    assert _search(client, p, SECRET_NAME)["total"] >= 1  # the received one, by its id


def test_issue16_operator_is_told_when_a_case_number_is_ambiguous(state: AppState) -> None:
    from api.ingesting import operator_case

    with state.ctx.db.session() as session:
        for agency in (A_POLICE, B_POLICE):
            get_or_create_case(session, CASE, agency_id=get_or_create_agency(session, agency).id)
        session.flush()
        with pytest.raises(CasefileError) as refused:
            operator_case(session, CASE, None, agency=None, default_agency=state.settings.default_agency)
        assert refused.value.code == "case_ambiguous"
        assert A_POLICE in refused.value.message and B_POLICE in refused.value.message
        assert "--agency" in refused.value.hint
        chosen = operator_case(session, CASE, None, agency=B_POLICE, default_agency="x")
        assert chosen.agency_id == session.scalar(select(Agency.id).where(Agency.name == B_POLICE))
        # one holder: that case; none: a new case of the default agency
        only = operator_case(session, "（2026）独一号", None, agency=None, default_agency=A_POLICE)
        assert operator_case(session, "（2026）独一号", None, agency=None, default_agency="x").id == only.id


# -- 1: a receiving agency writes to the sender's case ---------------------------------------------

def test_issue16_receiver_cannot_write_to_the_senders_case(
    anonymous: TestClient, people: dict[str, dict[str, str]], state: AppState
) -> None:
    client, a, p = anonymous, people["a-clerk"], people["p-prosecutor"]
    documents = _a_case_with_materials(client, people)
    sent = _send(client, a, PROCURATORATE)
    assert sent.status_code == 201, sent.text
    # reading and reviewing
    assert client.get(f"/api/cases/{CASE}/documents", headers=p).status_code == 200
    assert client.get(f"/api/transfers/{sent.json()['id']}", headers=p).status_code == 200
    # nothing else
    upload = _upload(client, p, CASE, "检察院补充.txt", "补充材料")
    assert upload.status_code == 403 and upload.json()["code"] == "case_not_held", upload.text
    deleted = client.delete(f"/api/documents/{documents[0]}", headers=p)
    assert deleted.status_code == 403, deleted.text
    retried = client.post(f"/api/documents/{documents[0]}/retry", headers=p)
    assert retried.status_code == 403, retried.text
    assert client.get(f"/api/documents/{documents[0]}", headers=a).status_code == 200
    assert len(client.get(f"/api/cases/{CASE}/documents", headers=a).json()) == len(MATERIALS)

    # once it accepts, the stage is the receiver's: it adds and deletes its own documents only
    _accept(state, sent.json()["id"])
    own = _upload(client, p, CASE, "审查报告.txt", "审查报告\n经审查，事实清楚。")
    assert own.status_code == 201, own.text
    listed = {d["filename"]: d["agency"] for d in client.get(f"/api/cases/{CASE}/documents", headers=a).json()}
    assert listed["审查报告.txt"] == PROCURATORATE and listed["到案经过.txt"] == A_POLICE
    deleted = client.delete(f"/api/documents/{documents[0]}", headers=p)
    assert deleted.status_code == 403 and deleted.json()["code"] == "document_not_own", deleted.text
    assert client.get(f"/api/documents/{documents[0]}", headers=a).status_code == 200
    assert client.delete(f"/api/documents/{own.json()['documents'][0]['id']}", headers=p).status_code == 200
    # and the sender, whose stage it no longer is, adds nothing meanwhile
    late = _upload(client, a, CASE, "迟到.txt", "迟到的材料")
    assert late.status_code == 403 and late.json()["code"] == "case_not_held"


# -- 2: a receiver forwards someone else's case ---------------------------------------------------

def test_issue16_receiver_cannot_forward_and_a_return_ends_its_access(
    anonymous: TestClient, people: dict[str, dict[str, str]]
) -> None:
    client, a, p, t = anonymous, people["a-clerk"], people["p-prosecutor"], people["t-prosecutor"]
    _a_case_with_materials(client, people)
    sent = _send(client, a, PROCURATORATE)
    assert sent.status_code == 201, sent.text
    forwarded = _send(client, p, THIRD)
    assert forwarded.status_code == 403 and forwarded.json()["code"] == "case_not_held", forwarded.text
    assert client.get(f"/api/cases/{CASE}", headers=t).status_code == 404
    assert _sees_nothing(_search(client, t, SECRET_NAME))

    returned = client.post(f"/api/transfers/{sent.json()['id']}/return", headers=p,
                           json={"reasons": ["证据不足，退回补充侦查"]})
    assert returned.status_code == 200, returned.text
    assert client.get(f"/api/cases/{CASE}", headers=p).status_code == 404
    assert client.get(f"/api/cases/{CASE}/documents", headers=p).status_code == 404
    assert _sees_nothing(_search(client, p, SECRET_NAME))
    assert client.get(f"/api/cases/{CASE}", headers=a).status_code == 200
    # a new transfer grants it again
    assert _send(client, a, PROCURATORATE).status_code == 201
    assert client.get(f"/api/cases/{CASE}", headers=p).status_code == 200


def test_issue16_the_stage_holder_sends_after_acceptance(
    anonymous: TestClient, people: dict[str, dict[str, str]], state: AppState
) -> None:
    client, a, p, t = anonymous, people["a-clerk"], people["p-prosecutor"], people["t-prosecutor"]
    _a_case_with_materials(client, people)
    sent = _send(client, a, PROCURATORATE)
    _accept(state, sent.json()["id"])
    assert _send(client, p, THIRD).status_code == 201
    assert client.get(f"/api/cases/{CASE}", headers=t).status_code == 200
    refused = _send(client, a, THIRD)
    assert refused.status_code == 403 and refused.json()["code"] == "case_not_held"


# -- 3: an administrator creates users in another agency ------------------------------------------

@pytest.mark.parametrize("role", ["admin", "clerk"])
def test_issue16_admin_manages_the_own_agency_only(
    anonymous: TestClient, people: dict[str, dict[str, str]], state: AppState, role: str
) -> None:
    client, admin = anonymous, people["a-admin"]
    for agency in (B_POLICE, "丁市公安局（新单位）"):
        refused = client.post("/api/admin/users", headers=admin, json={
            "username": f"planted-{role}", "password": PASSWORD, "agency": agency, "role": role})
        assert refused.status_code == 403 and refused.json()["code"] == "agency_not_managed", refused.text
    with state.ctx.db.session() as session:
        assert session.scalar(select(User).where(User.username == f"planted-{role}")) is None
        assert session.scalar(select(Agency).where(Agency.name == "丁市公安局（新单位）")) is None
    assert client.post("/api/auth/token", data={"username": f"planted-{role}", "password": PASSWORD}).status_code == 401
    # the refusal is in the refusing administrator's log
    log = client.get("/api/admin/audit", params={"action": "user.create"}, headers=admin).json()
    assert any(e["outcome"] == "refused" and e["target"] == f"user:planted-{role}" for e in log)

    # their own agency: by default, or named
    made = client.post("/api/admin/users", headers=admin,
                       json={"username": f"own-{role}", "password": PASSWORD, "role": role})
    assert made.status_code == 201 and made.json()["agency"] == A_POLICE, made.text
    named = client.post("/api/admin/users", headers=admin, json={
        "username": f"own2-{role}", "password": PASSWORD, "agency": A_POLICE, "role": role})
    assert named.status_code == 201, named.text
    listed = {u["username"] for u in client.get("/api/admin/users", headers=admin).json()}
    assert {f"own-{role}", f"own2-{role}"} <= listed
    assert f"own-{role}" not in {u["username"] for u in client.get("/api/admin/users", headers=people["b-admin"]).json()}


def test_issue16_a_withdrawn_transfer_ends_the_receivers_access(
    anonymous: TestClient, people: dict[str, dict[str, str]]
) -> None:
    client, a, p = anonymous, people["a-clerk"], people["p-prosecutor"]
    _a_case_with_materials(client, people)
    sent = _send(client, a, PROCURATORATE).json()
    assert client.get(f"/api/cases/{CASE}", headers=p).status_code == 200
    not_theirs = client.post(f"/api/transfers/{sent['id']}/withdraw", headers=p)
    assert not_theirs.status_code == 403 and not_theirs.json()["code"] == "not_sender"
    withdrawn = client.post(f"/api/transfers/{sent['id']}/withdraw", headers=a)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn", withdrawn.text
    assert client.get(f"/api/cases/{CASE}", headers=p).status_code == 404
    assert _sees_nothing(_search(client, p, SECRET_NAME))
    late = client.post(f"/api/transfers/{sent['id']}/accept", headers=p)
    assert late.status_code == 409 and late.json()["code"] == "transfer_closed"
    again = client.post(f"/api/transfers/{sent['id']}/withdraw", headers=a)
    assert again.status_code == 409


def test_issue18_no_withdrawal_once_the_receiver_opened_it(
    anonymous: TestClient, people: dict[str, dict[str, str]]
) -> None:
    client, a, p = anonymous, people["a-clerk"], people["p-prosecutor"]
    _a_case_with_materials(client, people)
    sent = _send(client, a, PROCURATORATE).json()
    assert client.get(f"/api/transfers/{sent['id']}", headers=a).status_code == 200  # the sender looking
    assert client.get(f"/api/transfers/{sent['id']}", headers=p).status_code == 200  # the receiver opens it
    late = client.post(f"/api/transfers/{sent['id']}/withdraw", headers=a)
    assert late.status_code == 409 and late.json()["code"] == "transfer_opened"
    assert "不能再撤回" in late.json()["message"] and late.json()["hint"]
    assert client.get(f"/api/cases/{CASE}", headers=p).status_code == 200  # still theirs to review


def test_issue16_cli_ingest_names_the_agency_when_a_number_is_ambiguous(tmp_path: Path) -> None:
    from tests.support.cli import casefile

    data = tmp_path / "data"
    note = tmp_path / "笔录.txt"
    note.write_text("询问笔录\n证人作证。", encoding="utf-8")
    for agency in (A_POLICE, B_POLICE):
        made = casefile("ingest", str(note), "--case", CASE, "--agency", agency, "--no-wait", data_dir=data)
        assert made.returncode == 0, made.stderr
    ambiguous = casefile("ingest", str(note), "--case", CASE, "--no-wait", data_dir=data)
    assert ambiguous.returncode != 0
    assert A_POLICE in ambiguous.stderr and B_POLICE in ambiguous.stderr and "--agency" in ambiguous.stderr
