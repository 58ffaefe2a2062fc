"""casefile beside Tesseract, each run as its users run it, in one run (issue #19's measure).

Pages: dev texts (``bench.ocr.corpus``, from ../shared/data/dev, never copied here) as A4 scans at
200 DPI in two typefaces and four conditions (clean, noise, jpeg40, fax), saved as PNGs and as
one image-only PDF holding the same images (the volume a clerk uploads).

Each path is timed from its process start to its last page, so model loading counts, as a user
waits for it:

- ``cli``: ``casefile ocr --json volume.pdf`` (``--jobs`` defaults to one process per core);
- ``worker``: ``casefile ingest volume.pdf`` on the embedded default (no server), from the
  command's start to the document done (every page read, facts extracted, pages indexed);
- ``served``: the clerk's way: a PDF uploaded to a running ``casefile serve`` (embedded worker)
  over HTTP, from the upload's start to the document done. The server is started fresh for the
  round and timed only once it is idle (started, worker forked), so the worker's start-up is
  not counted, but each pool process still loads the OCR models on its first page. Its CPU is
  that of the server's process tree during the upload (read from /proc);
- ``tesseract``: as OCRmyPDF runs it: ``OMP_THREAD_LIMIT=1``, one ``tesseract PNG stdout -l
  chi_sim`` process per page, as many at a time as there are cores. Tesseract is handed the PNGs,
  so it skips the page rendering that casefile does from the PDF (in its favour).

The paths alternate round by round (tesseract, cli, worker, tesseract, ...) so that a change in
the machine's load falls on all of them; the median of the rounds is reported, with every round.
CER (whitespace ignored, full-/half-width equal) is computed on the CLI's and Tesseract's text.

    .venv/bin/python -m bench.ocr.sidebyside --per-file 2 --rounds 2 [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.e2e.run import last_done, tree_cpu  # noqa: E402
from bench.ocr.corpus import build_corpus, page_texts  # noqa: E402
from bench.ocr.run_bench import DEFAULT_FILES, DEV_DATA  # noqa: E402
from bench.report import write_section  # noqa: E402
from tests.support.cli import casefile  # noqa: E402
from tests.support.textmetrics import edit_distance, normalize_for_cer  # noqa: E402

CONDITIONS = ["clean", "noise", "jpeg40", "fax"]
SECTION = "## casefile beside Tesseract, issue #19 (bench/ocr/sidebyside)"
PATHS = ("tesseract", "cli", "worker", "served")
CASE = "BENCH-SERVED"
TIMEOUT = 3600  # seconds a path may take (a large --per-file)


def build_pages(out: Path, per_file: int) -> tuple[list[dict[str, Any]], Path]:
    """The benchmark pages as PNGs and the same images as one PDF; the index and the PDF."""
    texts = page_texts([DEV_DATA / name for name in DEFAULT_FILES], per_file)
    index = build_corpus(texts, out / "png", CONDITIONS)
    images = [Image.open(str(item["path"])).convert("L") for item in index]
    pdf = out / "IMG_0001.pdf"
    images[0].save(pdf, "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return index, pdf


def run_tesseract(index: list[dict[str, Any]], jobs: int) -> tuple[float, list[str]]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(path: str) -> str:
        done = subprocess.run(["tesseract", path, "stdout", "-l", "chi_sim", "--psm", "6"], env=env,
                              capture_output=True, text=True, check=True)
        return done.stdout

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:  # threads only wait; each page is its own process
        texts = list(pool.map(read, [str(item["path"]) for item in index]))
    return time.perf_counter() - started, texts


def run_cli(pdf: Path, tmp: Path) -> tuple[float, list[str]]:
    started = time.perf_counter()
    done = casefile("ocr", "--json", str(pdf), data_dir=tmp / "unused", timeout=TIMEOUT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"casefile ocr failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.splitlines()[0])
    return elapsed, [page["text"] for page in result["pages"]]


def run_worker(pdf: Path, tmp: Path) -> float:
    data_dir = tmp / f"data-{time.monotonic_ns()}"
    started_at = time.time()
    done = casefile("ingest", str(pdf), "--case", "BENCH-SIDE", data_dir=data_dir, timeout=TIMEOUT)
    if done.returncode != 0:
        raise SystemExit(f"casefile ingest failed:\n{done.stderr[-3000:]}")
    return last_done(data_dir) - started_at


def proc_tree_cpu(pid: int) -> float:
    """CPU seconds of process ``pid`` and every process below it, those already gone included.

    A process's own time plus its waited-for children's: an exited pool process is then counted
    once, in its parent, and a live one by itself.
    """
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue  # gone meanwhile
        total += times.user + times.system + times.children_user + times.children_system
    return total


def run_served(pdf: Path, tmp: Path, round_: int) -> tuple[float, float]:
    """Seconds from the upload's start to the document done, and the server tree's CPU meanwhile."""
    import httpx

    from bench.volumes.chain import wait_done
    from bench.volumes.served import PASSWORD, POLICE, add_user
    from tests.support.server import bearer, clean_env, free_port, start_serve, stop

    data_dir = tmp / f"served-{round_}"
    env = clean_env(CASEFILE_LOAD_DEMO="false", CASEFILE_ADMIN_PASSWORD=PASSWORD)
    add_user(data_dir, env, "bench-clerk", POLICE, "clerk")
    port = free_port()
    server = start_serve(data_dir, port, env)
    try:
        _wait_idle(server.pid)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT) as client:
            client.headers.update(bearer(client, "bench-clerk", PASSWORD))
            client.post("/api/cases", json={"case_number": CASE, "title": "sidebyside"}).raise_for_status()
            cpu_before = proc_tree_cpu(server.pid)
            started = time.perf_counter()
            uploaded = client.post(f"/api/cases/{CASE}/documents",
                                   files=[("file", (pdf.name, pdf.read_bytes(), "application/pdf"))])
            uploaded.raise_for_status()
            done = wait_done(client, int(uploaded.json()["documents"][0]["id"]), timeout=TIMEOUT, poll=0.5)
            elapsed = time.perf_counter() - started
            cpu = proc_tree_cpu(server.pid) - cpu_before
            if done["status"] != "done":
                raise SystemExit(f"served upload failed: {done['error']}")
    finally:
        stop(server)
    return elapsed, cpu


def _wait_idle(pid: int, quiet: float = 0.05, every: float = 0.5, limit: float = 120) -> None:
    """Wait until the process tree under ``pid`` uses < ``quiet`` CPU-s in ``every`` seconds."""
    deadline = time.monotonic() + limit
    last = proc_tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(every)
        now = proc_tree_cpu(pid)
        if now - last < quiet:
            return
        last = now
    raise SystemExit(f"casefile serve was still busy {limit:.0f} s after it started")


def cer(index: list[dict[str, Any]], texts: list[str]) -> float:
    """Summed edit distance over summed reference length, whitespace and width folded."""
    errors = length = 0
    for item, text in zip(index, texts, strict=True):
        reference = normalize_for_cer(str(item["reference"]))
        errors += edit_distance(reference, normalize_for_cer(text))
        length += len(reference)
    return errors / length


def _load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(per_file: int, rounds: int, jobs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        index, pdf = build_pages(tmp, per_file)
        pages = len(index)
        seconds: dict[str, list[float]] = {path: [] for path in PATHS}
        cers: dict[str, float] = {}
        loads = [_load()]
        cpu: dict[str, list[float]] = {path: [] for path in PATHS}
        for round_ in range(rounds):
            before = tree_cpu()
            elapsed, texts = run_tesseract(index, jobs)
            seconds["tesseract"].append(elapsed)
            cers["tesseract"] = cer(index, texts)
            cpu["tesseract"].append(tree_cpu() - before)
            before = tree_cpu()
            elapsed, texts = run_cli(pdf, tmp)
            seconds["cli"].append(elapsed)
            cers["cli"] = cer(index, texts)
            cpu["cli"].append(tree_cpu() - before)
            before = tree_cpu()
            seconds["worker"].append(run_worker(pdf, tmp))
            cpu["worker"].append(tree_cpu() - before)
            elapsed, served_cpu = run_served(pdf, tmp, round_)
            seconds["served"].append(elapsed)
            cpu["served"].append(served_cpu)
            loads.append(_load())
            print(f"round {round_ + 1}: " + ", ".join(f"{p} {seconds[p][-1]:.1f} s" for p in PATHS),
                  file=sys.stderr)
    return {"pages": pages, "rounds": rounds, "jobs": jobs, "seconds": seconds, "cpu": cpu, "cer": cers,
            "loads": loads, "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores, {platform.machine()}"}


def markdown(result: dict[str, Any]) -> str:
    pages = result["pages"]
    tess = median(result["seconds"]["tesseract"])
    rows = []
    labels = {"tesseract": "Tesseract (OMP_THREAD_LIMIT=1, one process per page, "
                           f"{result['jobs']} at a time)",
              "cli": "`casefile ocr` (one process per core)",
              "worker": "`casefile ingest`, embedded worker, to the document done",
              "served": "upload to a running `casefile serve`, to the document done"}
    for path in PATHS:
        runs = result["seconds"][path]
        wall = median(runs)
        error = f"{100 * result['cer'][path]:.2f}%" if path in result["cer"] else "same engine as cli"
        rounds = ", ".join(f"{s:.1f}" for s in runs)
        cpu = median(result["cpu"][path]) / pages
        rows.append(f"| {labels[path]} | {rounds} | {pages / wall:.2f} | {60 * pages / wall:.0f} | "
                    f"{tess / wall:.2f}× | {cpu:.2f} | {error} |")
    return "\n".join([
        SECTION, "",
        f"`python -m bench.ocr.sidebyside` ({result['when']}, {result['machine']}): {pages} A4 pages "
        f"at 200 DPI (dev texts, two typefaces; {', '.join(CONDITIONS)}), {result['rounds']} rounds "
        f"alternating the paths; 1-minute load average before and after each round: "
        f"{' → '.join(result['loads'])}.",
        "",
        "| path | seconds per round | pages/s (median) | pages/min | vs Tesseract | CPU-s/page | CER |",
        "|---|---|---|---|---|---|---|",
        *rows, "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-file", type=int, default=2, help="dev texts taken from each file")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="Tesseract processes at a time (OCRmyPDF: one per core)")
    parser.add_argument("--write", action="store_true", help="update docs/BENCHMARKS.md")
    args = parser.parse_args()
    result = measure(args.per_file, args.rounds, args.jobs)
    text = markdown(result)
    print(text)
    if args.write:
        write_section(text)  # keeps the section's hand-written ### notes


if __name__ == "__main__":
    main()
