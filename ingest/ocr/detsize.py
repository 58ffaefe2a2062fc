"""How large a page the text detector needs to see: chosen from the text height it finds.

The detector (PP-OCRv6 small det) costs in proportion to the pixels it is given, and finds a line
as long as the line's characters stay tall enough at the size it sees. A page of 14 pt text
shrunk to 960 px (the fixed size before issue #19) shows 16-20 px tall lines, more than the
detector needs; a page of 9 pt text shows ~10 px, about the least it was measured to read well
(docs/BENCHMARKS.md, "Detection size"). So each page is detected first at a smaller size; the
lines found there tell the text height, and only a page whose text came out too small is
detected again, at the size that makes it tall enough (never above the fixed size of before).

What is the same on every page of a volume (its page size, hence the size its text needs) is
remembered per page size (``SideMemo``) as the next page's first guess; every page still checks
its own text height, so a guess from another volume's pages costs a second detection, never a
missed line. Pure functions and a small memo: no model here (``ingest.ocr.ppocr`` runs them).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

# Text height (px, at the detected size) a page is detected for. Measured on A4 pages of 14 pt
# text (bench.ocr.detsize; docs/BENCHMARKS.md, "Detection size"): down to boxes ~15 px tall
# (736 px for the page) CER stays as at 960 px; below ~13 px the boxes start to clip the small
# marks at a line's end (，。、 lost), and CER rises step by step (672 px: 0.12%, 544 px: 0.19%,
# against 0.08%).
MIN_TEXT_PX = 15.0
# A detection whose text is at least this tall is kept: below MIN_TEXT_PX, so that a page whose
# guess was close is not detected twice (the detector's box heights come in steps of ~3 px).
ACCEPT_TEXT_PX = 13.0
# First guess for a page size never seen (A4 of 14 pt text needs ~736); below FLOOR_SIDE the
# detector was not measured.
START_SIDE = 736
FLOOR_SIDE = 576
STEP = 32  # the detector's input is padded to a multiple of 32 anyway


def text_height(quads: Sequence[Sequence[Sequence[float]]]) -> float | None:
    """The height of a page's smaller text: the mean of the lower half of its boxes' heights.

    In the boxes' pixels. A box's height is its shorter side (a line turned by 90 degrees is a
    tall box). The lower half lets the smaller lines (a footer, a date) count, and the mean
    smooths the detector's steps of ~3 px. ``None`` when there is no box.
    """
    heights = sorted(min(math.dist(q[0], q[1]), math.dist(q[1], q[2])) for q in quads)
    if not heights:
        return None
    low = heights[: (len(heights) + 1) // 2]
    return sum(low) / len(low)


def round_side(side: float) -> int:
    """``side`` rounded up to a multiple of ``STEP``."""
    return int(math.ceil(side / STEP) * STEP)


def needed_side(height: float | None, side: int, max_side: int) -> int:
    """The smallest detection size at which text ``height`` px tall at ``side`` is tall enough.

    ``height`` is the text height measured on the page shrunk to ``side`` (``text_height``);
    the result lies in ``[FLOOR_SIDE, max_side]``, a multiple of ``STEP`` (or ``max_side``).
    ``None`` (no text found) asks for ``max_side``: a nearly empty page may hold only small text.
    """
    if height is None or height <= 0:
        return max_side
    want = round_side(side * MIN_TEXT_PX / height)
    return max(min(FLOOR_SIDE, max_side), min(max_side, want))


def is_enough(height: float | None, side: int, max_side: int) -> bool:
    """Whether a detection at ``side`` found text tall enough to keep (or ran at ``max_side``)."""
    return side >= max_side or (height is not None and height >= ACCEPT_TEXT_PX)


class SideMemo:
    """The detection size last chosen for each page size: the next such page's first guess."""

    def __init__(self, capacity: int = 16) -> None:
        self.capacity = capacity
        self._sides: OrderedDict[tuple[int, int], int] = OrderedDict()

    def guess(self, page: tuple[int, int], max_side: int) -> int:
        """The size to detect a page of size ``page`` at first."""
        side = self._sides.get(page)
        if side is None:
            return min(START_SIDE, max_side)
        self._sides.move_to_end(page)
        return min(side, max_side)

    def remember(self, page: tuple[int, int], side: int) -> None:
        """Keep ``side`` as the guess for pages of size ``page`` (the least used is dropped)."""
        self._sides[page] = side
        self._sides.move_to_end(page)
        while len(self._sides) > self.capacity:
            self._sides.popitem(last=False)
