"""The audit log: actions are recorded, and tampering with any stored event is detected."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import OperationalError

import models.audit_seal as audit_module
from api.app import ROUTERS
from api.policy import CASE_READ, FORM_REVIEW, api_routes, route_action
from api.services.users import create_user
from api.state import AppState, build_state
from core.errors import CasefileError
from core.settings import Settings
from ingest.audit_key import open_seal
from models.audit import (
    GENESIS,
    Actor,
    GroupWriter,
    _digest,
    _fields,
    mask_id_numbers,
    record,
    verify,
)
from models.audit_seal import AuditSeal, is_append_only, set_append_only
from models.db import Database
from models.migrate import upgrade
from models.tables import AuditEvent, AuditHead, Case, FormRecord
from tests.conftest import bearer
from tests.support.cli import casefile
from tests.support.services import fresh_postgres

POLICE, PROSECUTOR, STRANGER = "甲区公安分局", "甲区人民检察院", "乙市公安局"
READ_CASE = "（2026）审计读取1号"
PASSWORD = "audit-password-1"


@dataclass
class Dossier:
    """A police unit's case with a document, a transfer to a procuratorate and a form record."""

    client: TestClient
    db: Database
    police: dict[str, str]
    stranger: dict[str, str]
    document_id: int
    transfer_id: int
    record_id: int


@pytest.fixture
def dossier(state: AppState, anonymous: TestClient) -> Dossier:
    with state.ctx.db.session() as session:
        create_user(session, "police-clerk", PASSWORD, agency=POLICE, role="clerk")
        create_user(session, "reviewer-1", PASSWORD, agency=PROSECUTOR, role="prosecutor")
        create_user(session, "stranger-clerk", PASSWORD, agency=STRANGER, role="clerk")
    police = bearer(anonymous, "police-clerk", PASSWORD)
    assert anonymous.post("/api/cases", json={"case_number": READ_CASE}, headers=police).status_code == 201
    text = "起诉意见书\n犯罪嫌疑人钱某，男，公民身份号码110105199211074223。涉嫌盗窃罪。".encode()
    [document] = anonymous.post(
        f"/api/cases/{READ_CASE}/documents", headers=police,
        files=[("file", ("起诉意见书.txt", text, "text/plain"))],
    ).json()["documents"]
    for name in ("到案经过.txt", "讯问笔录.txt", "询问笔录.txt", "拘留证.txt", "户籍证明.txt"):
        anonymous.post(f"/api/cases/{READ_CASE}/documents", headers=police,
                       files=[("file", (name, f"{name}：钱某".encode(), "text/plain"))])
    sent = anonymous.post(f"/api/cases/{READ_CASE}/transfers", headers=police,
                          json={"form_id": "prosecution_transfer", "to_agency": PROSECUTOR})
    assert sent.status_code == 201, sent.text
    with state.ctx.db.session() as session:
        case = session.scalar(select(Case).where(Case.case_number == READ_CASE))
        assert case is not None
        form_record = FormRecord(
            case_id=case.id, transfer_id=sent.json()["id"], form_id="prosecution_transfer",
            form_index=0, version=1, defendant="钱某", values={"name": "钱某"}, fields=[],
            sha256="0" * 64, accepted_by="reviewer-1",
        )
        session.add(form_record)
        session.flush()
        record_id = form_record.id
    return Dossier(anonymous, state.ctx.db, police, bearer(anonymous, "stranger-clerk", PASSWORD),
                   document["id"], sent.json()["id"], record_id)


def _events_since(db: Database, seq: int) -> list[AuditEvent]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)))


def _last_seq(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0


ITEM16_READS = [
    ("/api/cases", "case.list"),
    (f"/api/cases/{READ_CASE}", "case.view"),
    (f"/api/cases/{READ_CASE}/documents", "document.list"),
    (f"/api/cases/{READ_CASE}/forms/prosecution_transfer", "form.prefill"),
    (f"/api/cases/{READ_CASE}/transfers", "transfer.list"),
    (f"/api/cases/{READ_CASE}/form-records", "form_record.list"),
]


def test_issue16_reads_of_case_content_leave_an_event(dossier: Dossier) -> None:
    for path, action in ITEM16_READS:
        before = _last_seq(dossier.db)
        response = dossier.client.get(path, headers=dossier.police)
        assert response.status_code == 200, response.text
        [event] = _events_since(dossier.db, before)
        assert (event.actor, event.agency, event.action, event.outcome) == (
            "police-clerk", POLICE, action, "ok"), path
        assert event.target == (None if path == "/api/cases" else f"case:{READ_CASE}")


def test_issue16_every_read_route_leaves_an_event(dossier: Dossier) -> None:
    """Every GET route that shows case content records it, so a new route cannot forget to."""
    app_routes = [
        route for route in api_routes(ROUTERS)
        if "GET" in (route.methods or ()) and route_action(route) in (CASE_READ, FORM_REVIEW)
        and route.path not in NOT_CASE_CONTENT
    ]
    answered = 0
    reviewer = bearer(dossier.client, "reviewer-1", PASSWORD)
    for route in app_routes:
        path = route.path.format(
            case_number=READ_CASE, document_id=dossier.document_id, number=1,
            form_id="prosecution_transfer", transfer_id=dossier.transfer_id, record_id=dossier.record_id,
        )
        headers = reviewer if route_action(route) == FORM_REVIEW else dossier.police
        before = _last_seq(dossier.db)
        response = dossier.client.get(path, headers=headers)
        events = _events_since(dossier.db, before)
        assert response.status_code < 500, f"{path}: {response.text[:200]}"
        if response.status_code < 400:  # (a text document has no searchable PDF to make: 409)
            answered += 1
            assert events, f"GET {route.path} left no audit event"
    assert answered >= 12


# routes that answer no case content: the form templates, and search's own record is its query
NOT_CASE_CONTENT = {"/api/forms"}


def test_issue16_refused_cross_agency_reads_leave_an_event(dossier: Dossier) -> None:
    for template in (
        "/api/documents/{document_id}", "/api/documents/{document_id}/original",
        "/api/documents/{document_id}/pages/1", "/api/transfers/{transfer_id}",
        "/api/form-records/{record_id}", f"/api/cases/{READ_CASE}/documents",
    ):
        path = template.format(document_id=dossier.document_id, transfer_id=dossier.transfer_id,
                               record_id=dossier.record_id)
        before = _last_seq(dossier.db)
        response = dossier.client.get(path, headers=dossier.stranger)
        assert response.status_code == 404
        [event] = _events_since(dossier.db, before)
        assert (event.actor, event.agency, event.action) == ("stranger-clerk", STRANGER, "access.refused")
        assert event.target == path and event.outcome == response.json()["code"]
        assert event.detail == {"method": "GET"}


def test_issue16_refused_role_leaves_an_event(dossier: Dossier) -> None:
    before = _last_seq(dossier.db)
    assert dossier.client.get("/api/admin/audit", headers=dossier.stranger).status_code == 403
    [event] = _events_since(dossier.db, before)
    assert (event.actor, event.action, event.outcome, event.target) == (
        "stranger-clerk", "access.refused", "forbidden", "/api/admin/audit")


def _actions(client: TestClient) -> list[str]:
    return [e["action"] for e in client.get("/api/admin/audit", params={"limit": 1000}).json()]


def test_actions_are_recorded_with_who_and_what(client: TestClient) -> None:
    client.post("/api/cases", json={"case_number": "（2026）审计1号"})
    text = "起诉书\n被告人钱某，公民身份号码110105199211074223。".encode()
    [document] = client.post(
        "/api/cases/（2026）审计1号/documents", files=[("file", ("a.txt", text, "text/plain"))]
    ).json()["documents"]
    client.get(f"/api/documents/{document['id']}/pages/1")
    client.get("/api/search", params={"q": "钱某 110105199211074223"})
    client.get(f"/api/documents/{document['id']}/original")
    actions = _actions(client)
    for expected in ("login", "case.create", "document.upload", "page.view", "search", "document.download"):
        assert expected in actions
    search = client.get("/api/admin/audit", params={"action": "search"}).json()[0]
    assert search["actor"] == "admin" and search["client"] == "testclient"
    assert "110105199211074223" not in search["detail"]["q"]  # ID numbers masked in the log
    assert "钱某" in search["detail"]["q"]


def test_id_numbers_masked() -> None:
    assert mask_id_numbers("号码11010519921107422X，") == "号码110105********422X，"


@pytest.mark.parametrize("spelling", [
    "１１０１０５１９９２１１０７４２２３",  # full-width digits
    "110105-1992-1107-4223",
    "110105－19921107－4223",  # full-width dashes
    "110105—19921107—4223",
    "110105 1992 1107 4223",
    "110105　19921107　4223",  # ideographic spaces
    "11010519921107422Ｘ",
    "110105 19921107 422 X",
    "11O1O519921107422３",  # letters search reads as digits
])
def test_issue16_id_numbers_masked_in_every_spelling_search_matches(spelling: str) -> None:
    masked = mask_id_numbers(f"钱某 {spelling} 盗窃")
    assert masked.startswith("钱某 110105********") and masked.endswith(" 盗窃")
    assert "1992" not in masked and "１９９２" not in masked


def test_issue16_old_15_digit_id_numbers_masked() -> None:
    assert mask_id_numbers("身份证号110105921107422。") == "身份证号110105******422。"
    assert mask_id_numbers("110105-921107-422") == "110105******422"


def test_issue16_search_log_masks_full_width_id_numbers(client: TestClient) -> None:
    query = "钱某 １１０１０５－１９９２１１０７－４２２３"
    client.get("/api/search", params={"q": query})
    logged = client.get("/api/admin/audit", params={"action": "search"}).json()[0]["detail"]["q"]
    assert logged == "钱某 110105********4223"


@pytest.mark.parametrize("tamper", ["alter", "delete", "insert", "truncate_tail"])
def test_tampering_detected(state: AppState, tamper: str) -> None:
    db = state.ctx.db
    actor = Actor(username="clerk1", agency="某区公安分局", role="clerk", client="10.0.0.5")
    for n in range(5):
        record(db, actor, "page.view", target=f"document:1/page:{n}")
    assert verify(db).ok
    with db.session() as session:
        if tamper == "alter":
            session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="someone-else"))
        elif tamper == "delete":
            session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
        elif tamper == "insert":
            session.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(seq=50))
            session.execute(insert(AuditEvent).values(
                seq=5, actor="x", action="login", outcome="ok", detail={}, prev_hash="0" * 64,
                hash="0" * 64,
            ))
        else:
            session.execute(delete(AuditEvent).where(AuditEvent.seq == 5))
    result = verify(db)
    assert not result.ok and result.problem


def test_concurrent_appends_share_commits_and_keep_the_chain(state: AppState) -> None:
    """Events from many request threads (group-committed) keep one unbroken, gap-free chain."""
    db = state.ctx.db
    actor = Actor(username="clerk1", agency="某区公安分局", role="clerk")
    before = verify(db).events

    def append(n: int) -> list[int]:
        return [record(db, actor, "search", detail={"q": f"{n}-{k}"}) for k in range(20)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        seqs = [seq for batch in pool.map(append, range(16)) for seq in batch]
    assert sorted(seqs) == list(range(before + 1, before + 16 * 20 + 1))
    assert verify(db).ok


@pytest.mark.integration
@pytest.mark.postgres
def test_two_writers_on_postgres_keep_one_chain(tmp_path: Path) -> None:
    """Two processes' writers (two engines here) append to one chain through the head row's lock."""
    with fresh_postgres() as url:
        upgrade(url)
        databases = [Database(url), Database(url)]
        for database in databases:  # one key and one checkpoint file, as two processes share
            _seal(database, tmp_path, every_events=7)
        actor = Actor(username="clerk1", agency="某区公安分局", role="clerk")

        def append(n: int) -> list[int]:
            return [record(databases[n % 2], actor, "search", detail={"q": f"{n}-{k}"}) for k in range(15)]

        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                seqs = [seq for batch in pool.map(append, range(8)) for seq in batch]
            assert sorted(seqs) == list(range(1, 8 * 15 + 1))
            result = verify(databases[0])
            assert (result.ok, result.events, result.sealed_from, result.unsealed) == (True, 8 * 15, 1, 0)
            assert result.checkpoints >= 2  # the opening line and at least one every 7 events
        finally:
            for database in databases:
                database.dispose()


# --- issue 16, item 18: tampering by whoever can write the tables, without the key -----------

AUDIT_KEY = "k" * 40
DATABASES = ["sqlite", pytest.param("postgres", marks=[pytest.mark.integration, pytest.mark.postgres])]


def _seal(db: Database, folder: Path, *, key: str = AUDIT_KEY, every_events: int = 1000) -> AuditSeal:
    return open_seal(db, key=key, key_file=folder / "audit.key", checkpoint_path=folder / "checkpoints.log",
                     every_events=every_events)


@pytest.fixture(params=DATABASES)
def sealed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database of either kind with its seal, and five events checkpointed."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'casefile.db'}"
        else:
            url = stack.enter_context(fresh_postgres())
        upgrade(url)
        db = Database(url)
        stack.callback(db.dispose)
        _seal(db, tmp_path)
        _record_five(db)
        yield db


def _record_five(db: Database) -> None:
    actor = Actor(username="clerk1", agency="某区公安分局", role="clerk", client="10.0.0.5")
    for n in range(5):
        action = "page.view" if n % 2 else "document.upload"
        record(db, actor, action, target=f"document:1/page:{n}")
    assert db.audit_writer is not None
    db.audit_writer.checkpoint()  # as the writer does every N events, T seconds, idle and at exit


def _rows(db: Database) -> list[dict[str, Any]]:
    with db.session() as session:
        return [{c.name: getattr(e, c.name) for c in AuditEvent.__table__.columns}
                for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def _rewrite(db: Database, rows: list[dict[str, Any]], *, head_mac: str | None = "keep") -> None:
    """What an attacker with write access does: store ``rows`` with the chain computed anew."""
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        row.update(seq=seq, prev_hash=prev)
        row["hash"] = prev = _digest(prev, seq, _fields(row))
    with db.session() as session:
        session.execute(delete(AuditEvent))
        if rows:
            session.execute(insert(AuditEvent), rows)
        values: dict[str, Any] = {"seq": len(rows), "hash": prev}
        if head_mac != "keep":
            values["mac"] = head_mac
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(**values))


def _head_mac(db: Database) -> str | None:
    with db.session() as session:
        head = session.get(AuditHead, 1)
        return head.mac if head else None


def test_issue16_sealed_log_verifies(sealed: Database) -> None:
    result = verify(sealed)
    assert (result.ok, result.events, result.sealed_from, result.unsealed) == (True, 5, 1, 0)
    assert result.last_checkpoint == 5


def test_issue16_edit_and_recompute_detected(sealed: Database) -> None:
    rows = _rows(sealed)
    rows[2]["actor"] = "someone-else"
    _rewrite(sealed, rows)
    result = verify(sealed)
    assert not result.ok and result.seq == 3 and "MAC" in (result.problem or "")


def test_issue16_deleting_the_reads_and_recomputing_detected(sealed: Database) -> None:
    _rewrite(sealed, [row for row in _rows(sealed) if row["action"] != "page.view"])
    result = verify(sealed)
    assert not result.ok and result.seq == 2


def test_issue16_truncating_the_tail_and_fixing_the_head_detected(sealed: Database) -> None:
    _rewrite(sealed, _rows(sealed)[:3])
    result = verify(sealed)
    assert not result.ok and "截断" in (result.problem or "")


def test_issue16_truncation_detected_by_the_head_mac_alone(tmp_path: Path, state: AppState) -> None:
    """No checkpoint after the cut events yet: the head's MAC still gives the cut away."""
    db = state.ctx.db
    _seal(db, tmp_path)
    actor = Actor(username="clerk1", agency="某区公安分局", role="clerk")
    for n in range(4):
        record(db, actor, "page.view", target=f"document:1/page:{n}")
    _rewrite(db, _rows(db)[:-2])
    result = verify(db)
    assert not result.ok and "链头" in (result.problem or "")


def test_issue16_wiping_everything_detected(sealed: Database) -> None:
    _rewrite(sealed, [], head_mac=None)
    result = verify(sealed)
    assert not result.ok and "清空" in (result.problem or "")


def test_issue16_edited_checkpoint_file_detected(sealed: Database, tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.log"
    lines = path.read_text().splitlines()
    assert len(lines) == 2  # the opening line and the checkpoint at event 5
    edited = json.loads(lines[1])
    edited["seq"] = 3  # as if only three events had been written: then truncate to three
    path.write_text("\n".join([lines[0], json.dumps(edited)]) + "\n")
    _rewrite(sealed, _rows(sealed)[:3])
    result = verify(sealed)
    assert not result.ok and "检查点文件第 2 行" in (result.problem or "")


def test_issue16_removed_checkpoint_line_detected(sealed: Database, tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.log"
    record(sealed, Actor(username="x", agency=None, role="clerk"), "login")
    assert sealed.audit_writer is not None
    sealed.audit_writer.checkpoint()
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    result = verify(sealed)
    assert not result.ok and "被删除" in (result.problem or "")


def test_issue16_wrong_key_reported_clearly(sealed: Database, tmp_path: Path) -> None:
    other = AuditSeal(b"o" * 40, tmp_path / "checkpoints.log")
    result = verify(sealed, other)
    assert not result.ok and "审计密钥不符" in (result.problem or "") and other.key_id in (result.problem or "")
    with pytest.raises(CasefileError) as refused:  # and a server will not start with it
        _seal(Database(sealed.url), tmp_path, key="o" * 40)
    assert refused.value.code == "audit_key_mismatch"


def test_issue16_events_before_the_key_are_reported_not_accepted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'casefile.db'}"
    upgrade(url)
    db = Database(url)
    try:
        db.audit_seal = AuditSeal(b"x" * 40, tmp_path / "unused.log")  # events as an old version wrote them
        _record_five(db)
        with db.session() as session:
            session.execute(update(AuditEvent).values(mac=None))
            session.execute(update(AuditHead).values(mac=None))
        db.audit_writer = db.audit_seal = None
        before = verify(db)
        assert before.ok and before.unsealed == 5 and before.sealed_from is None
        assert any("未加 MAC" in note for note in before.notes)
        _seal(db, tmp_path)  # the first start with a key
        record(db, Actor(username="x", agency=None, role="clerk"), "login")
        after = verify(db)
        assert (after.ok, after.events, after.sealed_from, after.unsealed) == (True, 6, 6, 5)
        assert any("第 1–5 条记录写于审计密钥启用之前" in note for note in after.notes)
        # an old event edited and the chain recomputed: the opening checkpoint holds event 5's hash
        rows = _rows(db)
        rows[1]["target"] = "document:99"
        _rewrite(db, rows)
        assert not verify(db).ok
    finally:
        db.dispose()


def test_issue16_stripping_every_mac_detected(sealed: Database) -> None:
    """Events passed off as written before the key: the checkpoint file says from when it sealed."""
    rows = _rows(sealed)
    for row in rows:
        row["mac"] = None
    _rewrite(sealed, rows, head_mac=None)
    result = verify(sealed)
    assert not result.ok and "缺少 MAC" in (result.problem or "")


def test_issue16_key_file_created_private(settings: Settings) -> None:
    state = build_state(settings)
    try:
        key_file = settings.resolved_audit_key_file
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert key_file.parent == settings.resolved_data_dir / "audit"
        assert AUDIT_KEY not in key_file.read_text() and len(key_file.read_text().strip()) == 64
        with state.ctx.db.session() as session:  # the key is nowhere in the database
            dump = json.dumps([list(r) for r in session.execute(text("SELECT * FROM audit_head"))])
        assert key_file.read_text().strip() not in dump
    finally:
        state.ctx.db.dispose()


def test_issue16_checkpoint_file_append_only_where_possible(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.log"
    path.write_text("")
    if not set_append_only(path):
        assert is_append_only(path) in (False, None)
        return  # not root, or a filesystem without the flag: verify says so (see notes)
    try:
        assert is_append_only(path)
        with pytest.raises(PermissionError):
            path.write_text("rewritten")
        with path.open("a") as out:
            out.write("appended\n")
    finally:
        set_append_only(path, on=False)


def test_audit_failure_reaches_the_caller(state: AppState) -> None:
    """A database that refuses the write makes ``record`` raise, never a silent loss."""
    db = state.ctx.db
    with db.session() as session:
        session.execute(text("DROP TABLE audit_events"))
    with pytest.raises(OperationalError):
        record(db, Actor(username="x", agency=None, role="clerk"), "login")


def test_cli_audit_verify(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert casefile("audit", "verify", data_dir=data).returncode == 0
    added = casefile("users", "add", "clerk1", "--agency", "某区公安分局", "--role", "clerk",
                     "--password", "long-enough-1", data_dir=data)
    assert added.returncode == 0, added.stderr
    assert casefile("audit", "verify", data_dir=data).returncode == 0
    with sqlite3.connect(data / "casefile.db") as connection:
        connection.execute("UPDATE audit_events SET target = 'user:other' WHERE seq = 1")
    broken = casefile("audit", "verify", data_dir=data)
    assert broken.returncode == 1 and "审计日志校验失败" in broken.stderr


def test_issue16_cli_verify_names_a_wrong_key_and_reports_the_seal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = casefile("users", "add", "clerk1", "--agency", "某区公安分局", "--role", "clerk",
                     "--password", "long-enough-1", data_dir=data)
    assert added.returncode == 0, added.stderr
    checked = casefile("audit", "verify", "--json", data_dir=data)
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert (result["ok"], result["events"], result["sealed_from"], result["unsealed"]) == (True, 1, 1, 0)
    assert result["last_checkpoint"] == 1  # written as `users add` exited
    wrong = casefile("audit", "verify", data_dir=data, env={"CASEFILE_AUDIT_KEY": "z" * 40})
    assert wrong.returncode == 1 and "审计密钥不符" in wrong.stderr
    (data / "audit" / "audit.key").unlink()  # the key lost: reported, never a fresh key made up
    lost = casefile("audit", "verify", data_dir=data)
    assert lost.returncode == 1 and "不存在" in lost.stderr, lost.stderr
    assert not (data / "audit" / "audit.key").exists()


def test_issue16_no_new_key_over_a_sealed_log(tmp_path: Path) -> None:
    """A lost key file is not replaced by a fresh key: the server says what to do and stops."""
    data = tmp_path / "data"
    assert casefile("users", "add", "clerk1", "--agency", "某区公安分局", "--role", "clerk",
                    "--password", "long-enough-1", data_dir=data).returncode == 0
    (data / "audit" / "audit.key").unlink()
    again = casefile("users", "add", "clerk2", "--agency", "某区公安分局", "--role", "clerk",
                     "--password", "long-enough-1", data_dir=data)
    assert again.returncode == 1 and "审计密钥与检查点文件的签署密钥不符" in again.stderr, again.stderr
    assert "Traceback" not in again.stderr
    assert not (data / "audit" / "audit.key").exists()


def test_issue16_writer_checkpoints_every_n_events_and_when_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GroupWriter, "IDLE_SECONDS", 0.2)
    # A slow disk: the idle checkpoint must be on file before the writer says it stopped (CI once
    # read the file between the two and missed the last head).
    def slow_append(seal: AuditSeal, seq: int, digest: str) -> None:
        time.sleep(0.3)
        audit_module.append_checkpoint(seal, seq, digest)

    monkeypatch.setattr("models.audit.append_checkpoint", slow_append)
    url = f"sqlite:///{tmp_path / 'casefile.db'}"
    upgrade(url)
    db = Database(url)
    try:
        seal = _seal(db, tmp_path, every_events=2)
        actor = Actor(username="x", agency=None, role="clerk")
        for _ in range(5):
            record(db, actor, "login")
        writer = db.audit_writer
        assert writer is not None
        deadline = time.monotonic() + 10
        while writer.running and time.monotonic() < deadline:
            time.sleep(0.05)
        heads = [json.loads(line)["seq"] for line in seal.checkpoint_path.read_text().splitlines()]
        assert heads == [0, 2, 4, 5]  # the opening, every two events, and the idle writer's last
        assert verify(db).last_checkpoint == 5
    finally:
        db.dispose()
