"""`casefile serve` as the README's run command starts it: demo loaded, processed, searchable."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.demo import DEMO_CASE, DEMO_RECEIVER_AGENCY, demo_files
from tests.support.cli import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_loads_and_processes_demo(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env["PYTHONPATH"] = str(REPO)
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(tmp_path / "data"), "serve", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    headers: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 240
        documents: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                if not headers:
                    token = httpx.post(f"{base}/api/auth/token", data={
                        "username": "admin", "password": "casefile-demo"}).json()["access_token"]
                    headers = {"Authorization": f"Bearer {token}"}
                documents = httpx.get(f"{base}/api/cases/{DEMO_CASE}/documents", headers=headers).json()
            except httpx.TransportError:
                documents = []
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
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
