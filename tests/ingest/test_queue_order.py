"""Documents finish one after another, not all together when every page of the upload is read.

Three documents of eight text-layer pages are queued at once and one worker with one pool
process works through them. With a single first-in, first-out queue the first document's
extraction waited behind every page of the other two, so no document was done before the last
page was read. Extraction and indexing now have a queue of their own that the worker serves in
turn with the page reads and the splitting (``ingest.jobs.FINISH_QUEUE``), so the first
document must be done while pages of the last one are still unread.
"""

from __future__ import annotations

import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.ingest.test_recovery import PROFILES, _profile, _query, _start_worker, _stop_worker
from tests.support.cli import casefile
from tests.support.render import render_text_pdf

DOCUMENTS = 3
PAGES = 8


def _moment(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("profile", PROFILES)
def test_first_document_done_before_last_document_read(tmp_path: Path, profile: str) -> None:
    data = tmp_path / "data"
    pdfs = [
        render_text_pdf([f"第{d}号文书第{n}页。被告人钱某在超市窃取香烟{n}条。" * 3 for n in range(1, PAGES + 1)],
                        tmp_path / f"文书{d}.pdf")
        for d in range(1, DOCUMENTS + 1)
    ]
    with _profile(profile, data) as (env, db):
        env = {**env, "CASEFILE_LOAD_DEMO": "false"}
        queued = casefile("ingest", *map(str, pdfs), "--case", "（2026）测试刑初11号", "--no-wait",
                          data_dir=data, env=env)
        assert queued.returncode == 0, queued.stderr

        worker: subprocess.Popen[bytes] = _start_worker(data, env, concurrency=1)
        deadline = time.monotonic() + 400
        try:
            while _query(db, "SELECT count(*) FROM documents WHERE status NOT IN ('done', 'failed')") != [(0,)]:
                assert worker.poll() is None, "the worker exited on its own"
                assert time.monotonic() < deadline, "the documents were not finished"
                time.sleep(0.3)
        finally:
            _stop_worker(worker)

        rows = _query(db, "SELECT id, status, updated_at FROM documents ORDER BY id")
        assert [status for _id, status, _at in rows] == ["done"] * DOCUMENTS
        first_id, _status, first_done = rows[0]
        last_id = rows[-1][0]
        last_page_read = _query(db, f"SELECT max(updated_at) FROM pages WHERE document_id = {last_id}")[0][0]
        assert _moment(first_done) < _moment(last_page_read), (
            f"document {first_id} was done at {first_done}, after the last page of document "
            f"{last_id} ({last_page_read}): extraction waited behind every page read"
        )
