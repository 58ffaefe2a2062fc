"""Searchable PDF: each page is the original scan with an invisible text layer over its lines.

``make_searchable_pdf(page_images, pages, *, dpi, font_paths=FONT_CANDIDATES) -> bytes``.
``page_images[i]`` is the image the boxes of ``pages[i]`` refer to (``PageContent.bbox`` is in
its pixels, origin top-left). The text is drawn in render mode 3 (invisible), as OCRmyPDF does,
with a CJK TrueType font embedded as a subset (with its ToUnicode map, so copying yields the
characters), each line's font size set to its box height and its horizontal scaling to its box
width, so that a viewer's selection covers the words on the scan.

Raises ``CasefileError(FONT_MISSING)`` when no CJK font is installed (the hint names the package)
and ``ValueError`` when the images and pages do not pair up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import FONT_MISSING, CasefileError

if TYPE_CHECKING:
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    from ingest.reading.types import Line, PageContent

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
_FONT_NAME = "CasefileOcrLayer"


def _register_font(candidates: Sequence[Path]) -> str:
    """Register the first existing candidate with reportlab (once per process); return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in candidates:
        if path.is_file():
            name = f"{_FONT_NAME}-{path.stem}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            return name
    raise CasefileError(FONT_MISSING, "searchable PDF: tried " + ", ".join(map(str, candidates)))


def _draw_line(canvas: Canvas, line: Line, font: str, scale: float, page_h: float) -> None:
    """Draw one line invisibly so that its glyph boxes fill ``line.bbox`` (pixels → points)."""
    from reportlab.pdfbase.pdfmetrics import getDescent, stringWidth

    text = line.text.strip()
    x0, y0, x1, y1 = (v * scale for v in line.bbox)
    width, height = x1 - x0, y1 - y0
    if not text or width <= 0 or height <= 0:
        return  # text sources carry no box: nothing to place
    size = height
    natural = stringWidth(text, font, size)
    if natural <= 0:
        return
    # PDF readers place a glyph from baseline + descent to that + font size; putting the baseline
    # one descent above the box bottom makes each glyph's box span the line box exactly.
    baseline = page_h - y1 - getDescent(font, size)
    obj = canvas.beginText()
    obj.setTextRenderMode(3)
    obj.setFont(font, size)
    obj.setHorizScale(100.0 * width / natural)
    obj.setTextOrigin(x0, baseline)
    obj.textOut(text)
    canvas.drawText(obj)


def make_searchable_pdf(
    page_images: list[Image.Image],
    pages: list[PageContent],
    *,
    dpi: int,
    font_paths: Sequence[Path] = FONT_CANDIDATES,
) -> bytes:
    """Build a PDF of ``page_images`` (at ``dpi``) with the lines of ``pages`` as invisible text."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas as pdfcanvas

    if len(page_images) != len(pages):
        raise ValueError(f"{len(page_images)} page images for {len(pages)} pages")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    font = _register_font(font_paths)
    out = io.BytesIO()
    pdf = pdfcanvas.Canvas(out, invariant=1)
    for image, page in zip(page_images, pages, strict=True):
        page_w, page_h = image.width * 72.0 / dpi, image.height * 72.0 / dpi
        pdf.setPageSize((page_w, page_h))
        pdf.drawImage(ImageReader(image), 0, 0, width=page_w, height=page_h)
        # boxes are in pixels of the image the page was read from; scale if it was resized since
        scale = 72.0 / dpi * (image.width / page.width if page.width else 1.0)
        for line in page.lines:
            _draw_line(pdf, line, font, scale, page_h)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
