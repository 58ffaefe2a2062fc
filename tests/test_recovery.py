"""A worker killed in the middle of a document: a new worker finishes it, each page exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cli import REPO, casefile, json_lines
from tests.support.render import render_scanned_pdf

CASE = "（2026）测试刑初9号"
PAGES = [f"第{n}页。被告人赵某{n}号在仓库内窃取铜线若干，价值人民币{n}千元。" * 6 for n in range(1, 5)]


def _start_worker(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "worker", "--concurrency", "1"],
        cwd=REPO, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _pages_done(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM pages WHERE status = 'done'").fetchone()[0])


def _status(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("SELECT status FROM documents").fetchone()[0])


@pytest.mark.slow
@pytest.mark.timeout(1800)  # generous: on a loaded 2-core machine a page can take half a minute
def test_killed_worker_pages_redone_exactly_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pdf = render_scanned_pdf(PAGES, tmp_path / "卷宗.pdf")
    queued = casefile("ingest", str(pdf), "--case", CASE, "--no-wait", data_dir=data)
    assert queued.returncode == 0, queued.stderr
    db = data / "casefile.db"

    first = _start_worker(data)
    deadline = time.monotonic() + 600
    while _pages_done(db) < 1:
        assert time.monotonic() < deadline, "the first worker read no page"
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = _pages_done(db)
    assert killed_at < len(PAGES), "the worker finished before it could be killed; use more pages"

    second = _start_worker(data)
    try:
        while _status(db) not in ("done", "failed"):
            assert time.monotonic() < deadline + 900, "the document was not finished after restart"
            time.sleep(0.5)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(60)
    assert _status(db) == "done"
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT number, status FROM pages ORDER BY number").fetchall()
    assert rows == [(n, "done") for n in range(1, len(PAGES) + 1)]
    # one index entry per page: each page's own phrase is found once, on that page
    for number in range(1, len(PAGES) + 1):
        found = json_lines(casefile("search", f'"被告人赵某{number}号"', "--json", data_dir=data).stdout)[0]
        assert [(h["page"]) for h in found["hits"]] == [number], found
