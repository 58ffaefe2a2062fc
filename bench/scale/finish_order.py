"""When the documents of one large upload are done: one after another, or all at the end.

`.venv/bin/python -m bench.scale.finish_order [--documents 100] [--pages 5] [--concurrency 2] [--write]`

Queues ``--documents`` text-layer PDFs of ``--pages`` dev pages each with one
`casefile ingest --no-wait` (the embedded default), then starts `casefile worker` and notes when
each document becomes done. Reports the seconds from the worker's start until the first, the
tenth percentile, the median and the last document was done. With one first-in, first-out queue
(before session 4) no document was done before every page of the upload was read; extraction,
splitting and page reads now have a queue each (``ingest.jobs.QUEUES``).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.scale.run import DEV, REPO, _cli, _env
from tests.support.dossier import dev_pages
from tests.support.render import render_text_pdf

SECTION = "### Finish order of a large upload (bench/scale/finish_order)"


def done_times(documents: int, pages: int, concurrency: int) -> tuple[list[float], float]:
    """Seconds from the worker's start until each document was done, sorted; and the page-read end."""
    texts = dev_pages(DEV, documents * pages)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "upload"
        folder.mkdir()
        for d in range(documents):
            render_text_pdf(texts[d * pages:(d + 1) * pages], folder / f"{d + 1:04d}.pdf")
        data = str(Path(tmp) / "data")
        env = _env({"CASEFILE_LOAD_DEMO": "false"})
        _cli(data, env, "ingest", str(folder), "--case", "（2026）基准刑初1号", "--no-wait")
        engine = create_engine(f"sqlite:///{data}/casefile.db")
        worker = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--data-dir", data, "worker", "--concurrency", str(concurrency)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        seen: dict[int, float] = {}
        last_page = 0.0
        try:
            while len(seen) < documents:
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker exited with {worker.returncode}")
                with engine.connect() as db:
                    done = db.execute(text("SELECT id FROM documents WHERE status IN ('done', 'failed')")).scalars()
                    now = time.perf_counter() - started
                    for document_id in done:
                        seen.setdefault(int(document_id), now)
                    unread = db.execute(text("SELECT count(*) FROM pages WHERE status != 'done'")).scalar_one()
                    total = db.execute(text("SELECT count(*) FROM pages")).scalar_one()
                if not last_page and total == documents * pages and unread == 0:
                    last_page = now
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(120)
            engine.dispose()
    return sorted(seen.values()), last_page


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    times, last_page = done_times(args.documents, args.pages, args.concurrency)
    n = len(times)
    section = "\n".join([
        SECTION, "",
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores (load "
        f"average {load:.2f} before, {os.getloadavg()[0]:.2f} after); command: `.venv/bin/python "
        f"-m bench.scale.finish_order --documents {args.documents} --pages {args.pages} "
        f"--concurrency {args.concurrency} --write`. {args.documents} text-layer PDFs of "
        f"{args.pages} dev pages each, queued at once with one `casefile ingest --no-wait`, then "
        f"one `casefile worker --concurrency {args.concurrency}` (embedded default). Seconds from "
        "the worker's start until documents were done:", "",
        "| first | 10 % | median | last | last page read |", "|---|---|---|---|---|",
        f"| {times[0]:.1f} | {times[n // 10]:.1f} | {times[n // 2]:.1f} | {times[-1]:.1f} | "
        f"{last_page:.1f} |", "",
        "With one first-in, first-out queue (until session 4) the first document could only be done "
        "after the last page of the upload was read; extraction, splitting and page reads now have "
        "a queue each, served in turn.", "",
    ])
    print(section)
    if args.write:
        from bench.report import write_section

        write_section(section, parent="## Scale (bench/scale)")


if __name__ == "__main__":
    main()
