"""Load: concurrent uploaders and searchers against a real `casefile serve` on loopback.

`.venv/bin/python -m bench.load.run [--uploaders 20] [--searchers 50] [--seconds 60]
[--processes N] [--scan-every 5] [--worker-nice 10] [--upload-threads 2] [--database-url URL]
[--client asyncio|threads] [--write]`

Starts `casefile serve` (embedded default, with its worker; `--processes` server processes) in a
temporary folder, loads the demo dossier so searches have something to find, then runs uploader
and searcher clients (each searcher sends queries from a fixed list, back to back) for the given
time: coroutines on one event loop (`bench/load/client.py`, the default), or a thread with an
httpx client each (`--client threads`, the generator until session 4, which costs several times
the CPU on the server's cores). Each uploader sends small text documents one after another, and
every `--scan-every`-th upload is a scanned page (PNG, 200 DPI) that the worker must OCR, so real
ingestion runs throughout. Reports errors (any 5xx, transport error or unexpected status), upload
and search counts, search latency percentiles, documents finished and pages read by OCR during
the run, the CPU seconds of server, worker and generator, and the 1-minute load average before
and at the end. Traffic goes to 127.0.0.1 only and stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import io
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

from tests.support.render import render_page_image  # noqa: E402
from tests.support.server import clean_env, free_port, start_serve, stop  # noqa: E402

SECTION = "## Load (bench/load)"
QUERIES = ["盗窃", "被告人", "李明远", "\"笔记本电脑\"", "刑事拘留", "王晓丽 OR 赵某", "掩饰 隐瞒", "2026年3月"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def scanned_pages(count: int) -> list[bytes]:
    """``count`` different one-page scans (PNG at 200 DPI), rendered before the clock starts."""
    pages = []
    for n in range(count):
        text = (f"讯问笔录\n问：你叫什么名字？\n答：我叫测试{n}号，1985年3月{n % 28 + 1}日出生。"
                f"\n问：你为什么被传唤？\n答：因为我在超市盗窃了笔记本电脑{n}台。")
        buffer = io.BytesIO()
        render_page_image(text, seed=n).save(buffer, "PNG", dpi=(200, 200))
        pages.append(buffer.getvalue())
    return pages


def ingested(database_url: str) -> tuple[int, int]:
    """Documents done and pages read by OCR so far."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as db:
            documents = db.execute(text("SELECT count(*) FROM documents WHERE status = 'done'")).scalar_one()
            pages = db.execute(text(
                "SELECT count(*) FROM pages WHERE status = 'done' AND source = 'ocr'")).scalar_one()
    finally:
        engine.dispose()
    return int(documents), int(pages)


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server processes, the worker's processes and this generator.

    Where the CPU goes decides the latency of closed-loop clients on 2 shared cores: the load
    generator's own threads count too, since it runs on the same cores.
    """
    import resource

    import psutil

    usage = resource.getrusage(resource.RUSAGE_SELF)
    out = {"server": 0.0, "worker": 0.0, "generator": usage.ru_utime + usage.ru_stime}
    root = psutil.Process(server_pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            # the embedded worker and its pool: a `worker` command line, or a descendant of one
            lineage = [process, *process.parents()]
            role = "worker" if any("worker" in p.cmdline() for p in lineage) else "server"
        except psutil.NoSuchProcess:
            continue
        out[role] += times.user + times.system
    return out


def run(
    uploaders: int, searchers: int, seconds: float, processes: int, scan_every: int, worker_nice: int,
    upload_threads: int, database_url: str, client: str = "asyncio",
) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    scans = scanned_pages(uploaders) if scan_every else []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = clean_env(CASEFILE_EMBEDDED_WORKER_NICE=str(worker_nice),
                        CASEFILE_API_UPLOAD_THREADS=str(upload_threads))
        if database_url:
            env["CASEFILE_DATABASE_URL"] = database_url
        database_url = database_url or f"sqlite:///{data / 'casefile.db'}"
        server = start_serve(data, port, env, "--processes", str(processes))
        try:
            token = httpx.post(f"{base}/api/auth/token",
                               data={"username": "admin", "password": "casefile-demo"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            httpx.post(f"{base}/api/cases", json={"case_number": "LOAD-1"}, headers=headers)
            documents_before, pages_before = ingested(database_url)
            cpu_before = cpu_seconds(server.pid)
            result = DRIVERS[client](base, headers, uploaders, searchers, seconds, scans, scan_every)
            cpu_after = cpu_seconds(server.pid)
            for role in ("server", "worker", "generator"):
                result[f"cpu_{role}"] = cpu_after[role] - cpu_before[role]
            documents_after, pages_after = ingested(database_url)
            result["documents_done"] = documents_after - documents_before
            result["ocr_pages"] = pages_after - pages_before
            return result
        finally:
            stop(server)


def _upload_body(n: int, k: int, rng: random.Random, scans: list[bytes], scan_every: int) -> tuple[str, bytes, str]:
    """The ``k``-th upload of uploader ``n``: a scanned page every ``scan_every``-th time, else a short text."""
    if scans and k % scan_every == 0:
        # bytes after the PNG's end make each upload a new document (no duplicate)
        return f"u{n}-{k}.png", scans[n] + f"load {n} {k}".encode(), "image/png"
    text = f"讯问笔录\n问：你叫什么名字？\n答：我叫测试{n}号{k}，{rng.randint(1960, 2000)}年出生。"
    return f"u{n}-{k}.txt", text.encode(), "text/plain"


class _Tally:
    """Counts, latencies and the first few errors of one run."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.counts = {"uploads": 0, "scans": 0, "searches": 0, "errors": 0}
        self.error_samples: list[str] = []

    def error(self, what: str) -> None:
        self.counts["errors"] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)

    def result(self) -> dict[str, float]:
        if self.error_samples:
            print("errors, first few:", *self.error_samples, sep="\n  ", file=sys.stderr)
        latencies = self.latencies
        return {
            **self.counts,
            "p50": _percentile(latencies, 0.50), "p95": _percentile(latencies, 0.95),
            "p99": _percentile(latencies, 0.99),
            "mean": statistics.fmean(latencies) if latencies else float("nan"),
        }


def _drive_asyncio(
    base: str, headers: dict[str, str], uploaders: int, searchers: int, seconds: float,
    scans: list[bytes], scan_every: int,
) -> dict[str, float]:
    """Every client a coroutine on one event loop (uvloop when installed), on its own connection."""
    from urllib.parse import urlsplit

    from bench.load.client import ClosedByServer, Connection

    address = urlsplit(base)
    host, port = str(address.hostname), int(address.port or 80)
    tally = _Tally()
    stop = time.monotonic() + seconds
    transport_errors = (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ClosedByServer)

    async def uploader(n: int) -> None:
        rng = random.Random(n)
        connection = Connection(host, port, headers)
        k = 0
        while time.monotonic() < stop:
            k += 1
            name, content, kind = _upload_body(n, k, rng, scans, scan_every)
            try:
                status, body = await asyncio.wait_for(
                    connection.post_file("/api/cases/LOAD-1/documents", name, content, kind), 60)
            except transport_errors as error:
                tally.error(f"upload {error!r}")
                continue
            if status not in (200, 201):
                tally.error(f"upload {status} {body[:100]!r}")
            else:
                tally.counts["uploads"] += 1
                tally.counts["scans"] += kind == "image/png"
        await connection.close()

    async def searcher(n: int) -> None:
        rng = random.Random(1000 + n)
        connection = Connection(host, port, headers)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(
                    connection.get("/api/search", {"q": rng.choice(QUERIES)}), 60)
            except transport_errors as error:
                tally.error(f"search {error!r}")
                continue
            elapsed = time.perf_counter() - started
            if status != 200:
                tally.error(f"search {status} {body[:100]!r}")
            else:
                tally.counts["searches"] += 1
                tally.latencies.append(elapsed * 1000)
        await connection.close()

    async def everyone() -> None:
        await asyncio.gather(*(uploader(i) for i in range(uploaders)), *(searcher(i) for i in range(searchers)))

    try:
        import uvloop
    except ImportError:
        asyncio.run(everyone())
    else:
        uvloop.run(everyone())
    return tally.result()


def _drive_threads(
    base: str, headers: dict[str, str], uploaders: int, searchers: int, seconds: float,
    scans: list[bytes], scan_every: int,
) -> dict[str, float]:
    """The generator of sessions 1–4: a thread and an httpx client per client (0.8–1.0 CPU-ms a request)."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    tally = _Tally()

    def uploader(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            k = 0
            while time.monotonic() < stop:
                k += 1
                upload = _upload_body(n, k, rng, scans, scan_every)
                try:
                    r = client.post("/api/cases/LOAD-1/documents", files=[("file", upload)])
                except httpx.TransportError as error:
                    with lock:
                        tally.error(f"upload {error!r}")
                    continue
                with lock:
                    if r.status_code not in (200, 201):
                        tally.error(f"upload {r.status_code} {r.text[:100]}")
                    else:
                        tally.counts["uploads"] += 1
                        tally.counts["scans"] += upload[2] == "image/png"

    def searcher(n: int) -> None:
        rng = random.Random(1000 + n)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    r = client.get("/api/search", params={"q": rng.choice(QUERIES)})
                except httpx.TransportError as error:
                    with lock:
                        tally.error(f"search {error!r}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    if r.status_code != 200:
                        tally.error(f"search {r.status_code} {r.text[:100]}")
                    else:
                        tally.counts["searches"] += 1
                        tally.latencies.append(elapsed * 1000)

    threads = [threading.Thread(target=uploader, args=(i,)) for i in range(uploaders)]
    threads += [threading.Thread(target=searcher, args=(i,)) for i in range(searchers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.result()


DRIVERS = {"asyncio": _drive_asyncio, "threads": _drive_threads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploaders", type=int, default=20)
    parser.add_argument("--searchers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=2, help="server processes of casefile serve")
    parser.add_argument("--scan-every", type=int, default=5,
                        help="every N-th upload is a scanned page to OCR (0: text only)")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="CPU priority of the embedded worker (CASEFILE_EMBEDDED_WORKER_NICE)")
    parser.add_argument("--upload-threads", type=int, default=2,
                        help="uploads stored at once per server process (CASEFILE_API_UPLOAD_THREADS)")
    parser.add_argument("--database-url", default="",
                        help="an empty PostgreSQL database instead of the embedded SQLite one")
    parser.add_argument("--client", choices=sorted(DRIVERS), default="asyncio",
                        help="load generator: one event loop (default), or a thread per client as until session 4")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    f = run(args.uploaders, args.searchers, args.seconds, args.processes, args.scan_every,
            args.worker_nice, args.upload_threads, args.database_url, args.client)
    load_after = os.getloadavg()[0]
    table = (
        f"{SECTION}\n\n"
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores (1-minute load "
        f"average {load:.2f} before the run and {load_after:.2f} at its end; the load generator runs "
        f"on the same cores as the server); command: `.venv/bin/python -m bench.load.run "
        f"--uploaders {args.uploaders} --searchers {args.searchers} --seconds {args.seconds:g} "
        f"--processes {args.processes} --scan-every {args.scan_every} --worker-nice {args.worker_nice} "
        f"--upload-threads {args.upload_threads} --client {args.client} --write`.\n\n"
        "| server processes | uploaders | searchers | seconds | uploads (scans) | documents done | pages OCR'd | searches | errors "
        "| search p50 (ms) | p95 (ms) | p99 (ms) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        f"| {args.processes} | {args.uploaders} | {args.searchers} | {args.seconds:g} | {f['uploads']:.0f} "
        f"({f['scans']:.0f}) | {f['documents_done']:.0f} | {f['ocr_pages']:.0f} | {f['searches']:.0f} | {f['errors']:.0f} | "
        f"{f['p50']:.0f} | {f['p95']:.0f} | {f['p99']:.0f} |\n\n"
        f"CPU seconds during the run: server processes {f['cpu_server']:.0f}, worker "
        f"{f['cpu_worker']:.0f}, load generator {f['cpu_generator']:.0f} (the 2 cores give "
        f"{2 * args.seconds:.0f}).\n\n"
        "Goal: 0 errors and search p99 ≤ 300 ms while ingesting.\n"
    )
    print(table)
    if args.write:
        from bench.report import write_section

        write_section(table)


if __name__ == "__main__":
    main()
