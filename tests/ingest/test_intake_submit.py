"""One intake path (issue #20 step 3).

The upload route, `casefile ingest` and the demo all run ``ingest.intake.submit``'s steps, so a
step's failure is handled the same way for each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.demo import load_demo_if_empty
from api.ingesting import ingest_paths
from api.state import AppState, build_state
from core.errors import BROKER_UNAVAILABLE, UNSUPPORTED_TYPE, CasefileError
from core.settings import Settings
from ingest import intake
from models.tables import Document, DocumentStatus

CASE = "（2026）测试刑初20号"


def _upload(client: TestClient, *names: str) -> Any:
    client.post("/api/cases", json={"case_number": CASE, "title": "测试"})
    return client.post(f"/api/cases/{CASE}/documents", files=[
        ("file", (name, f"讯问笔录 {name}".encode(), "text/plain")) for name in names])


def _files(tmp_path: Path, *names: str) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(f"讯问笔录 {name}", encoding="utf-8")
    return [folder / name for name in names]


def _documents(settings: Settings) -> dict[str, str]:
    state = build_state(settings)
    try:
        with state.ctx.db.session() as session:
            return {d.original_name: d.status for d in session.scalars(select(Document))}
    finally:
        state.ctx.db.dispose()


def test_route_cli_and_demo_run_the_same_steps(
    client: TestClient, state: AppState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str | None, list[str]]] = []

    def spy(sub: intake.Submission) -> None:
        seen.append((sub.actor.username if sub.actor else None, [a.incoming.filename for a in sub.added]))

    monkeypatch.setattr(intake, "AFTER_COMMIT", (*intake.AFTER_COMMIT, spy))
    monkeypatch.setattr(intake, "queue_document", lambda jobs, document_id: None)
    assert _upload(client, "a.txt").status_code == 201
    assert ingest_paths(state.settings, _files(tmp_path, "b.txt"), CASE, wait=False)
    demo = Settings(data_dir=tmp_path / "demo", load_demo=True)
    demo_state = build_state(demo)
    try:
        assert load_demo_if_empty(demo_state)
    finally:
        demo_state.ctx.db.dispose()
    assert seen[:2] == [("admin", ["a.txt"]), (None, ["b.txt"])]
    assert len(seen) == 3 and seen[2][0] is None and len(seen[2][1]) > 3  # the demo's files


def test_broker_down_leaves_documents_queued_for_route_and_cli(
    client: TestClient, state: AppState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(jobs: Any, document_id: int) -> None:
        raise CasefileError(BROKER_UNAVAILABLE, f"document {document_id}: test")

    monkeypatch.setattr(intake, "queue_document", unreachable)
    response = _upload(client, "a.txt", "b.txt")
    assert response.status_code == 201
    assert response.json()["queue_error"]["code"] == BROKER_UNAVAILABLE.code
    with pytest.raises(CasefileError) as raised:
        ingest_paths(state.settings, _files(tmp_path, "c.txt"), CASE, wait=False)
    assert raised.value.code == BROKER_UNAVAILABLE.code
    # stored and recorded as queued: the reconciler queues them once the broker is back
    assert _documents(state.settings) == dict.fromkeys(("a.txt", "b.txt", "c.txt"), DocumentStatus.QUEUED)


def test_a_refused_file_is_reported_the_same_by_route_and_cli(
    client: TestClient, state: AppState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = intake.add_document

    def refuse_bad(session: Any, store: Any, case: Any, filename: str, stream: Any, **kwargs: Any) -> Any:
        if filename.startswith("bad"):
            raise CasefileError(UNSUPPORTED_TYPE, filename)
        return real(session, store, case, filename, stream, **kwargs)

    monkeypatch.setattr(intake, "add_document", refuse_bad)
    monkeypatch.setattr(intake, "queue_document", lambda jobs, document_id: None)
    body = _upload(client, "bad1.txt", "good1.txt").json()
    assert [r["error"]["code"] for r in body["rejected"]] == [UNSUPPORTED_TYPE.code]
    assert [d["filename"] for d in body["documents"]] == ["good1.txt"]
    assert not ingest_paths(state.settings, _files(tmp_path, "bad2.txt", "good2.txt"), CASE, wait=False)
    assert "未接收" in capsys.readouterr().err
    assert set(_documents(state.settings)) == {"good1.txt", "good2.txt"}
