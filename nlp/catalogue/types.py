"""The standard document types (``types.toml``) and naming a title with one of them.

``document_types()`` returns the table, loaded once; ``type_of_title(text)`` names the type whose
title a short line ends with (spaces already removed), or ``None``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

OTHER = "其他"
_TABLE = Path(__file__).with_name("types.toml")


@dataclass(frozen=True)
class DocumentType:
    """One standard type: its name, the titles that name it, who issues it, how facts are read."""

    name: str
    titles: tuple[str, ...]
    stage: str
    extract: str
    charges: bool = False
    report_as: str | None = None

    @property
    def reported(self) -> str:
        """The standard type the catalogue reports (``其他`` for a known non-standard title)."""
        return self.report_as or self.name


@dataclass(frozen=True)
class TitleMatch:
    """A title found in a line: the type, the title as written and where it sits in the line."""

    type: DocumentType
    title: str
    start: int
    end: int


@lru_cache(maxsize=1)
def document_types() -> tuple[DocumentType, ...]:
    """The standard types in table order (``其他`` last)."""
    data = tomllib.loads(_TABLE.read_text(encoding="utf-8"))
    return tuple(
        DocumentType(t["name"], tuple(t.get("titles", ())), t.get("stage", "any"), t.get("extract", "none"),
                     bool(t.get("charges", False)), t.get("report_as"))
        for t in data["type"]
    )


@lru_cache(maxsize=1)
def type_names() -> tuple[str, ...]:
    """The names of the standard types (those a catalogue reports)."""
    return tuple(t.name for t in document_types() if t.report_as is None)


def get_type(name: str) -> DocumentType:
    """The type named ``name`` (``其他`` for an unknown name)."""
    by_name = {t.name: t for t in document_types()}
    return by_name.get(name, by_name[OTHER])


@lru_cache(maxsize=1)
def _titles_longest_first() -> tuple[tuple[str, DocumentType], ...]:
    pairs = [(title, t) for t in document_types() for title in t.titles]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(title) for title, _ in _titles_longest_first()))


def find_titles(text: str) -> list[TitleMatch]:
    """Every title in ``text`` (no spaces), longest first at each position, left to right."""
    by_title = {title: t for title, t in _titles_longest_first()}
    return [TitleMatch(by_title[m.group(0)], m.group(0), m.start(), m.end())
            for m in _title_re().finditer(text)]


def fuzzy_title(text: str) -> TitleMatch | None:
    """A title of four or more characters that ``text`` ends with, one character misread.

    OCR of a stamped or faxed title often gets one character wrong (拘留证 is too short to risk).
    """
    for title, t in _titles_longest_first():
        n = len(title)
        if n < 4 or len(text) < n:
            continue
        tail = text[-n:]
        if sum(a != b for a, b in zip(tail, title, strict=True)) == 1:
            return TitleMatch(t, title, len(text) - n, len(text))
    return None
