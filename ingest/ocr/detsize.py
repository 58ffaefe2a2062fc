"""How large a page the text detector needs to see: chosen from the text height it finds.

The detector (PP-OCRv6 small det) costs in proportion to the pixels it is given, and finds a line
as long as the line's characters stay tall enough at the size it sees. A page of 14 pt text
shrunk to 960 px (the fixed size before issue #19) shows 16-20 px tall lines, more than the
detector needs (~15 px; below ~13 px it starts to lose the small marks at a line's end:
docs/BENCHMARKS.md, "Detection size"). So each page is detected first at a smaller size; the
lines found there tell the text height, and only a page whose text came out too small is
detected again, at the size that makes it tall enough (never above the fixed size of before).

Nothing is carried from one page to the next, although a volume's page size and text height
would make a good first guess: a page must read the same whatever was read before it in the
process, or ``--jobs 2`` would read a volume differently from one process (it did, in
tests/reading/test_pool.py). Pure functions: no model here (``ingest.ocr.ppocr`` runs them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Text height (px, at the detected size) a page is detected for. Measured on A4 pages of 14 pt
# text (bench.ocr.detsize; docs/BENCHMARKS.md, "Detection size"): down to boxes ~15 px tall
# (736 px for the page) CER stays as at 960 px; below ~13 px the boxes start to clip the small
# marks at a line's end (，。、 lost), and CER rises step by step (672 px: 0.12%, 544 px: 0.19%,
# against 0.08%).
MIN_TEXT_PX = 15.0
# A detection at START_SIDE whose text is at least this tall is kept; a page detected again is
# sized for MIN_TEXT_PX (the detector's box heights come in steps of ~3 px). 13 with START_SIDE
# 736 was measured too: 12 of 46 pages detected twice, one numeral error more on the scans.
ACCEPT_TEXT_PX = 14.0
# Every page is detected at this size first (A4 of 14 pt text shows ~14-16 px tall lines
# there); below FLOOR_SIDE the detector was not measured.
START_SIDE = 800
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
