"""Split long texts into A4-sized pages for the test renderers (at sentence boundaries)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

# The renderers fit about 33 characters on a line and 31 lines on a page at 14 pt; this leaves
# room for paragraph indents and short last lines.
CHARS_PER_PAGE = 620


def paginate(text: str, *, chars_per_page: int = CHARS_PER_PAGE, max_pages: int | None = None) -> list[str]:
    """Pages of ``text`` (paragraphs kept, sentences never split across pages)."""
    sentences = [s for s in re.split(r"(?<=[。；！？\n])", text) if s.strip()]
    pages: list[str] = []
    current = ""
    for sentence in sentences:
        if current and len(current) + len(sentence) + 8 * current.count("\n") > chars_per_page:
            pages.append(current.strip())
            current = ""
            if max_pages and len(pages) == max_pages:
                return pages
        current += sentence
    if current.strip() and not (max_pages and len(pages) == max_pages):
        pages.append(current.strip())
    return pages


def split_pages(text: str, count: int) -> list[str]:
    """``text`` in exactly ``count`` pages of similar length, cut after sentence ends."""
    cuts = [m.end() for m in re.finditer(r"[。；！？\n]", text)]
    bounds = [0]
    for k in range(1, count):
        target = len(text) * k / count
        later = [c for c in cuts if c > bounds[-1] + 1]
        if not later:
            raise ValueError(f"text has too few sentences for {count} pages")
        bounds.append(min(later, key=lambda c: abs(c - target)))
    bounds.append(len(text))
    pages = [text[a:b].strip() for a, b in itertools.pairwise(bounds)]
    if any(not p for p in pages):
        raise ValueError(f"text has too few sentences for {count} pages")
    return pages


def dev_pages(path: Path, count: int | None = None) -> list[str]:
    """``count`` A4-sized pages of the judgments in ``path`` (a dev .jsonl), repeated if short.

    Without ``count``: every page, in file order.
    """
    pages: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            pages.extend(paginate(json.loads(line)["text"]))
            if count is not None and len(pages) >= count:
                return pages[:count]
    if count is None:
        return pages
    if not pages:
        raise ValueError(f"no text in {path}")
    while len(pages) < count:
        pages += pages[: count - len(pages)]
    return pages
