"""The search benchmark runs end to end on a tiny corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.search.run import HEADING, main

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev"


@pytest.mark.slow
def test_quick_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not DATA.is_dir():
        pytest.fail(f"dev texts missing at {DATA}: the benchmark corpus is built from them")
    out = tmp_path / "BENCHMARKS.md"
    main(["--pages", "300", "--queries", "10", "--baseline-queries", "5", "--known-items", "10",
          "--processes", "1", "--known-item-text", "true", "--data-dir", str(DATA), "--workdir", str(tmp_path / "work"), "--out", str(out)])
    text = out.read_text()
    assert HEADING in text and "| tantivy | name2 | 8 |" in text and "recall@10" in text
