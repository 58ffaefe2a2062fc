"""The search benchmark runs end to end on a tiny corpus and edits only its own section."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.report import write_section
from bench.search.run import HEADING, main

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev"


def test_write_section_replaces_only_its_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## OCR\n\nocr numbers\n\n" + HEADING + "\n\nold\n\n## Later\n\nkept\n")
    write_section(HEADING + "\n\nnew\n", path)
    text = path.read_text()
    assert "ocr numbers" in text and "kept" in text and "new" in text and "old" not in text
    assert text.index("## OCR") < text.index(HEADING) < text.index("## Later")


def test_write_section_appends_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    write_section(HEADING + "\n\nnew\n", path)
    assert path.read_text().startswith("# Benchmarks\n\n" + HEADING)


@pytest.mark.slow
def test_quick_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not DATA.is_dir():
        pytest.fail(f"dev texts missing at {DATA}: the benchmark corpus is built from them")
    out = tmp_path / "BENCHMARKS.md"
    main(["--pages", "300", "--queries", "10", "--baseline-queries", "5", "--known-items", "10",
          "--processes", "1", "--known-item-text", "true", "--data-dir", str(DATA), "--workdir", str(tmp_path / "work"), "--out", str(out)])
    text = out.read_text()
    assert HEADING in text and "| tantivy | name2 | 8 |" in text and "recall@10" in text
