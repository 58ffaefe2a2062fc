"""Write one benchmark's section of docs/BENCHMARKS.md, leaving the other sections alone."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def write_section(table: str, path: Path = BENCHMARKS) -> None:
    """Replace (or append) the section whose heading is ``table``'s first line."""
    heading = table.splitlines()[0]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: table.rstrip("\n") + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + table
    path.write_text(text, encoding="utf-8")
