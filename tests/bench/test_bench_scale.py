"""bench/scale --many builds a clerk's mix of documents, each with a text of its own."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bench.scale.many import Checkpoint, ProcessMemory, build_documents, report


def test_many_documents_are_a_mix_and_all_different(tmp_path: Path) -> None:
    pages = [f"第{k}页。被告人张{k}于二〇二五年{k % 12 + 1}月盗窃他人财物。" for k in range(12)]
    kinds = build_documents(30, pages, tmp_path, per_folder=10)
    assert kinds == {"pdf": 18, "txt": 6, "docx": 5, "scan-pdf": 1}
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(files) == 30 and len({p.parent for p in files}) == 3
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files}) == 30
    txts = [p.read_text(encoding="utf-8") for p in files if p.suffix == ".txt"]
    assert len(set(txts)) == len(txts)


def test_report_gives_each_process_and_its_growth() -> None:
    def checkpoint(n: int, pool_mb: float) -> Checkpoint:
        return Checkpoint(n, 60.0 * n / 100, n // 25, [
            ProcessMemory("supervisor", 1, 55, 41), ProcessMemory("celery", 2, 110, 60),
            ProcessMemory("pool", 3, pool_mb, pool_mb - 100), ProcessMemory("pool", 4, 600, 500)])

    checkpoints = [checkpoint(n, 600 + (n >= 300) * 60) for n in range(100, 1001, 100)]
    text = report(1000, 100, 2, checkpoints, {"pdf": 1000},
                  {"seconds": 600, "failed": 0, "pages": 2000, "queue_seconds": 20,
                   "peak_total_mb": 1500}, 1.0)
    assert text.startswith("### Many documents (bench/scale --many)")
    assert "| 1000 | 40 | 10.0 | 55 | 110 | 660 | 600 | 1425 |" in text
    assert "Growth from 200 to 1000 documents" in text and "pool process 1 +60 MB (+10.0 %" in text
    assert "Growth from 500 to 1000 documents" in text and "pool process 1 +0 MB (+0.0 %" in text
