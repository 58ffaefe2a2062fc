"""Pages per minute for a 20-page scanned dossier on the embedded default, through the real CLI.

`.venv/bin/python -m bench.e2e.run [--pages 20] [--write]`. Renders pages from the judgments in
../shared/data/dev (A4, 200 DPI, Song/Ming face, clean scan), runs `casefile ingest` with no
server (which starts the embedded worker: 2 processes), and reports wall time from the command's
start to every page read, facts extracted and indexed, split into worker start-up and
processing. With --write, the table goes into docs/BENCHMARKS.md under "End to end (bench/e2e)".
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.dossier import dev_pages  # noqa: E402
from tests.support.render import render_scanned_pdf  # noqa: E402

DEV = REPO.parent / "shared" / "data" / "dev" / "judgments.jsonl"
SECTION = "## End to end (bench/e2e)"


def dossier_pages(count: int) -> list[str]:
    return dev_pages(DEV, count)


def run(pages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = render_scanned_pdf(dossier_pages(pages), Path(tmp) / "dossier.pdf")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
        env["PYTHONPATH"] = str(REPO)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", "--data-dir", f"{tmp}/data", "ingest", str(pdf),
             "--case", "BENCH-1"],
            cwd=REPO, env=env, capture_output=True, text=True, check=False,
        )
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"ingest failed:\n{result.stderr[-3000:]}")
        chars = sum(len(re.sub(r"\s", "", p)) for p in dossier_pages(pages))
    return {"pages": pages, "seconds": elapsed, "pages_per_minute": 60 * pages / elapsed, "chars": chars}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update docs/BENCHMARKS.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    figures = run(args.pages)
    table = (
        f"{SECTION}\n\n"
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores "
        f"(load average before the run: {load_before:.2f}); command: "
        f"`.venv/bin/python -m bench.e2e.run --pages {args.pages} --write`.\n\n"
        "| dossier | wall time (s) | pages per minute |\n|---|---|---|\n"
        f"| {figures['pages']} scanned A4 pages, 200 DPI, {figures['chars']} characters | "
        f"{figures['seconds']:.1f} | {figures['pages_per_minute']:.1f} |\n\n"
        "Wall time runs from starting `casefile ingest` (no server running) to every page read by "
        "OCR, facts extracted and pages indexed; it includes starting the embedded worker and "
        "loading the OCR models in its 2 processes.\n"
    )
    print(table)
    if args.write:
        from bench.report import write_section

        write_section(table)


if __name__ == "__main__":
    main()
