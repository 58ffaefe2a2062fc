"""Memory of one worker over many small documents (issue #9: "stays flat over 1,000 documents").

`.venv/bin/python -m bench.scale.run --many 1000 [--write]`

``count`` separate documents, each a different window of the dev judgments (1 to 3 pages), in a
clerk's mix: of every 5, three text-layer PDFs, one TXT and one DOCX, except that every 25th is
a one-page scan read by OCR (a scanned PDF or a JPEG, alternately). They are queued into a fresh
embedded default with `casefile ingest --no-wait`, ``every`` at a time, the next batch once
the one before is done, into one `casefile worker` started after the first batch; after each
batch, the resident (RSS) and private (USS) memory of each process
of the worker is sampled: the supervisor, the Celery main process and its pool processes.
Growth is reported from the second sample on (200 documents with the default ``every``): by
then every pool process has loaded the OCR models and opened the index.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text

from tests.support.dossier import dev_pages
from tests.support.render import render_image, render_scanned_pdf, render_text_pdf

SECTION = "### Many documents (bench/scale --many)"
SCAN_EVERY = 25


def document_kind(index: int) -> str:
    """The kind of the ``index``-th document (0-based): pdf, txt, docx, scan-pdf or scan-jpeg."""
    if index % SCAN_EVERY == SCAN_EVERY - 1:
        return "scan-pdf" if (index // SCAN_EVERY) % 2 == 0 else "scan-jpeg"
    return ("pdf", "pdf", "pdf", "txt", "docx")[index % 5]


def build_documents(count: int, pages: list[str], folder: Path, *, per_folder: int) -> dict[str, int]:
    """Write ``count`` documents, ``per_folder`` to a subfolder of ``folder``; count each kind.

    Document ``i`` holds pages ``i mod n`` onwards, ``1 + (i + i div n) mod 3`` of them (a scan:
    one): lengths alternate from one document to the next, and no two documents share a text
    while there are at most 3n of them.
    """
    import docx

    if count > 3 * len(pages):
        raise ValueError(f"{count} documents would repeat texts: the dev pages give {3 * len(pages)}")
    kinds: dict[str, int] = {}
    for i in range(count):
        kind = document_kind(i)
        kinds[kind] = kinds.get(kind, 0) + 1
        length = 1 if kind.startswith("scan") else 1 + (i + i // len(pages)) % 3
        window = [pages[(i + k) % len(pages)] for k in range(length)]
        batch = folder / f"batch-{i // per_folder + 1:04d}"
        batch.mkdir(parents=True, exist_ok=True)
        stem = batch / f"{i + 1:05d}"
        if kind == "pdf":
            render_text_pdf(window, stem.with_suffix(".pdf"))
        elif kind == "txt":
            stem.with_suffix(".txt").write_text("\n".join(window), encoding="utf-8")
        elif kind == "docx":
            document = docx.Document()
            for paragraph in "\n".join(window).splitlines():
                document.add_paragraph(paragraph)
            document.save(str(stem.with_suffix(".docx")))
        elif kind == "scan-pdf":
            render_scanned_pdf(window, stem.with_suffix(".pdf"))
        else:
            render_image(window[0], stem.with_suffix(".jpg"), fmt="JPEG")
    return kinds


@dataclass
class ProcessMemory:
    role: str
    pid: int
    rss_mb: float
    uss_mb: float


@dataclass
class Checkpoint:
    documents: int
    seconds: float
    scanned_pages: int
    processes: list[ProcessMemory] = field(default_factory=list)

    def of(self, role: str) -> list[ProcessMemory]:
        return [p for p in self.processes if p.role == role]

    @property
    def total_rss_mb(self) -> float:
        return sum(p.rss_mb for p in self.processes)


def sample_worker(pid: int, *, private: bool = True) -> list[ProcessMemory]:
    """RSS (and USS if ``private``) of ``casefile worker``, its Celery child and the pool."""
    root = psutil.Process(pid)
    sampled = []
    for process in [root, *root.children(recursive=True)]:
        try:
            # USS reads /proc/PID/smaps: only at the checkpoints
            info = process.memory_full_info() if private else process.memory_info()
            parent = process.ppid()
        except psutil.NoSuchProcess:
            continue
        role = "supervisor" if process.pid == pid else "celery" if parent == pid else "pool"
        uss = getattr(info, "uss", 0) / 2**20
        sampled.append(ProcessMemory(role, process.pid, info.rss / 2**20, uss))
    return sorted(sampled, key=lambda p: (("supervisor", "celery", "pool").index(p.role), p.pid))


def run_many(count: int, every: int, concurrency: int, dev: Path, repo: Path,
             env: dict[str, str]) -> tuple[list[Checkpoint], dict[str, int], dict[str, float]]:
    """Run one worker over ``count`` documents queued ``every`` at a time; sample it after each.

    A batch is queued once the one before it is done, so that each sample is taken at a known
    number of finished documents with nothing else in flight.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "documents"
        data = str(Path(tmp) / "data")
        kinds = build_documents(count, dev_pages(dev), folder, per_folder=every)
        checkpoints: list[Checkpoint] = []
        peak_total = queued = 0.0
        engine = create_engine(f"sqlite:///{data}/casefile.db")
        worker: subprocess.Popen[bytes] | None = None
        started = time.perf_counter()
        try:
            for batch in sorted(folder.iterdir()):
                before = time.perf_counter()
                subprocess.run([sys.executable, "-m", "api.cli", "--data-dir", data, "ingest",
                                str(batch), "--case", "SCALE-MANY", "--no-wait"], cwd=repo, env=env,
                               capture_output=True, text=True, check=True)
                queued += time.perf_counter() - before
                if worker is None:
                    worker = subprocess.Popen(
                        [sys.executable, "-m", "api.cli", "--data-dir", data, "worker",
                         "--concurrency", str(concurrency)], cwd=repo, env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                target = min(count, (len(checkpoints) + 1) * every)
                while True:
                    with engine.connect() as connection:
                        finished = connection.execute(text(
                            "SELECT count(*) FROM documents WHERE status IN ('done', 'failed')"
                        )).scalar() or 0
                    if worker.poll() is not None:
                        raise SystemExit(f"worker exited ({worker.returncode}) after {finished} documents")
                    done = finished >= target
                    sample = sample_worker(worker.pid, private=done)
                    peak_total = max(peak_total, sum(p.rss_mb for p in sample))
                    if done:
                        break
                    time.sleep(1.0)
                elapsed = time.perf_counter() - started
                with engine.connect() as connection:
                    scanned = connection.execute(text(
                        "SELECT count(*) FROM pages WHERE source = 'ocr'")).scalar() or 0
                checkpoints.append(Checkpoint(finished, elapsed, scanned, sample))
                print(f"{finished} documents, {elapsed:.0f} s, "
                      + ", ".join(f"{p.role} {p.pid} rss {p.rss_mb:.0f} uss {p.uss_mb:.0f} MB"
                                  for p in sample), flush=True)
            with engine.connect() as connection:
                failed = connection.execute(text(
                    "SELECT count(*) FROM documents WHERE status = 'failed'")).scalar() or 0
                done_pages = connection.execute(text(
                    "SELECT count(*) FROM pages WHERE status = 'done'")).scalar() or 0
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(120)
            engine.dispose()
    figures = {"queue_seconds": queued, "seconds": elapsed, "failed": float(failed),
               "pages": float(done_pages), "peak_total_mb": peak_total}
    return checkpoints, kinds, figures


def warmed_up(checkpoints: list[Checkpoint]) -> Checkpoint:
    """The checkpoint growth is measured from: the second (the only one if there is one)."""
    return checkpoints[min(1, len(checkpoints) - 1)]


def growth(first: Checkpoint, last: Checkpoint, role: str, index: int, metric: str) -> tuple[float, float]:
    """MB and percent by which the ``index``-th process of ``role`` grew from first to last."""
    before, after = getattr(first.of(role)[index], metric), getattr(last.of(role)[index], metric)
    return after - before, 100 * (after - before) / before


def growth_sentence(first: Checkpoint, last: Checkpoint, roles: list[tuple[str, int, str]]) -> str:
    """How much each process grew from ``first`` to ``last`` (RSS, and USS as "private")."""
    parts = []
    for role, k, label in roles:
        if k >= min(len(first.of(role)), len(last.of(role))):
            continue
        rss_mb, rss_pct = growth(first, last, role, k, "rss_mb")
        uss_mb, uss_pct = growth(first, last, role, k, "uss_mb")
        parts.append(f"{label} {rss_mb:+.0f} MB ({rss_pct:+.1f} %; private {uss_mb:+.0f} MB, "
                     f"{uss_pct:+.1f} %)")
    return f"Growth from {first.documents} to {last.documents} documents: " + "; ".join(parts) + "."


def report(count: int, every: int, concurrency: int, checkpoints: list[Checkpoint],
           kinds: dict[str, int], figures: dict[str, float], load: float) -> str:
    """The Markdown subsection of docs/BENCHMARKS.md."""
    pools = max(len(c.of("pool")) for c in checkpoints)
    roles = [("supervisor", 0, "supervisor"), ("celery", 0, "Celery main"),
             *[("pool", k, f"pool process {k + 1}") for k in range(pools)]]
    replaced = len({p.pid for c in checkpoints for p in c.of("pool")}) > pools
    rows = []
    for c in checkpoints:
        cells = []
        for role, k, _label in roles:
            found = c.of(role)
            cells.append(f"{found[k].rss_mb:.0f}" if k < len(found) else "—")
        rows.append(f"| {c.documents} | {c.scanned_pages} | {c.seconds / 60:.1f} | "
                    + " | ".join(cells) + f" | {c.total_rss_mb:.0f} |")
    sentences = [growth_sentence(warmed_up(checkpoints), checkpoints[-1], roles)]
    middle = checkpoints[max(0, len(checkpoints) // 2 - 1)]
    if middle.documents > warmed_up(checkpoints).documents:
        sentences.append(growth_sentence(middle, checkpoints[-1], roles))
    mix = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    minutes = figures["seconds"] / 60
    lines = [
        SECTION, "",
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores (load "
        f"average before the run {load:.2f}); command: `.venv/bin/python -m bench.scale.run "
        f"--many {count} --every {every} --concurrency {concurrency} --write`. {count} separate documents ({mix}; "
        f"{figures['pages']:.0f} pages, {figures['failed']:.0f} failed), each a different window "
        f"of the dev judgments, queued {every} at a time with `casefile ingest --no-wait` (the "
        "next batch once the one before is done, so each sample falls at a known count) into "
        "the embedded default "
        f"and one `casefile worker --concurrency {concurrency}`: {minutes:.1f} minutes from the "
        f"first batch queued to the last document done ({count / minutes:.0f} documents per "
        f"minute, {figures['queue_seconds']:.0f} s of it queueing).", "",
        f"Resident memory (RSS, MB) of each process of the worker after every {every} documents "
        "done:", "",
        "| documents done | scanned pages read | minutes | "
        + " | ".join(label for _r, _k, label in roles) + " | all |",
        "|---" * (len(roles) + 4) + "|",
        *rows, "",
        " ".join(sentences) + f" Peak of the whole tree {figures['peak_total_mb']:.0f} MB."
        + (" A pool process was replaced during the run." if replaced else ""), "",
    ]
    return "\n".join(lines)
