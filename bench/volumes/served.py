r"""The chain of ``bench.volumes.chain`` on one long volume, against a real ``casefile serve``.

``run_served(pages, scanned=...)`` builds a volume of ``pages`` pages (``bench.volumes.long``),
renders it as an image-only scan (``scanned``: 200 DPI, Ming face, 1% noise, turned by -0.8°, a
light blur, as volume 4 of ``bench.volumes.run``) or with a text layer, creates a police clerk and
a procuratorate with ``casefile users add``, starts ``casefile serve`` (no demo; its embedded
worker, 2 processes) on a free port and runs the chain as the clerk. Besides the chain's report
it times ``catalogue_pages`` on the pages as the API serves them (catalogue time per page) and
checks that this gives the catalogue the server stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.volumes.chain import ChainBroken, ChainReport, run_chain
from bench.volumes.long import build_long_volume
from models.page import PageContent
from nlp.catalogue.split import catalogue_pages
from tests.support.render import render_scanned_pdf, render_text_pdf
from tests.support.server import REPO, bearer, clean_env, free_port, start_serve, stop

POLICE, PROCURATORATE = "北京市公安局朝阳分局", "北京市朝阳区人民检察院"
CASE = "京公朝刑立字〔2026〕3000号"
PASSWORD = "bench-volume-password-1"
SCAN_FONT, SCAN_NOISE, SCAN_SKEW, SCAN_BLUR = "uming", 0.01, -0.8, 0.4


def add_user(data_dir: Path, env: dict[str, str], name: str, agency: str, role: str) -> None:
    """``casefile users add`` with the bench's password (before the server starts)."""
    subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "users", "add", name,
         "--agency", agency, "--role", role, "--password", PASSWORD],
        cwd=REPO, env=env, check=True, capture_output=True,
    )


def time_catalogue(client: httpx.Client, document_id: int, pages: int, stored: list[dict[str, Any]]) -> dict[str, Any]:
    """Seconds ``catalogue_pages`` takes on the served pages (best of 3), and whether it agrees."""
    contents = []
    for number in range(1, pages + 1):
        page = client.get(f"/api/documents/{document_id}/pages/{number}").json()
        page["lines"] = [{k: v for k, v in line.items() if k != "needs_review"} for line in page["lines"]]
        contents.append(PageContent.from_dict(page))
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        docs = catalogue_pages(contents)
        best = min(best, time.perf_counter() - started)
    again = [(d.type, d.first_page, d.last_page) for d in docs]
    return {"catalogue_s": round(best, 3), "catalogue_ms_per_page": round(1000 * best / pages, 2),
            "same_as_stored": again == [(e["type"], e["first_page"], e["last_page"]) for e in stored]}


def run_served(pages: int, *, scanned: bool, keep: Path | None = None) -> dict[str, Any]:
    """Build, render, serve and run the chain; the summary (see module doc)."""
    volume = build_long_volume(pages)
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        started = time.perf_counter()
        pdf_path = folder / "IMG_0001.pdf"
        if scanned:
            render_scanned_pdf(volume.pages, pdf_path, font=SCAN_FONT, noise=SCAN_NOISE, skew=SCAN_SKEW, blur=SCAN_BLUR)
        else:
            render_text_pdf(volume.pages, pdf_path)
        render_s = time.perf_counter() - started
        pdf = pdf_path.read_bytes()
        data_dir = folder / "data"
        env = clean_env(CASEFILE_LOAD_DEMO="false", CASEFILE_ADMIN_PASSWORD=PASSWORD)
        add_user(data_dir, env, "bench-clerk", POLICE, "clerk")
        add_user(data_dir, env, "bench-prosecutor", PROCURATORATE, "prosecutor")
        port = free_port()
        with (folder / "serve.log").open("wb") as log:
            server = start_serve(data_dir, port, env, log=log)
            try:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=900) as client:
                    client.headers.update(bearer(client, "bench-clerk", PASSWORD))
                    load_before = os.getloadavg()
                    report = ChainReport()
                    try:
                        run_chain(client, volume, pdf, case=CASE, receiver=PROCURATORATE, timeout=3600, report=report)
                    except ChainBroken as error:  # reported with what the steps before it gave
                        report.broken = str(error)
                    load_after = os.getloadavg()
                    timing = (time_catalogue(client, report.document_id, report.pages, report.catalogue)
                              if report.pages else {})
            finally:
                stop(server)
    summary = report.summary()
    summary.update({
        "rendering": (f"scanned (image only, 200 DPI, {SCAN_FONT}, noise {SCAN_NOISE}, skew {SCAN_SKEW}, "
                      f"blur {SCAN_BLUR})") if scanned else "text layer",
        "pdf_mb": round(len(pdf) / 2**20, 1),
        "render_s": round(render_s, 1), "pages_per_minute": round(60 * report.pages / report.upload_to_done_s, 1),
        **timing, "loadavg_before": load_before, "loadavg_after": load_after,
    })
    return summary
