"""Load: concurrent uploaders and searchers against a real `casefile serve` on loopback.

`.venv/bin/python -m bench.load.run [--uploaders 20] [--searchers 50] [--seconds 60] [--write]`

Starts `casefile serve` (embedded default, with its worker) in a temporary folder, loads a few
documents so searches have something to find, then runs uploader threads (each uploads small
text documents, one after another) and searcher threads (each sends queries from a fixed list)
for the given time. Reports errors (any 5xx, transport error or unexpected status), upload and
search counts, and search latency percentiles. Traffic goes to 127.0.0.1 only and stops by
itself after --seconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.server import clean_env, free_port, start_serve, stop  # noqa: E402

SECTION = "## Load (bench/load)"
QUERIES = ["盗窃", "被告人", "李明远", "\"笔记本电脑\"", "刑事拘留", "王晓丽 OR 赵某", "掩饰 隐瞒", "2026年3月"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(uploaders: int, searchers: int, seconds: float) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_serve(Path(tmp) / "data", port, clean_env())
        try:
            token = httpx.post(f"{base}/api/auth/token",
                               data={"username": "admin", "password": "casefile-demo"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            httpx.post(f"{base}/api/cases", json={"case_number": "LOAD-1"}, headers=headers)
            return _drive(base, headers, uploaders, searchers, seconds)
        finally:
            stop(server)


def _drive(base: str, headers: dict[str, str], uploaders: int, searchers: int, seconds: float) -> dict[str, float]:
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"uploads": 0, "searches": 0, "errors": 0}
    error_samples: list[str] = []

    def note_error(what: str) -> None:
        with lock:
            counts["errors"] += 1
            if len(error_samples) < 5:
                error_samples.append(what)

    def uploader(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            k = 0
            while time.monotonic() < stop:
                k += 1
                text = f"讯问笔录\n问：你叫什么名字？\n答：我叫测试{n}号{k}，{rng.randint(1960, 2000)}年出生。".encode()
                try:
                    r = client.post("/api/cases/LOAD-1/documents",
                                    files=[("file", (f"u{n}-{k}.txt", text, "text/plain"))])
                    if r.status_code not in (200, 201):
                        note_error(f"upload {r.status_code} {r.text[:100]}")
                    else:
                        with lock:
                            counts["uploads"] += 1
                except httpx.TransportError as error:
                    note_error(f"upload {error!r}")

    def searcher(n: int) -> None:
        rng = random.Random(1000 + n)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    r = client.get("/api/search", params={"q": rng.choice(QUERIES)})
                    elapsed = time.perf_counter() - started
                    if r.status_code != 200:
                        note_error(f"search {r.status_code} {r.text[:100]}")
                    else:
                        with lock:
                            counts["searches"] += 1
                            latencies.append(elapsed * 1000)
                except httpx.TransportError as error:
                    note_error(f"search {error!r}")

    threads = [threading.Thread(target=uploader, args=(i,)) for i in range(uploaders)]
    threads += [threading.Thread(target=searcher, args=(i,)) for i in range(searchers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if error_samples:
        print("errors, first few:", *error_samples, sep="\n  ", file=sys.stderr)
    return {
        **counts,
        "p50": _percentile(latencies, 0.50), "p95": _percentile(latencies, 0.95),
        "p99": _percentile(latencies, 0.99),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploaders", type=int, default=20)
    parser.add_argument("--searchers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    f = run(args.uploaders, args.searchers, args.seconds)
    table = (
        f"{SECTION}\n\n"
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores (load average "
        f"before the run {load:.2f}; the load generator runs on the same 2 cores as the server); "
        f"command: `.venv/bin/python -m bench.load.run --uploaders {args.uploaders} "
        f"--searchers {args.searchers} --seconds {args.seconds:g} --write`.\n\n"
        "| uploaders | searchers | seconds | uploads | searches | errors | search p50 (ms) | p95 (ms) | p99 (ms) |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        f"| {args.uploaders} | {args.searchers} | {args.seconds:g} | {f['uploads']:.0f} | {f['searches']:.0f} | "
        f"{f['errors']:.0f} | {f['p50']:.0f} | {f['p95']:.0f} | {f['p99']:.0f} |\n\n"
        "Goal: 0 errors and search p99 ≤ 300 ms while ingesting.\n"
    )
    print(table)
    if args.write:
        from bench.report import write_section

        write_section(table)


if __name__ == "__main__":
    main()
