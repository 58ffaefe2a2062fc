"""Matched spans and snippets in page-text offsets, computed the same way for every backend.

A term matches where its compact form (normalised, separators dropped) occurs in the page's
compact form; alphanumeric terms must not start or end inside a longer alphanumeric run, as in
the index. A term with OCR-tolerant variants that occurs nowhere exactly is highlighted where
the page holds it with one character misread, dropped or added. Offsets are Python ``str``
indices into the original page text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from search.analysis import ALNUM, AnalysedText, char_class
from search.query_parser import Term

SNIPPET_CHARS = 160
MAX_SPANS = 200
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})


def _inside_run(a: AnalysedText, left: int, right: int) -> bool:
    """Return True if compact chars ``left`` and ``right`` are adjacent alphanumerics of one run."""
    if left < 0 or right >= len(a.compact):
        return False
    return (
        a.compact_index[right] - a.compact_index[left] == 1
        and char_class(a.compact[left]) == ALNUM
        and char_class(a.compact[right]) == ALNUM
    )


def find_spans(analysed: AnalysedText, terms: Iterable[Term]) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` ranges of page text where any term occurs."""
    comp = analysed.compact
    found: list[tuple[int, int]] = []
    for term in terms:
        needle = term.compact
        if not needle:
            continue
        before = len(found)
        start = comp.find(needle)
        while start >= 0 and len(found) < MAX_SPANS:
            end = start + len(needle)
            if not _inside_run(analysed, start - 1, start) and not _inside_run(analysed, end - 1, end):
                found.append(analysed.span(start, end))
            start = comp.find(needle, start + 1)
        if term.variants and len(found) == before:
            found.extend(analysed.span(s, e) for s, e in _near_matches(comp, needle))
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _within_one_edit(a: str, b: str) -> bool:
    """True if ``a`` becomes ``b`` by at most one substitution, deletion or insertion."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


def _near_matches(comp: str, needle: str) -> list[tuple[int, int]]:
    """``[start, end)`` in ``comp`` of text one edit away from ``needle`` (not overlapping).

    One edit leaves one half of the needle intact: each occurrence of either half anchors the
    windows tried, so the cost follows the halves' occurrences, not the page length. The window
    aligned with the anchor is preferred, so an edit at the edge never widens the highlight.
    """
    n = len(needle)
    half = n // 2
    found: set[tuple[int, int]] = set()
    for piece, shift in ((needle[:half], 0), (needle[half:], half)):
        at = comp.find(piece)
        while at >= 0 and len(found) < MAX_SPANS:
            base = at - shift
            # the right half moves one back when a character before it was dropped, and so on
            starts = (base,) if shift == 0 else (base, base + 1, base - 1)
            window = next(((s, s + size) for s in starts if s >= 0 for size in (n, n - 1, n + 1)
                           if s + size <= len(comp) and _within_one_edit(comp[s : s + size], needle)), None)
            if window is not None:
                found.add(window)
            at = comp.find(piece, at + 1)
    out: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out


def make_snippet(
    text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """Plain text of about ``width`` characters around the densest cluster of spans.

    Line breaks become spaces (same length, so offsets hold); returns the snippet and the spans
    inside it, relative to the snippet.
    """
    if not spans:
        return text[:width].translate(_FLATTEN), []
    starts = [s for s, _e in spans]  # sorted: spans are
    best_start, best_count = spans[0][0], 0
    for i, s in enumerate(starts):
        count = bisect.bisect_left(starts, s + width, i) - i
        if count > best_count:
            best_start, best_count = s, count
    ws = max(0, best_start - width // 4)
    we = min(len(text), ws + width)
    ws = max(0, we - width)
    snippet_spans = [(max(s, ws) - ws, min(e, we) - ws) for s, e in spans if s < we and e > ws]
    return text[ws:we].translate(_FLATTEN), snippet_spans
