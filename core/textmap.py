"""Text changed character by character, with a map back to the offsets of the original.

The one normalising machinery of nlp (``nlp.normalize``: widths folded, layout whitespace and
page furniture dropped, for matching) and search (``search.analysis``: NFKC, traditional to
simplified, lower case, for indexing). Their normal forms differ on purpose (nlp's patterns read
the full-width （）：， that NFKC would fold); what they share is how a form is computed and how
a span found in it maps back to the page: a ``CharTable`` and a ``MappedText``. It lives in
``core`` because both floors above use it and it knows nothing of pages, cases or tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


class CharTable(dict[int, "str | int | None"]):
    """A ``str.translate`` table that computes and keeps the entry of a character on first sight.

    ``entry(ch)`` gives the replacement of ``ch`` (a string, maybe empty or longer; ``None``
    deletes it). ``irregular`` holds the characters seen whose replacement is not exactly one
    character. ``translate`` runs in C: for the ~450 characters of a page it is several times
    faster than a Python loop over a cache.
    """

    def __init__(self, entry: Callable[[str], str | None]) -> None:
        super().__init__()
        self._entry = entry
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str | int | None:
        ch = chr(code)
        out = self._entry(ch)
        if out is None or len(out) != 1:
            self.irregular.add(ch)  # before the table entry: a reader seeing the entry sees this too
        value: str | int | None = code if out == ch else out
        self[code] = value
        return value


@dataclass(frozen=True)
class MappedText:
    """Text derived from an original of ``orig_len`` characters, and where each character came from.

    ``orig[i]`` is the offset in the original of character ``i``; ``None`` means the identity
    (each character stayed in its place, the common case for a page).
    """

    text: str
    orig: list[int] | None
    orig_len: int

    def span_to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to the original (an empty span to one point)."""
        if self.orig is None:
            return (start, end) if start < end else (min(start, self.orig_len),) * 2
        if start >= end:
            pos = self.orig[start] if start < len(self.orig) else self.orig_len
            return pos, pos
        return self.orig[start], self.orig[end - 1] + 1


def translate_mapped(text: str, table: CharTable) -> MappedText:
    """``text`` translated by ``table``, with its map (``None`` while every entry is one character)."""
    out = text.translate(table)
    if table.irregular.isdisjoint(text):
        return MappedText(out, None, len(text))
    return MappedText(out, [i for i, c in enumerate(text) for _ in range(len(c.translate(table)))], len(text))


def keep_mapped(mapped: MappedText, keep: Iterable[int]) -> MappedText:
    """The characters of ``mapped`` at the ascending indexes ``keep``, each still mapped to its origin."""
    indexes = list(keep)
    orig = mapped.orig
    return MappedText(
        "".join(mapped.text[i] for i in indexes),
        indexes if orig is None else [orig[i] for i in indexes],
        mapped.orig_len,
    )
