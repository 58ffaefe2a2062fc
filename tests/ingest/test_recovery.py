"""A worker killed in the middle of a 50-page document: a new worker finishes it, each page once.

The pages have a text layer, so reading one takes a fraction of a second and the test stays fast;
OCR is not the point here, the kill is. The worker (two pool processes) is killed with SIGKILL,
whole process group, while page tasks are in flight; a new worker must then finish the document
with every page stored once, one fact sheet and one index entry per page. Each broker loses the
killed worker's tasks differently: the embedded queue forgets them, Redis hands them out again
only after its visibility timeout, RabbitMQ at once when the connection drops.
"""

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
from tests.support.render import render_text_pdf
from tests.support.services import fresh_postgres, fresh_rabbitmq, fresh_redis

CASE = "（2026）测试刑初9号"
# Text-layer pages are read in one task per document and stored in batches of up to two seconds
# (issue #19): enough pages that the worker is killed after a batch, long before the last.
PAGE_COUNT = 200
# Each page carries its own phrase, so a search shows which pages the index holds, and how often.
PAGES = [f"第{n}页。被告人赵某{n}号在仓库内窃取铜线若干，价值人民币{n}千元。" * 4 for n in range(1, PAGE_COUNT + 1)]


def _start_worker(data_dir: Path, extra: dict[str, str], concurrency: int = 2) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"PYTHONPATH": str(REPO), **extra})
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "worker", "--concurrency", str(concurrency)],
        cwd=REPO, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()  # warm shutdown is the main process's job; it stops its children
    try:
        worker.wait(120)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql)).fetchall()]
    finally:
        engine.dispose()


def _pages_done(url: str) -> int:
    return int(_query(url, "SELECT count(*) FROM pages WHERE status = 'done'")[0][0])  # type: ignore[call-overload]


def _status(url: str) -> str:
    return str(_query(url, "SELECT status FROM documents")[0][0])


# each profile's services, marked so that a run without them can deselect it
PROFILES = [
    "embedded",
    pytest.param("postgres+redis", marks=[pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]),
    pytest.param("postgres+rabbitmq", marks=[pytest.mark.integration, pytest.mark.postgres]),
]


@contextmanager
def _profile(name: str, data: Path) -> Iterator[tuple[dict[str, str], str]]:
    """Settings of the profile, and its database URL."""
    if name == "embedded":
        yield {}, f"sqlite:///{data / 'casefile.db'}"
        return
    broker = fresh_redis(db=11) if name == "postgres+redis" else fresh_rabbitmq()
    with fresh_postgres() as database_url, broker as broker_url:
        yield {"CASEFILE_DATABASE_URL": database_url, "CASEFILE_BROKER_URL": broker_url}, database_url


@pytest.mark.slow
@pytest.mark.timeout(900)  # generous: a loaded 2-core machine; usually well under a minute each
@pytest.mark.parametrize("profile", PROFILES)
def test_killed_worker_pages_redone_exactly_once(tmp_path: Path, profile: str) -> None:
    data = tmp_path / "data"
    pdf = render_text_pdf(PAGES, tmp_path / "卷宗.pdf")
    with _profile(profile, data) as (env, db):
        env = {**env, "CASEFILE_LOAD_DEMO": "false"}
        queued = casefile("ingest", str(pdf), "--case", CASE, "--no-wait", data_dir=data, env=env)
        assert queued.returncode == 0, queued.stderr

        first = _start_worker(data, env)
        deadline = time.monotonic() + 300
        while _pages_done(db) < 3:
            assert first.poll() is None, "the first worker exited on its own"
            assert time.monotonic() < deadline, "the first worker read no page"
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)  # main process and its pool children, mid-page
        first.wait()
        killed_at = _pages_done(db)
        assert killed_at < PAGE_COUNT, "the worker finished before it could be killed; use more pages"

        second = _start_worker(data, env)
        try:
            while _status(db) not in ("done", "failed"):
                assert time.monotonic() < deadline + 300, "the document was not finished after restart"
                time.sleep(0.3)
        finally:
            _stop_worker(second)

        assert _status(db) == "done"
        # one row per page, each done; one fact sheet for the document
        assert _query(db, "SELECT number, status FROM pages ORDER BY number") == [
            (n, "done") for n in range(1, PAGE_COUNT + 1)
        ]
        assert _query(db, "SELECT count(*) FROM fact_sheets") == [(1,)]
        # one index entry per page: each page's own phrase is found once, on that page
        queries = tmp_path / "queries.txt"
        queries.write_text("\n".join(f'"被告人赵某{n}号在仓库"' for n in range(1, PAGE_COUNT + 1)), encoding="utf-8")
        found = json_lines(casefile("search", "--queries", str(queries), "--json", "--limit", "100",
                                    data_dir=data, env=env).stdout)
        assert [[h["page"] for h in result["hits"]] for result in found] == [
            [n] for n in range(1, PAGE_COUNT + 1)
        ]
        assert casefile("check", data_dir=data, env=env).returncode == 0
