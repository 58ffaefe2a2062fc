"""A worker killed in the middle of a document: a new worker finishes it, each page exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.cli import REPO, casefile, json_lines
from tests.support.render import render_scanned_pdf
from tests.support.services import fresh_postgres, fresh_redis

CASE = "（2026）测试刑初9号"
PAGES = [f"第{n}页。被告人赵某{n}号在仓库内窃取铜线若干，价值人民币{n}千元。" * 6 for n in range(1, 5)]


def _start_worker(data_dir: Path, extra: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"PYTHONPATH": str(REPO), **extra})
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "worker", "--concurrency", "1"],
        cwd=REPO, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _query(url: str, sql: str) -> object:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).fetchall()
    finally:
        engine.dispose()


def _pages_done(url: str) -> int:
    return int(_query(url, "SELECT count(*) FROM pages WHERE status = 'done'")[0][0])  # type: ignore[index]


def _status(url: str) -> str:
    return str(_query(url, "SELECT status FROM documents")[0][0])  # type: ignore[index]


@contextmanager
def _profile(name: str, data: Path) -> Iterator[tuple[dict[str, str], str]]:
    """Settings of the profile, and its database URL."""
    if name == "embedded":
        yield {}, f"sqlite:///{data / 'casefile.db'}"
        return
    with fresh_postgres() as database_url, fresh_redis(db=11) as broker_url:
        yield {"CASEFILE_DATABASE_URL": database_url, "CASEFILE_BROKER_URL": broker_url}, database_url


@pytest.mark.slow
@pytest.mark.timeout(1800)  # generous: on a loaded 2-core machine a page can take half a minute
@pytest.mark.parametrize("profile", ["embedded", pytest.param("postgres+redis", marks=pytest.mark.integration)])
def test_killed_worker_pages_redone_exactly_once(tmp_path: Path, profile: str) -> None:
    data = tmp_path / "data"
    pdf = render_scanned_pdf(PAGES, tmp_path / "卷宗.pdf")
    with _profile(profile, data) as (env, db):
        queued = casefile("ingest", str(pdf), "--case", CASE, "--no-wait", data_dir=data, env=env)
        assert queued.returncode == 0, queued.stderr

        first = _start_worker(data, env)
        deadline = time.monotonic() + 600
        while _pages_done(db) < 1:
            assert time.monotonic() < deadline, "the first worker read no page"
            time.sleep(0.2)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = _pages_done(db)
        assert killed_at < len(PAGES), "the worker finished before it could be killed; use more pages"

        second = _start_worker(data, env)
        try:
            while _status(db) not in ("done", "failed"):
                assert time.monotonic() < deadline + 900, "the document was not finished after restart"
                time.sleep(0.5)
        finally:
            second.terminate()  # warm shutdown is the main process's job; it stops its children
            try:
                second.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(second.pid, signal.SIGKILL)
                second.wait()
        assert _status(db) == "done"
        rows = _query(db, "SELECT number, status FROM pages ORDER BY number")
        assert [tuple(r) for r in rows] == [(n, "done") for n in range(1, len(PAGES) + 1)]  # type: ignore[attr-defined]
        # one index entry per page: each page's own phrase is found once, on that page
        for number in range(1, len(PAGES) + 1):
            found = json_lines(casefile("search", f'"被告人赵某{number}号"', "--json", data_dir=data, env=env).stdout)[0]
            assert [h["page"] for h in found["hits"]] == [number], found
