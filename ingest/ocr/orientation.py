"""The engine side of a turned or skewed page: read it upright, say how it was turned and skewed.

As OCRmyPDF's engine owns orientation and deskew, the OCR side decides how a page is turned and
hands the reader boxes of the upright page with that turn; the reader (``ingest.reading.ocrpage``)
only maps them back to the image and lays out the lines. A page turned by 90/180/270 degrees is
read upright in one of two ways the engine declares (``OcrEngine.upright_only``):

- an engine that reads only upright pages gets the page turned upright first, by the turn
  ``ingest.ocr.pageturn`` finds (~40 ms a page);
- an engine whose boxes show the turn (ppocr) reads the page as it is, and only a page that looks
  turned is recognised again upright (one extra OCR pass, nothing added to upright pages; a page
  it read nothing on goes to the page-turn classifier).

Skew (from the detected text quadrilaterals) is measured, never undone on the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median
from typing import TYPE_CHECKING

from ingest.ocr import pageturn
from ingest.ocr.base import OcrBox, Point

if TYPE_CHECKING:
    from PIL import Image

    from ingest.ocr.base import OcrEngine

# A line box this much taller than wide is text running vertically: the page is turned 90°.
VERTICAL_RATIO = 1.5
# Mean confidence below this on horizontal text suggests an upside-down page (measured: upright
# 0.998, upside down 0.59 on the same page).
UPSIDE_DOWN_CONFIDENCE = 0.8
MIN_SKEW_DEGREES = 0.2
MAX_SKEW_DEGREES = 10.0


@dataclass(frozen=True)
class UprightReading:
    """What the engine read on a page once upright.

    ``boxes`` are in pixels of the upright image: the page image turned ``turn`` degrees
    counter-clockwise (PIL's ``rotate(turn, expand=True)``); ``skew`` is their median slope in
    degrees (positive: descending to the right; 0 when unclear).
    """

    boxes: list[OcrBox]
    turn: int
    skew: float


def _score(boxes: list[OcrBox]) -> float:
    """Confidence-weighted amount of text recognised."""
    return sum(b.confidence * len(b.text) for b in boxes)


def _mean_confidence(boxes: list[OcrBox]) -> float:
    chars = sum(len(b.text) for b in boxes)
    return _score(boxes) / chars if chars else 1.0


def _vertical_share(boxes: list[OcrBox]) -> float:
    """Share of the recognised text that sits in tall, narrow boxes."""
    chars = sum(len(b.text) for b in boxes) or 1
    vertical = 0
    for b in boxes:
        x0, y0, x1, y1 = b.bbox
        if len(b.text) >= 2 and (y1 - y0) > VERTICAL_RATIO * (x1 - x0):
            vertical += len(b.text)
    return vertical / chars


def suspected_turns(boxes: list[OcrBox]) -> list[int]:
    """Counter-clockwise turns (degrees) worth trying to make the page upright, best first.

    rapidocr turns tall crops by 90° before recognising them, so on a page turned clockwise the
    text is read correctly (high confidence) and on one turned counter-clockwise it is not.
    """
    if not boxes:
        return []
    if _vertical_share(boxes) > 0.5:
        return [90, 270] if _mean_confidence(boxes) >= UPSIDE_DOWN_CONFIDENCE else [270, 90]
    if _mean_confidence(boxes) < UPSIDE_DOWN_CONFIDENCE:
        return [180]
    return []


def _better_upright(retry: list[OcrBox], first: list[OcrBox], turn: int) -> bool:
    """Whether the reading after turning the page is the upright one.

    After a quarter turn the same text may score as well as before (rapidocr already read the
    tall crops), so what decides is that the text now runs horizontally; after a half turn the
    upright reading must simply be clearly better.
    """
    if turn in (90, 270):
        return _vertical_share(retry) < 0.5 and _score(retry) >= 0.9 * _score(first)
    return _score(retry) > 1.1 * _score(first)


def to_original(point: Point, turn: int, width: int, height: int) -> Point:
    """Map a point of the turned image back to the original ``width`` x ``height`` image.

    The turned image is PIL's ``rotate(turn, expand=True)``: ``turn`` degrees counter-clockwise.
    """
    x, y = point
    if turn == 90:
        return width - y, x
    if turn == 180:
        return width - x, height - y
    if turn == 270:
        return y, height - x
    return x, y


def skew_degrees(boxes: list[OcrBox]) -> float:
    """Return the median slope of long text quadrilaterals in degrees (0 if unclear).

    Positive means descending to the right; slopes under ``MIN_SKEW_DEGREES`` count as none.
    """
    angles = []
    for b in boxes:
        (ax, ay), (bx, by), _, (dx_, dy_) = b.points  # top-left, top-right, _, bottom-left
        dx, dy = bx - ax, by - ay
        line_height = math.hypot(dx_ - ax, dy_ - ay)
        if len(b.text) >= 4 and dx > 3 * line_height:
            angles.append(math.degrees(math.atan2(dy, dx)))
    if len(angles) < 2:
        return 0.0
    angle = median(angles)
    return angle if MIN_SKEW_DEGREES <= abs(angle) <= MAX_SKEW_DEGREES else 0.0


def _turns_of_unread_page(boxes: list[OcrBox], image: Image.Image) -> list[int]:
    """The page-turn classifier's turn for a page of which the engine read nothing.

    ppocr turns tall crops one way only: on a page turned the other way every line comes out
    upside down, reads below the engine's minimum confidence and is dropped, so the boxes show
    no turn at all. A blank page costs the classifier's ~40 ms and stays as it is.
    """
    if boxes or pageturn.unavailable_reason():
        return []
    turn = pageturn.get_classifier().turn(image)
    return [turn] if turn else []


def read_upright(image: Image.Image, engine: OcrEngine, *, detect_orientation: bool = True) -> UprightReading:
    """Recognise ``image`` with ``engine``, upright (module docstring) unless not ``detect_orientation``.

    Raises ``CasefileError(OCR_ENGINE_UNAVAILABLE)`` when an upright-only engine needs the
    page-turn models and they are missing, and what ``engine.recognize`` raises.
    """
    if detect_orientation and engine.upright_only:
        turn = pageturn.get_classifier().turn(image)
        boxes = engine.recognize(image.rotate(turn, expand=True) if turn else image)
    else:
        boxes, turn = engine.recognize(image), 0
        if detect_orientation:
            for candidate in suspected_turns(boxes) or _turns_of_unread_page(boxes, image):
                retry = engine.recognize(image.rotate(candidate, expand=True))
                if _better_upright(retry, boxes, candidate):
                    boxes, turn = retry, candidate
                    break
    return UprightReading(boxes, turn, skew_degrees(boxes))
