"""The part of a page that holds ink, so that the text detector does not scan white margins.

The detector's cost is per pixel, white or not, and an A4 page's margins are a third to a half
of it. Detection runs on the box around every pixel clearly darker than the paper, grown by
``MARGIN`` pixels and to the detector's stride, at the same scale as the whole page would be:
a page number or a stamp in the margin is ink too and stays inside the box (cutting fixed
margins would lose them). A page whose ink reaches its edges (noise, a fax's black border)
is detected whole, as before; a page with no ink at all is not detected (no text).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Pixels kept around the ink: the detector sees a line's surroundings as on the whole page
# (its receptive field reaches beyond a line's box) and a faint stroke beside a dark one stays in.
MARGIN = 32
# The detector reads sizes in multiples of this (ingest.ocr.dbnet rescales any other size to one).
STRIDE = 32
# Ink is a pixel darker than halfway from the paper (the page's median grey) to its darkest
# marks (its 1st percentile, where a page of text has its strokes), and at least MIN_DEPTH
# darker than the paper: on a low-contrast scan (paper 200, strokes 160) a fixed depth would
# see only the cores of the strokes.
DARKEST_PERCENTILE = 1
MIN_DEPTH = 16
# A box covering more than this share of the page saves too little to differ from the page.
MAX_SHARE = 0.9
# Ink is counted in squares of this many pixels; a square is inked when at least this share of
# it is and a neighbouring square is inked too: a scan's scattered specks (salt-and-pepper noise,
# dust) do not stretch the box to the page's edges, while any character, however short the
# line, fills its squares well above it.
SQUARE = 8
MIN_SQUARE_INK = 0.06
NO_INK = (0, 0, 0, 0)  # ink_box's answer for a page without ink = (0, 0, 0, 0)


def ink_box(page: NDArray, margin: int = MARGIN) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` of the inked part of ``page`` (H x W or H x W x C, uint8).

    ``None`` when the box would be nearly the whole page; ``NO_INK`` (an empty box) when the page
    has no ink at all.
    """
    import cv2
    import numpy as np

    grey = page.min(axis=2) if page.ndim == 3 else page
    sample = grey[::4, ::4]
    paper = float(np.median(sample))
    depth = max(MIN_DEPTH, (paper - float(np.percentile(sample, DARKEST_PERCENTILE))) / 2)
    h, w = grey.shape
    ink = (grey < paper - depth).astype(np.float32)
    squares = cv2.resize(ink, (max(1, w // SQUARE), max(1, h // SQUARE)), interpolation=cv2.INTER_AREA)
    inked = squares >= MIN_SQUARE_INK
    # a square counts only beside another: a character's strokes fill neighbouring squares
    # (even a "1" is two squares tall), a speck of dust fills one alone
    inked &= cv2.boxFilter(inked.astype(np.float32), -1, (3, 3), normalize=False) >= 2
    rows = np.flatnonzero(inked.any(axis=1))
    if rows.size == 0:
        return NO_INK
    cols = np.flatnonzero(inked.any(axis=0))
    # squares back to pixels (the resize stretches a square by a fraction of a pixel)
    fy, fx = h / squares.shape[0], w / squares.shape[1]
    top, bottom = int(rows[0] * fy), math.ceil((rows[-1] + 1) * fy)
    left, right = int(cols[0] * fx), math.ceil((cols[-1] + 1) * fx)
    y0, y1 = _grow(top, bottom, h, margin)
    x0, x1 = _grow(left, right, w, margin)
    if (y1 - y0) * (x1 - x0) > MAX_SHARE * h * w:
        return None
    return x0, y0, x1, y1


def _grow(lo: int, hi: int, size: int, margin: int) -> tuple[int, int]:
    """``[lo, hi)`` widened by ``margin`` and then to a multiple of STRIDE, within ``[0, size)``."""
    lo, hi = max(0, lo - margin), min(size, hi + margin)
    extra = -(hi - lo) % STRIDE
    taken = min(size, hi + extra) - hi
    return max(0, lo - (extra - taken)), hi + taken
