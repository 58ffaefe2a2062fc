"""What reading a page produces: text, lines with boxes, and where the text came from.

Contract shared by readers, OCR engines, fact extraction and search:
- ``bbox`` is ``[x0, y0, x1, y1]`` in pixels of the page image (the rendering at the document's
  render DPI for PDFs; the image itself for scans), origin top-left.
- ``PageContent.text`` is the page's text as people read it; each line's ``start``/``end`` are
  character offsets of that line's text within ``PageContent.text``
  (``page.text[line.start:line.end] == line.text``), so that a character span found by extraction
  or search maps back to boxes on the page image.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# TXT and DOCX pages are "text-layer" too (digital text), with width 0 and no boxes.
PageSource = Literal["text-layer", "ocr"]


# Below this recognition confidence a line is flagged for a person to check against the scan.
LOW_CONFIDENCE = 0.8


@dataclass
class Line:
    """One line of text on a page.

    ``angle`` is the direction the text runs in on the page image, in degrees counter-clockwise
    from left-to-right: 0 on an upright page, 90 (running up) on a page turned a quarter
    counter-clockwise, 180 upside down, 270 (running down). ``bbox`` is axis-aligned either way.
    """

    text: str
    bbox: list[float]
    confidence: float
    start: int = 0
    end: int = 0
    angle: int = 0  # 0/90/180/270; pages stored before it existed read as upright

    @property
    def needs_review(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass
class PageContent:
    """One page as read: its image size, the source of its text, the text and its lines."""

    number: int
    width: int
    height: int
    source: PageSource
    text: str
    lines: list[Line] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """Return the ``casefile ocr --json`` shape of a page (lines carry offsets and a review flag)."""
        page = asdict(self)
        for line, flagged in zip(page["lines"], self.lines, strict=True):
            line["needs_review"] = flagged.needs_review
        return page

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PageContent:
        """The inverse of :meth:`to_dict` (the derived ``needs_review`` flag is recomputed)."""
        lines = [Line(**{k: v for k, v in line.items() if k != "needs_review"}) for line in d["lines"]]
        return cls(d["number"], d["width"], d["height"], d["source"], d["text"], lines)

    def boxes_for_span(self, start: int, end: int) -> list[list[float]]:
        """Boxes of the lines that overlap the character span ``[start, end)`` of ``text``."""
        return span_boxes(self.lines, start, end)


def span_boxes(lines: Iterable[Line], start: int, end: int) -> list[list[float]]:
    """Boxes of those of a page's ``lines`` that overlap the character span ``[start, end)``.

    A line only partly covered gets a box narrowed to the characters covered, placed by their
    widths along the direction the line runs (``Line.angle``): a CJK or full-width character
    counts one em, any other half of one (digits and Latin letters are about half as wide in
    Chinese typesetting).
    """
    boxes: list[list[float]] = []
    for line in lines:
        lo, hi = max(start, line.start), min(end, line.end)
        if lo >= hi or line.end <= line.start:
            continue
        if line.bbox[2] <= line.bbox[0] or line.bbox[3] <= line.bbox[1]:
            continue  # text sources (TXT, DOCX) have no image, hence no box
        widths = [_em(ch) for ch in line.text]
        total = sum(widths) or 1.0
        before = sum(widths[: lo - line.start])
        inside = sum(widths[lo - line.start : hi - line.start])
        lo_share, hi_share = before / total, (before + inside) / total
        boxes.append(_part_of_box(line.bbox, line.angle, lo_share, hi_share))
    return boxes


def _part_of_box(box: list[float], angle: int, lo: float, hi: float) -> list[float]:
    """The part of a line's ``box`` from share ``lo`` to ``hi`` of its text, read at ``angle``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if angle == 90:  # running up
        return [x0, round(y1 - h * hi, 1), x1, round(y1 - h * lo, 1)]
    if angle == 180:  # running right to left
        return [round(x1 - w * hi, 1), y0, round(x1 - w * lo, 1), y1]
    if angle == 270:  # running down
        return [x0, round(y0 + h * lo, 1), x1, round(y0 + h * hi, 1)]
    return [round(x0 + w * lo, 1), y0, round(x0 + w * hi, 1), y1]


def _em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5
