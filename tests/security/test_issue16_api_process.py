"""Issue #16, items 8 and 10: the API process neither renders nor crashes, and leaves no orphans.

Page images and searchable PDFs are rendered by a child limited like a worker (``ingest.render_job``),
never in the threaded API process, where PDFium (not thread-safe) corrupted the heap under
concurrent thumbnail requests; a `casefile serve` killed outright takes its worker tree with it.
"""

from __future__ import annotations

import io
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.state import AppState, build_state
from core.settings import Settings
from tests.conftest import bearer
from tests.support.render import render_text_pdf
from tests.support.server import clean_env, free_port, start_serve, stop

CASE = "（2026）京公朝刑立字第16号"


def _state(tmp_path: Path, **overrides: object) -> AppState:
    return build_state(
        Settings(data_dir=tmp_path / "data", load_demo=False, ocr_engine="null", **overrides),  # type: ignore[arg-type]
        eager_jobs=True,
    )


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    state = _state(tmp_path)
    with TestClient(create_app(state=state)) as client:
        client.headers.update(bearer(client, "admin", state.settings.admin_password))
        yield client
    state.ctx.db.dispose()


def _upload(client: TestClient, name: str, content: bytes) -> int:
    client.post("/api/cases", json={"case_number": CASE})
    response = client.post(f"/api/cases/{CASE}/documents", files=[("file", (name, content))])
    assert response.status_code == 201, response.text
    [document] = response.json()["documents"]
    return int(document["id"])


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def _no_rendering_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any rendering in this (the API's) process fail loudly."""
    from ingest import searchable_pdf
    from ingest.reading import image, pdf

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rendered in the API process")

    monkeypatch.setattr(pdf.PdfReader, "page_image", refuse)
    monkeypatch.setattr(image.ImageReader, "page_image", refuse)
    monkeypatch.setattr(searchable_pdf, "make_searchable_pdf", refuse)


def test_issue16_page_images_are_not_rendered_in_the_api_process(
    api: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = render_text_pdf(["第一页 被告人周海涛", "第二页 盗窃现金"], tmp_path / "two.pdf").read_bytes()
    document = _upload(api, "two.pdf", pdf)
    _no_rendering_here(monkeypatch)
    for number in (1, 2, 1):  # the third is served from the cache
        response = api.get(f"/api/documents/{document}/pages/{number}/image")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size[0] > 100


def test_issue16_searchable_pdf_is_built_outside_the_api_process(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _upload(api, "scan.png", _png((600, 800)))
    _no_rendering_here(monkeypatch)
    response = api.get(f"/api/documents/{document}/searchable.pdf")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF")
    assert "searchable.pdf" in response.headers["content-disposition"]
    again = api.get(f"/api/documents/{document}/searchable.pdf")  # from the cache
    assert again.status_code == 200 and again.content == response.content


def test_issue16_rendering_has_the_workers_memory_limit(tmp_path: Path) -> None:
    """A 64-megapixel frame (a 0.2 MB PNG) needs more than 256 MB to render: refused with a code."""
    state = _state(tmp_path, worker_memory_mb=256)
    with TestClient(create_app(state=state)) as client:
        client.headers.update(bearer(client, "admin", state.settings.admin_password))
        document = _upload(client, "huge.png", _png((8000, 8000)))
        for url in (f"/api/documents/{document}/pages/1/image", f"/api/documents/{document}/searchable.pdf"):
            response = client.get(url)
            assert response.status_code == 422, (url, response.status_code, response.text[:200])
            body = response.json()
            assert body["code"] == "render_limit_exceeded" and body["message"] and body["hint"]
        assert client.get("/healthz").status_code == 200
    state.ctx.db.dispose()


def _wait_done(base: str, headers: dict[str, str], document: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = httpx.get(f"{base}/api/documents/{document}", headers=headers).json()["status"]
        if status in ("done", "failed"):
            assert status == "done"
            return
        time.sleep(0.5)
    raise AssertionError(f"document {document} not processed within {timeout:.0f} s")


def _running(process: object) -> bool:
    import psutil

    assert isinstance(process, psutil.Process)
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
def test_issue16_concurrent_page_images_keep_serve_up_and_its_worker_dies_with_it(tmp_path: Path) -> None:
    """24 page images of a 12-page PDF at once (the review screen's thumbnails), then SIGKILL.

    On the old code PDFium rendered in the server's threads and the process died with a
    corrupted heap; the embedded worker then ran on as an orphan.
    """
    import psutil

    port = free_port()
    # a generous render timeout: on a loaded CI machine the last of 24 waits its turn long
    server = start_serve(tmp_path / "data", port, clean_env(
        CASEFILE_LOAD_DEMO="false", CASEFILE_OCR_ENGINE="null", CASEFILE_RENDER_TIMEOUT="300"))
    base = f"http://127.0.0.1:{port}"
    tree: list[psutil.Process] = []
    try:
        token = httpx.post(f"{base}/api/auth/token", data={
            "username": "admin", "password": "casefile-demo"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.post(f"{base}/api/cases", json={"case_number": CASE}, headers=headers).status_code == 201
        pages = [f"第{n}页 被告人周海涛于2026年1月{n}日窃取现金{n}00元。" for n in range(1, 13)]
        pdf = render_text_pdf(pages, tmp_path / "many.pdf").read_bytes()
        uploaded = httpx.post(f"{base}/api/cases/{CASE}/documents", headers=headers,
                              files=[("file", ("many.pdf", pdf))], timeout=60)
        assert uploaded.status_code == 201, uploaded.text
        document = uploaded.json()["documents"][0]["id"]
        _wait_done(base, headers, document)

        def fetch(number: int) -> tuple[int, int, str]:
            try:
                response = httpx.get(f"{base}/api/documents/{document}/pages/{number}/image",
                                     headers=headers, timeout=300)
            except httpx.TransportError as error:  # the server died under the requests
                return number, 0, repr(error)
            if response.status_code != 200:
                return number, response.status_code, response.text[:200]
            return number, response.status_code, response.headers.get("content-type", "")

        with ThreadPoolExecutor(24) as pool:
            results = list(pool.map(fetch, [n for n in range(1, 13) for _ in range(2)]))
        assert server.poll() is None, "casefile serve died"
        assert [r for r in results if r[1] != 200] == []
        assert {t for _, _, t in results} == {"image/png"}
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200

        tree = psutil.Process(server.pid).children(recursive=True)
        assert any("worker" in p.cmdline() for p in tree), [p.cmdline() for p in tree]
        server.send_signal(signal.SIGKILL)
        server.wait()
        _gone, alive = psutil.wait_procs(tree, timeout=120)
        alive = [p for p in alive if _running(p)]  # an exited one may wait as a zombie for init
        assert alive == [], f"orphans left running: {[(p.pid, p.cmdline()) for p in alive]}"
    finally:
        if server.poll() is None:
            stop(server)
        for process in tree:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
