"""OCR one page image into a ``PageContent``: upright boxes from the engine side → reading order.

Pages arrive turned (a sheet fed sideways or upside down) and slightly skewed. The engine side
(``ingest.ocr.orientation``) reads the page upright and says by how much it was turned and skewed;
here, without changing the image the boxes refer to, the boxes are mapped back to the original
image's pixels (each line records the direction its text runs in on that image, ``Line.angle``)
and skew is undone only for finding the reading order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ingest.ocr.base import Point
from ingest.ocr.orientation import read_upright, to_original
from ingest.reading.layout import Fragment, lay_out_page
from ingest.reading.types import PageContent

if TYPE_CHECKING:
    from PIL import Image

    from ingest.ocr.base import OcrEngine


def _xyxy(points: list[Point]) -> list[float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return [min(xs), min(ys), max(xs), max(ys)]


def ocr_page(
    image: Image.Image, engine: OcrEngine, *, number: int, detect_orientation: bool = True
) -> PageContent:
    """Recognise ``image`` with ``engine``; line boxes are in ``image`` pixels, clipped to it.

    With ``detect_orientation`` a turned page is read upright (``ingest.ocr.orientation``);
    lines carry the direction of their text on ``image`` in ``Line.angle``. Raises what
    ``read_upright`` raises.
    """
    width, height = image.size
    upright = read_upright(image, engine, detect_orientation=detect_orientation)
    boxes, turn = upright.boxes, upright.turn
    upright_w, upright_h = (height, width) if turn in (90, 270) else (width, height)
    skew = math.radians(upright.skew)
    cx, cy = upright_w / 2, upright_h / 2
    cos, sin = math.cos(-skew), math.sin(-skew)
    fragments = []
    for box in boxes:
        # reading-order frame: upright and deskewed (rotate by -skew about the centre)
        layout_pts = [
            (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
            for x, y in box.points
        ]
        x0, y0, x1, y1 = _xyxy([to_original(p, turn, width, height) for p in box.points])
        image_box = [max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1)]
        fragments.append(Fragment(box.text, _xyxy(layout_pts), box.confidence, image_box))
    # the upright page is the image turned by ``turn`` counter-clockwise, so its text runs at
    # ``turn`` clockwise on the image
    return lay_out_page(
        fragments, number=number, width=width, height=height, source="ocr", angle=(-turn) % 360
    )
