"""The HTTP API on the embedded default, jobs run inline: upload → read → facts → search."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.app import create_app
from api.services.users import create_user
from api.state import AppState, build_state
from core.settings import Settings
from search.base import SearchQuery, SearchResults
from tests.conftest import bearer
from tests.support.render import render_text_pdf, truncate_file
from tests.support.services import fresh_postgres

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASE = "（2025）测0102刑初318号"


@pytest.fixture
def indictment() -> bytes:
    return (FIXTURES / "indictment.txt").read_bytes()


def _case(client: TestClient, number: str = CASE) -> None:
    response = client.post("/api/cases", json={"case_number": number, "title": "周海涛盗窃案"})
    assert response.status_code == 201, response.text


def _upload(client: TestClient, *files: tuple[str, bytes], case: str = CASE):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/cases/{case}/documents",
        files=[("file", (name, data, "application/octet-stream")) for name, data in files],
    )


def test_case_create_list_and_conflict(client: TestClient) -> None:
    _case(client)
    assert [c["case_number"] for c in client.get("/api/cases").json()] == [CASE]
    again = client.post("/api/cases", json={"case_number": CASE})
    assert again.status_code == 409
    assert again.json()["code"] == "case_exists"
    assert again.json()["hint"]


def test_text_document_read_extracted_and_found(client: TestClient, indictment: bytes) -> None:
    _case(client)
    response = _upload(client, ("起诉书.txt", indictment))
    assert response.status_code == 201, response.text
    [created] = response.json()["documents"]
    document = client.get(f"/api/documents/{created['id']}").json()
    assert document["status"] == "done", document
    assert document["progress"]["percent"] == 100
    assert document["page_count"] == 1

    page = client.get(f"/api/documents/{created['id']}/pages/1").json()
    assert "周海涛" in page["text"]
    assert all(page["text"][line["start"]:line["end"]] == line["text"] for line in page["lines"])

    facts = client.get(f"/api/cases/{CASE}/facts").json()["facts"]
    [defendant] = facts["defendants"]
    assert defendant["name"] == "周海涛"
    assert defendant["id_number"] == "360102199004121231"
    assert "盗窃罪" in defendant["charges"]
    evidence = defendant["evidence"]["name"]
    assert evidence["document_id"] == created["id"] and evidence["page"] == 1
    assert page["text"][evidence["start"]:evidence["end"]] == evidence["text"]

    result = client.get("/api/search", params={"q": "周海涛"}).json()
    assert result["total"] >= 1
    hit = result["hits"][0]
    assert (hit["document_id"], hit["page"], hit["case_number"]) == (created["id"], 1, CASE)
    assert any(page["text"][s:e] == "周海涛" for s, e in hit["spans"])


def test_text_layer_pdf_hit_has_boxes_on_page(client: TestClient, tmp_path: Path, indictment: bytes) -> None:
    _case(client)
    pdf = render_text_pdf([indictment.decode()], tmp_path / "起诉书.pdf")
    [created] = _upload(client, ("起诉书.pdf", pdf.read_bytes())).json()["documents"]
    page = client.get(f"/api/documents/{created['id']}/pages/1").json()
    assert page["source"] == "text-layer"
    hit = client.get("/api/search", params={"q": "便利店"}).json()["hits"][0]
    assert hit["page"] == 1 and hit["boxes"]
    for x0, y0, x1, y1 in hit["boxes"]:
        assert 0 <= x0 < x1 <= page["width"] and 0 <= y0 < y1 <= page["height"]
    image = client.get(page["image_url"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_search_seeks_hit_pages_in_the_index_instead_of_scanning_every_page(
    client: TestClient, state: AppState, tmp_path: Path, indictment: bytes
) -> None:
    """The boxes of a page of hits are read by index seeks: a scan grows with every page stored."""
    _case(client)
    pdf = render_text_pdf([indictment.decode(), indictment.decode()], tmp_path / "起诉书.pdf")
    _upload(client, ("起诉书.pdf", pdf.read_bytes()))
    executed: list[str] = []  # as SQLite runs them, with their values (whatever issued them)

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: executed.append(sql) if "FROM pages" in sql else None)

    engine = state.ctx.db.engine
    engine.dispose()  # the pool's connections are opened again, traced
    event.listen(engine, "connect", trace)
    try:
        hits = client.get("/api/search", params={"q": "便利店"}).json()["hits"]
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()
    assert len(hits) == 2 and all(hit["boxes"] for hit in hits)
    assert executed, "the hit boxes come from the stored pages"
    with engine.connect() as connection:
        for statement in executed:
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")]
            assert not any(step.startswith("SCAN pages") for step in plan), plan


@pytest.mark.integration
@pytest.mark.postgres
def test_sign_in_visible_cases_and_hit_boxes_read_the_same_on_postgres(tmp_path: Path, indictment: bytes) -> None:
    """The per-request reads run on the driver's cursor: PostgreSQL's placeholders and JSON too."""
    with fresh_postgres() as url:
        settings = Settings(data_dir=tmp_path / "data", load_demo=False, database_url=url)
        state = build_state(settings, eager_jobs=True)
        try:
            with TestClient(create_app(state=state)) as client:
                client.headers.update(bearer(client, "admin", settings.admin_password))
                _case(client)
                pdf = render_text_pdf([indictment.decode()], tmp_path / "起诉书.pdf")
                [created] = _upload(client, ("起诉书.pdf", pdf.read_bytes())).json()["documents"]
                [hit] = client.get("/api/search", params={"q": "便利店"}).json()["hits"]
                assert (hit["document_id"], hit["page"]) == (created["id"], 1) and hit["boxes"]
                with state.ctx.db.session() as session:
                    create_user(session, "outsider", "outsider-password-1", agency="另一公安分局", role="prosecutor")
                outsider = bearer(client, "outsider", "outsider-password-1")
                found = client.get("/api/search", params={"q": "便利店"}, headers=outsider)
                assert found.status_code == 200 and found.json()["total"] == 0
        finally:
            state.ctx.db.dispose()


def test_a_serving_app_keeps_its_start_up_objects_out_of_the_collectors_way(state: AppState) -> None:
    """Full collections under load scan only what requests made, not the app and its tables."""
    gc.unfreeze()
    try:
        with TestClient(create_app(state=state)):
            assert gc.get_freeze_count() == 0  # tests start many apps in one process
        with TestClient(create_app(state=state, serving=True)):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_duplicate_upload_reported_not_processed(client: TestClient, indictment: bytes) -> None:
    _case(client)
    [first] = _upload(client, ("起诉书.txt", indictment)).json()["documents"]
    response = _upload(client, ("起诉书-副本.txt", indictment))
    assert response.status_code == 200
    [second] = response.json()["documents"]
    assert second["duplicate"] is True and second["id"] == first["id"]
    assert len(client.get(f"/api/cases/{CASE}/documents").json()) == 1


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("空文件.pdf", b"", 422, "empty_file"),
        ("笔录.pdf", "这是一个文本文件，不是 PDF。".encode(), 415, "type_mismatch"),
        ("程序.exe", b"MZ\x90\x00" + bytes(200), 415, "unsupported_type"),
    ],
)
def test_bad_upload_refused_with_clear_error(
    client: TestClient, indictment: bytes, name: str, data: bytes, status: int, code: str
) -> None:
    _case(client)
    response = _upload(client, (name, data))
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["hint"]
    # the service keeps serving, and a good file in the same upload is not affected
    mixed = _upload(client, (name, data), ("起诉书.txt", indictment))
    assert mixed.status_code == 201
    assert mixed.json()["rejected"][0]["error"]["code"] == code
    good = mixed.json()["documents"][0]
    assert client.get(f"/api/documents/{good['id']}").json()["status"] == "done"


def _pdf_bytes(tmp_path: Path, kind: str, text: str) -> bytes:
    if kind == "encrypted":
        return render_text_pdf([text], tmp_path / "e.pdf", encrypt_password="secret").read_bytes()
    whole = render_text_pdf([text, text + "第二页"], tmp_path / "w.pdf")
    return truncate_file(whole, tmp_path / "t.pdf", keep=0.4).read_bytes()


@pytest.mark.parametrize(("kind", "code"), [("encrypted", "pdf_encrypted"), ("truncated", "pdf_damaged")])
def test_unreadable_pdf_marked_failed(
    client: TestClient, tmp_path: Path, indictment: bytes, kind: str, code: str
) -> None:
    _case(client)
    data = _pdf_bytes(tmp_path, kind, indictment.decode())
    response = _upload(client, ("卷宗.pdf", data), ("起诉书.txt", indictment))
    bad, good = response.json()["documents"]
    failed = client.get(f"/api/documents/{bad['id']}").json()
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == code
    assert failed["error"]["message"] and failed["error"]["hint"]
    assert client.get(f"/api/documents/{good['id']}").json()["status"] == "done"
    # the original is kept, byte for byte, for the clerk to download
    original = client.get(f"/api/documents/{bad['id']}/original")
    assert original.content == data
    # a retry runs the pipeline again and records the same, clear failure
    retried = client.post(f"/api/documents/{bad['id']}/retry").json()
    assert retried["status"] == "failed" and retried["error"]["code"] == code


def test_missing_things_are_json_404(client: TestClient) -> None:
    for path in ("/api/documents/999", "/api/cases/不存在/documents", "/api/documents/999/pages/1", "/nope"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) >= {"code", "message", "hint"}


def test_invalid_requests_are_json_422(client: TestClient) -> None:
    response = client.post("/api/cases", json={"title": "无案号"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"
    response = client.get("/api/documents/abc")
    assert response.status_code == 422
    _case(client)
    assert _upload(client).status_code == 422


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_web_page_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "casefile" in page.text
    assert client.get("/assets/app.js").status_code == 200
    assert client.get("/assets/../cli.py").status_code == 404


def test_searchable_pdf_of_a_scan(client: TestClient, tmp_path: Path, indictment: bytes) -> None:
    import io

    import pdfplumber

    from tests.support.render import render_image

    _case(client)
    scan = render_image("被告人周海涛在便利店内窃取现金。", tmp_path / "scan.png", dpi=150).read_bytes()
    documents = _upload(client, ("笔录.png", scan), ("起诉书.txt", indictment)).json()["documents"]
    scanned, text = (d["id"] for d in documents)
    response = client.get(f"/api/documents/{scanned}/searchable.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        assert "周海涛" in (pdf.pages[0].extract_text() or "").replace(" ", "")
        assert pdf.pages[0].images  # the scan itself is the page
    refused = client.get(f"/api/documents/{text}/searchable.pdf")
    assert refused.status_code == 409 and refused.json()["code"] == "not_scanned"


def test_page_lines_say_which_need_review(client: TestClient, state, indictment: bytes) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from models.tables import Page

    _case(client)
    [created] = _upload(client, ("起诉书.txt", indictment)).json()["documents"]
    with state.ctx.db.session() as session:
        page = session.query(Page).filter_by(document_id=created["id"]).one()
        lines = [dict(line) for line in page.lines]
        lines[0]["confidence"] = 0.3
        session.execute(update(Page).where(Page.id == page.id).values(lines=lines))
    shown = client.get(f"/api/documents/{created['id']}/pages/1").json()["lines"]
    assert shown[0]["needs_review"] is True and not any(line["needs_review"] for line in shown[1:])


@pytest.mark.parametrize("in_process", [True, False])
def test_search_runs_on_the_event_loop_only_for_an_in_process_index(
    client: TestClient, state: AppState, monkeypatch: pytest.MonkeyPatch, in_process: bool
) -> None:
    """Elasticsearch's round trips must not hold up the loop that serves every other request."""
    real = state.ctx.index()
    ran_on: list[str] = []

    class Watched:
        name = "watched"

        def __init__(self) -> None:
            self.in_process = in_process

        def search(self, query: SearchQuery) -> SearchResults:
            try:
                asyncio.get_running_loop()
                ran_on.append("event loop")
            except RuntimeError:
                ran_on.append("worker thread")
            return real.search(query)

    monkeypatch.setattr(state.ctx, "index", Watched)
    assert client.get("/api/search", params={"q": "盗窃"}).status_code == 200
    assert ran_on == ["event loop" if in_process else "worker thread"]


@pytest.mark.parametrize("slots", [1, 2])
def test_uploads_are_stored_a_few_at_a_time(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, slots: int
) -> None:
    """CASEFILE_API_UPLOAD_THREADS bounds the uploads stored at once; the others wait their turn."""
    from ingest import intake

    settings.api_upload_threads = slots
    state = build_state(settings, eager_jobs=True)
    storing = 0
    most = 0
    lock = threading.Lock()
    real = intake.add_document

    def slow_add(*args: Any, **kwargs: Any) -> Any:
        nonlocal storing, most
        with lock:
            storing += 1
            most = max(most, storing)
        time.sleep(0.3)
        with lock:
            storing -= 1
        return real(*args, **kwargs)

    monkeypatch.setattr(intake, "add_document", slow_add)
    try:
        with TestClient(create_app(state=state)) as client:
            client.headers.update(bearer(client, "admin", settings.admin_password))
            _case(client)
            with ThreadPoolExecutor(4) as pool:
                codes = list(pool.map(
                    lambda n: _upload(client, (f"笔录{n}.txt", f"讯问笔录第{n}份".encode())).status_code,
                    range(4)))
    finally:
        state.ctx.db.dispose()
    assert codes == [201] * 4
    assert most == slots
