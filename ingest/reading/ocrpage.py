"""OCR one page image into a ``PageContent`` (engine boxes → reading order → paragraphs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.reading.layout import Fragment, lay_out_page
from ingest.reading.types import PageContent

if TYPE_CHECKING:
    from PIL import Image

    from ingest.ocr.base import OcrEngine


def ocr_page(image: Image.Image, engine: OcrEngine, *, number: int) -> PageContent:
    """Recognise ``image`` with ``engine``; boxes are clipped to the image."""
    width, height = image.size
    fragments = []
    for box in engine.recognize(image):
        x0, y0, x1, y1 = box.bbox
        clipped = [max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1)]
        fragments.append(Fragment(box.text, clipped, box.confidence))
    return lay_out_page(fragments, number=number, width=width, height=height, source="ocr")
