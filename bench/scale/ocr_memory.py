"""Memory of one process reading scans with the default OCR engine, page after page.

`.venv/bin/python -m bench.scale.ocr_memory [--pages 120] [--write]`

Each page is a different dev page rendered as a 200 DPI PNG scan and read the way a worker reads
it (``read_file`` with ``ppocr``) in this process; its resident memory is sampled every 20 pages. onnxruntime
keeps what its sessions allocated (a memory arena per session, a memory plan per input shape),
so a worker process grows while it reads its first scans; this shows where that stops.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.dossier import dev_pages  # noqa: E402
from tests.support.render import render_image  # noqa: E402

DEV = REPO.parent / "shared" / "data" / "dev" / "judgments.jsonl"
SECTION = "### OCR memory over the first scans (bench/scale/ocr_memory)"
PARENT = "## Scale (bench/scale)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    from ingest.ocr.registry import get_engine
    from ingest.reading.documents import read_file

    process = psutil.Process()
    before = process.memory_info().rss / 2**20
    engine = get_engine("ppocr")
    loaded = process.memory_info().rss / 2**20
    rows, cpu = [], 0.0
    folder = tempfile.TemporaryDirectory()
    scan = Path(folder.name) / "scan.png"
    for number, text in enumerate(dev_pages(DEV, args.pages), 1):
        render_image(text, scan, dpi=200)
        started = time.process_time()
        read_file(scan, engine, dpi=200)
        cpu += time.process_time() - started
        if number == 1 or number % args.every == 0:
            gc.collect()
            rows.append((number, process.memory_info().rss / 2**20, cpu / number))
            print(rows[-1], flush=True)
    folder.cleanup()
    first = rows[1][1] if len(rows) > 1 else rows[0][1]
    lines = [
        SECTION, "",
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores (load average "
        f"before the run {load:.2f}); command: `.venv/bin/python -m bench.scale.ocr_memory --pages "
        f"{args.pages} --write`. One process, {args.pages} different dev pages rendered as 200 DPI "
        f"scans, read by ppocr: {before:.0f} MB before the engine was built, {loaded:.0f} MB after "
        "(its sessions allocate on the first page), then:", "",
        "| scanned pages read | resident MB | CPU seconds per page |", "|---|---|---|",
        *[f"| {n} | {rss:.0f} | {per_page:.2f} |" for n, rss, per_page in rows], "",
        f"From page {rows[min(1, len(rows) - 1)][0]} to page {rows[-1][0]}: "
        f"{rows[-1][1] - first:+.0f} MB.", "",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        from bench.report import write_section

        write_section(table, parent=PARENT)


if __name__ == "__main__":
    main()
