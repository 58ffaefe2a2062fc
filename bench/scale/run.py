"""Scale: pages per minute by worker count and profile; peak memory of a 1,000-page dossier.

Profiles: the embedded default versus PostgreSQL + Redis, each with 1 and 2 worker processes.

`.venv/bin/python -m bench.scale.run [--pages 12] [--big 1000] [--write]`

`--many 1000` measures instead a worker's memory over that many separate small documents (see
``bench.scale.many``); its figures are a subsection of this benchmark's section.

For each profile and worker count: a scanned dossier (A4, 200 DPI, dev texts) is queued with
`casefile ingest --no-wait`, then `casefile worker --concurrency N` is started and timed until
every page is read, facts extracted and indexed (model loading included). The big dossier is a
text-layer PDF (reading 1,000 scans would take an hour here); the peak resident memory of the
worker's whole process tree is sampled every 0.2 s while it is processed.
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

import psutil
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.dossier import dev_pages  # noqa: E402
from tests.support.render import render_scanned_pdf, render_text_pdf  # noqa: E402

DEV = REPO.parent / "shared" / "data" / "dev" / "judgments.jsonl"
SECTION = "## Scale (bench/scale)"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def pages_of_text(count: int) -> list[str]:
    return dev_pages(DEV, count)


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"PYTHONPATH": str(REPO), **extra})
    return env


def _cli(data: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", "--data-dir", data, *args], cwd=REPO,
                          env=env, capture_output=True, text=True, check=True)


def _db_url(data: str, env: dict[str, str]) -> str:
    return env.get("CASEFILE_DATABASE_URL", f"sqlite:///{data}/casefile.db").replace(
        "postgresql://", "postgresql+psycopg://")


def timed_run(pdf: Path, workers: int, env: dict[str, str], *, sample_memory: bool = False) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        _cli(data, env, "ingest", str(pdf), "--case", "SCALE-1", "--no-wait")
        engine = create_engine(_db_url(data, env))
        started = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "-m", "api.cli", "--data-dir", data, "worker",
                                   "--concurrency", str(workers)], cwd=REPO, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak_total = peak_one = 0.0
        try:
            while True:
                with engine.connect() as connection:
                    status = connection.execute(text("SELECT status FROM documents")).scalar()
                    pages = connection.execute(text("SELECT count(*) FROM pages WHERE status='done'")).scalar()
                if status in ("done", "failed"):
                    break
                if sample_memory:
                    tree = [psutil.Process(worker.pid), *psutil.Process(worker.pid).children(recursive=True)]
                    rss = [p.memory_info().rss for p in tree if p.is_running()]
                    peak_total = max(peak_total, sum(rss) / 2**20)
                    peak_one = max(peak_one, max(rss) / 2**20)
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(120)
            engine.dispose()
        if status != "done":
            raise SystemExit(f"dossier {status}")
    return {"seconds": elapsed, "pages": float(pages or 0), "ppm": 60 * (pages or 0) / elapsed,
            "peak_total_mb": peak_total, "peak_process_mb": peak_one}


def pg_redis_env() -> tuple[dict[str, str], str]:
    import psycopg

    name = f"casefile_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    import redis

    redis.Redis(db=12).flushdb()
    return {"CASEFILE_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
            "CASEFILE_BROKER_URL": "redis://127.0.0.1:6379/12"}, name


def drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--big", type=int, default=1000)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--many", type=int, default=0,
                        help="only measure a worker's memory over this many small documents")
    parser.add_argument("--every", type=int, default=100, help="with --many: sample every N documents")
    parser.add_argument("--concurrency", type=int, default=2, help="with --many: worker processes")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if args.many:
        many_documents(args.many, args.every, args.concurrency, load, write=args.write)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scanned = render_scanned_pdf(pages_of_text(args.pages), Path(tmp) / "scanned.pdf")
        for profile in ("embedded", "postgres+redis"):
            for workers in (1, 2):
                # each run gets a fresh database (a used one would find the dossier done)
                name = ""
                extra: dict[str, str] = {}
                if profile != "embedded":
                    extra, name = pg_redis_env()
                try:
                    figures = timed_run(scanned, workers, _env(extra))
                finally:
                    if name:
                        drop_pg(name)
                rows.append((profile, workers, figures))
                print(profile, workers, figures, flush=True)
        big = render_text_pdf(pages_of_text(args.big), Path(tmp) / "big.pdf")
        big_figures = timed_run(big, 2, _env({}), sample_memory=True)
        print("big", big_figures, flush=True)
    lines = [
        SECTION, "",
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores (load average "
        f"before the run {load:.2f}); command: `.venv/bin/python -m bench.scale.run --pages "
        f"{args.pages} --big {args.big} --write`. Timed from starting the worker (OCR models "
        "loaded in each process) to the dossier done.", "",
        f"Scanned dossier, {args.pages} A4 pages at 200 DPI, ppocr:", "",
        "| profile | worker processes | seconds | pages per minute |", "|---|---|---|---|",
        *[f"| {p} | {w} | {f['seconds']:.1f} | {f['ppm']:.1f} |" for p, w, f in rows], "",
        f"{args.big}-page text-layer PDF, embedded default, 2 worker processes: "
        f"{big_figures['seconds']:.0f} s ({big_figures['ppm']:.0f} pages per minute); peak resident "
        f"memory {big_figures['peak_total_mb']:.0f} MB for the worker's process tree, "
        f"{big_figures['peak_process_mb']:.0f} MB for its largest process.", "",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        from bench.report import write_section

        write_section(table)


def many_documents(count: int, every: int, concurrency: int, load: float, *, write: bool) -> None:
    from bench.scale.many import report, run_many

    checkpoints, kinds, figures = run_many(count, every, concurrency, DEV, REPO, _env({}))
    table = report(count, every, concurrency, checkpoints, kinds, figures, load)
    print(table)
    if write:
        from bench.report import write_section

        write_section(table, parent=SECTION)


if __name__ == "__main__":
    main()
