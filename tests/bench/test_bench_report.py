"""bench.report.write_section edits only its own section of docs/BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

from bench.report import write_section

HEADING = "## Search (bench/search)"
SCALE = "## Scale (bench/scale)"
MANY = "### Many documents (bench/scale --many)"


def test_write_section_replaces_only_its_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## OCR\n\nocr numbers\n\n" + HEADING + "\n\nold\n\n## Later\n\nkept\n")
    write_section(HEADING + "\n\nnew\n", path)
    text = path.read_text()
    assert "ocr numbers" in text and "kept" in text and "new" in text and "old" not in text
    assert text.index("## OCR") < text.index(HEADING) < text.index("## Later")
    assert "\n\n\n" not in text


def test_write_section_appends_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    write_section(HEADING + "\n\nnew\n", path)
    assert path.read_text().startswith("# Benchmarks\n\n" + HEADING)


def test_subsection_goes_inside_its_parent(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\n{SCALE}\n\npages\n\n## Later\n\nkept\n")
    write_section(f"{MANY}\n\n1000 documents\n", path, parent=SCALE)
    text = path.read_text()
    assert text.index("pages") < text.index(MANY) < text.index("1000 documents") < text.index("## Later")
    write_section(f"{MANY}\n\n2000 documents\n", path, parent=SCALE)
    text = path.read_text()
    assert "1000 documents" not in text and "2000 documents" in text and "pages" in text
    assert text.index(MANY) < text.index("## Later") and "kept" in text


def test_rewriting_a_section_keeps_its_subsections(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\n{SCALE}\n\nold pages\n\n{MANY}\n\nmany figures\n\n## Later\n\nkept\n")
    write_section(f"{SCALE}\n\nnew pages\n", path)
    text = path.read_text()
    assert "old pages" not in text and "many figures" in text and "kept" in text
    assert text.index("new pages") < text.index(MANY) < text.index("## Later")


def test_subsection_and_parent_created_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## OCR\n\nocr numbers\n")
    write_section(f"{MANY}\n\nfigures\n", path, parent=SCALE)
    text = path.read_text()
    assert text.index("ocr numbers") < text.index(SCALE) < text.index(MANY) < text.index("figures")
