"""Write one benchmark's section of docs/BENCHMARKS.md, leaving the other sections alone."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def write_section(table: str, path: Path = BENCHMARKS, *, parent: str | None = None) -> None:
    """Replace (or add) the section whose heading is ``table``'s first line.

    A section runs to the next heading of its level or above. Its subsections that ``table``
    does not itself contain are kept, after it: a benchmark that writes a subsection of its
    own (``### …``) survives the rewrite of the section around it. A missing section is
    appended to the file, or, when ``parent`` names a heading, to the end of that section
    (which is appended to the file first if it is missing too).
    """
    heading = table.splitlines()[0]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    body = table.rstrip("\n") + "\n"
    span = _section_span(text, heading)
    if span is not None:
        start, end = span
        kept = [chunk for title, chunk in _subsections(text[start:end], _level(heading))
                if title not in table.splitlines()]
        text = _splice(text, start, end, "\n".join([body, *kept]))
    elif parent is not None and (outer := _section_span(text, parent)) is not None:
        text = _splice(text, outer[1], outer[1], body)
    else:
        if parent is not None:
            body = parent + "\n\n" + body
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")


def _level(heading: str) -> int:
    return len(heading) - len(heading.lstrip("#"))


def _section_span(text: str, heading: str) -> tuple[int, int] | None:
    """Start and end of the section under ``heading`` (a whole line), or None."""
    found = re.search(rf"^{re.escape(heading)}$", text, re.M)
    if found is None:
        return None
    following = re.compile(rf"^#{{1,{_level(heading)}}} ", re.M).search(text, found.end())
    return found.start(), following.start() if following else len(text)


def _subsections(section: str, level: int) -> list[tuple[str, str]]:
    """(heading, text) of each direct subsection (one level deeper) of ``section``."""
    heads = list(re.finditer(rf"^#{{{level + 1}}} .*$", section, re.M))
    ends = [h.start() for h in heads[1:]] + [len(section)]
    return [(h.group(0), section[h.start():end].rstrip("\n") + "\n") for h, end in zip(heads, ends, strict=False)]


def _splice(text: str, start: int, end: int, new: str) -> str:
    """``text`` with ``[start, end)`` replaced by ``new``, one blank line on either side."""
    before, after = text[:start].rstrip("\n"), text[end:].lstrip("\n")
    joined = (before + "\n\n" if before else "") + new.rstrip("\n") + "\n"
    return joined + ("\n" + after if after else "")
