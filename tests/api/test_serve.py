"""`casefile serve` as the README's run command starts it: demo loaded, processed, searchable."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from api.demo import DEMO_CASE, DEMO_RECEIVER_AGENCY, demo_files
from tests.support.server import clean_env, free_port, start_serve, stop


@pytest.mark.slow
def test_serve_loads_and_processes_demo(tmp_path: Path) -> None:
    port = free_port()
    server = start_serve(tmp_path / "data", port, clean_env())
    base = f"http://127.0.0.1:{port}"
    try:
        token = httpx.post(f"{base}/api/auth/token", data={
            "username": "admin", "password": "casefile-demo"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 240
        documents: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            assert server.poll() is None, "casefile serve exited"
            documents = httpx.get(f"{base}/api/cases/{DEMO_CASE}/documents", headers=headers).json()
            if len(documents) == len(demo_files()) and all(d["status"] in ("done", "failed") for d in documents):
                break
            time.sleep(1)
        assert [d["status"] for d in documents] == ["done"] * len(demo_files()), documents
        sources = set()
        for document in documents:
            detail = httpx.get(f"{base}/api/documents/{document['id']}", headers=headers).json()
            sources |= {p["source"] for p in detail["pages"]}
        assert sources == {"text-layer", "ocr"}
        result = httpx.get(f"{base}/api/search", params={"q": "王晓丽"}, headers=headers).json()
        found = {hit["filename"] for hit in result["hits"]}
        assert {"01_起诉意见书.pdf", "02_起诉书（扫描件）.pdf", "03_讯问笔录（扫描件）.png"} <= found
        # the newcomer's hand-over: the demo clerk sends the case with its pre-filled form, the
        # demo procuratorate's prosecutor accepts it, every required field filled from evidence
        clerk, prosecutor = (
            {"Authorization": "Bearer " + httpx.post(f"{base}/api/auth/token", data={
                "username": name, "password": "casefile-demo"}).json()["access_token"]}
            for name in ("demo-clerk", "demo-prosecutor")
        )
        sent = httpx.post(f"{base}/api/cases/{DEMO_CASE}/transfers", headers=clerk, json={
            "form_id": "prosecution_transfer", "to_agency": DEMO_RECEIVER_AGENCY})
        assert sent.status_code == 201, sent.text
        open_fields = [f["name"] for form in sent.json()["forms"] for f in form["fields"]
                       if f["required"] and f["status"] != "filled"]
        assert open_fields == []
        accepted = httpx.post(f"{base}/api/transfers/{sent.json()['id']}/accept", headers=prosecutor)
        assert accepted.status_code == 200, accepted.text
        assert [r["defendant"] for r in accepted.json()["records"]] == ["李明远", "王晓丽"]
        facts = httpx.get(f"{base}/api/cases/{DEMO_CASE}/facts", headers=headers).json()["facts"]
        assert {d["name"] for d in facts["defendants"]} == {"李明远", "王晓丽"}
        assert httpx.get(f"{base}/").status_code == 200
    finally:
        stop(server)


@pytest.mark.slow
def test_serve_with_several_processes_one_worker(tmp_path: Path) -> None:
    """`serve --processes 2`: two server processes on one port, one embedded worker, all stopped."""
    import psutil

    port = free_port()
    data = tmp_path / "data"
    server = start_serve(data, port, clean_env(CASEFILE_LOAD_DEMO="false", CASEFILE_OCR_ENGINE="null"),
                         "--processes", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        children = psutil.Process(server.pid).children(recursive=True)
        direct = psutil.Process(server.pid).children()
        workers = [p for p in direct if "worker" in p.cmdline()]
        assert len(workers) == 1, [p.cmdline() for p in direct]  # started once, not per process
        assert len([p for p in direct if any("spawn_main" in arg for arg in p.cmdline())]) == 2
        assert psutil.Process(workers[0].pid).nice() == 10  # OCR yields the CPU to the API
        token = httpx.post(f"{base}/api/auth/token", data={
            "username": "admin", "password": "casefile-demo"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        httpx.post(f"{base}/api/cases", json={"case_number": "（2026）多进程1号"}, headers=headers)
        text = "起诉书\n被告人孙某某涉嫌盗窃罪。".encode()
        [document] = httpx.post(f"{base}/api/cases/（2026）多进程1号/documents", headers=headers,
                                files=[("file", ("起诉书.txt", text, "text/plain"))]).json()["documents"]
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/api/documents/{document['id']}", headers=headers).json()["status"] != "done":
            assert time.monotonic() < deadline, "the embedded worker did not process the upload"
            time.sleep(0.5)
        # requests spread over both processes all see the same data
        for _ in range(20):
            assert httpx.get(f"{base}/api/search", params={"q": "孙某某"}, headers=headers).json()["total"] == 1
    finally:
        stop(server)
    _gone, alive = psutil.wait_procs(children, timeout=15)  # multiprocessing's tracker lingers briefly
    assert not alive, [p.cmdline() for p in alive]
