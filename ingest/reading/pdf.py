"""PDF pages: the text layer where it is trustworthy, OCR of the rendered page otherwise.

Decided page by page, so a dossier mixing digital and scanned pages reads right. pypdfium2 opens
the document (cheap; it reads the cross-reference table, not the pages), reads each page's text
layer (``ingest.reading.pdftext``) and renders; a page is loaded once per read and closed after,
so a volume's pages are not all kept in memory.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import (
    IMAGE_TOO_LARGE,
    PDF_DAMAGED,
    PDF_ENCRYPTED,
    TOO_MANY_PAGES,
    CasefileError,
)
from ingest.reading.base import ReaderBase, ReaderSpec
from ingest.reading.layout import lay_out_page
from ingest.reading.pdfium_lock import PDFIUM_LOCK
from ingest.reading.pdftext import read_page_text
from ingest.reading.sniff import PDF
from ingest.reading.textlayer import char_fragments, text_layer_problem
from ingest.reading.types import PageContent

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL import Image

    from ingest.reading.layout import Fragment

log = logging.getLogger(__name__)


class PdfReader(ReaderBase):
    """Reads a PDF rendered at ``dpi``; boxes are in pixels of that rendering."""

    def __init__(self, path: Path, *, dpi: int, max_pages: int, max_pixels: int) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        self.path = path
        self.dpi = dpi
        self.max_pixels = max_pixels
        self.scale = dpi / 72
        try:
            with PDFIUM_LOCK:
                self._pdf = pdfium.PdfDocument(str(path))
                self.page_count = len(self._pdf)
        except pdfium.PdfiumError as exc:
            if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise CasefileError(PDF_ENCRYPTED, f"{path.name}: {exc}") from exc
            raise CasefileError(PDF_DAMAGED, f"{path.name}: {exc}") from exc
        if self.page_count == 0:
            self.close()
            raise CasefileError(PDF_DAMAGED, f"{path.name}: no pages (broken page tree)")
        if self.page_count > max_pages:
            self.close()
            raise CasefileError(TOO_MANY_PAGES, f"{path.name}: {self.page_count} > {max_pages}")

    def close(self) -> None:
        """Close the pdfium document."""
        pdf = getattr(self, "_pdf", None)
        if pdf is not None:
            with PDFIUM_LOCK:
                pdf.close()
            self._pdf = None

    def _page_size(self, index: int) -> tuple[int, int]:
        """Pixel size of the rendering, computed as pypdfium2 does (so no rendering needed)."""
        with PDFIUM_LOCK:
            page = self._load_page(index)
            try:
                return self._checked_size(page, index)
            finally:
                page.close()

    def _load_page(self, index: int) -> pdfium.PdfPage:
        import pypdfium2 as pdfium

        try:
            return self._pdf[index]
        except pdfium.PdfiumError as exc:
            raise CasefileError(PDF_DAMAGED, f"{self.path.name} page {index + 1}: {exc}") from exc

    def _checked_size(self, page: pdfium.PdfPage, index: int) -> tuple[int, int]:
        """Pixel size of ``page``'s rendering; refuses an empty or oversized page."""
        w, h = page.get_size()
        width, height = math.ceil(w * self.scale), math.ceil(h * self.scale)
        if width <= 0 or height <= 0:
            raise CasefileError(PDF_DAMAGED, f"{self.path.name} page {index + 1}: empty page box")
        if width * height > self.max_pixels:
            raise CasefileError(
                IMAGE_TOO_LARGE, f"{self.path.name} page {index + 1}: {width}x{height} px"
            )
        return width, height

    def page_image(self, number: int) -> Image.Image:
        """Page ``number`` rendered at the reader's DPI (RGB)."""
        import pypdfium2 as pdfium

        index = self._check_number(number)
        self._page_size(index)  # refuses oversized pages before allocating the bitmap
        try:
            with PDFIUM_LOCK:
                page = self._pdf[index]
                try:
                    bitmap = page.render(scale=self.scale)
                    try:
                        # a copy: to_pil() shares the bitmap's buffer, freed when it is closed
                        return bitmap.to_pil().copy()
                    finally:
                        bitmap.close()
                finally:
                    page.close()
        except pdfium.PdfiumError as exc:
            raise CasefileError(PDF_DAMAGED, f"{self.path.name} page {number}: {exc}") from exc

    def read_without_ocr(self, number: int) -> PageContent | None:
        """Page ``number`` from its text layer if that reads as real text, else ``None``."""
        index = self._check_number(number)
        width, height, fragments, turn, problem = self._text_layer(index)
        if problem is not None:
            log.info("%s page %d: OCR (%s)", self.path.name, number, problem)
            return None
        # text printed sideways runs at the turn back, clockwise (Line.angle)
        return lay_out_page(
            fragments, number=number, width=width, height=height, source="text-layer",
            angle=(-turn) % 360,
        )

    def _text_layer(self, index: int) -> tuple[int, int, list[Fragment], int, str | None]:
        """The page's pixel size, text-layer fragments, their frame's turn, why unusable (``None``: usable).

        The page is loaded once for its size and its text (PDFium parses its content on load).
        """
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            page = self._load_page(index)
            try:
                width, height = self._checked_size(page, index)
                try:
                    layer = read_page_text(page, self.scale)
                except pdfium.PdfiumError as exc:
                    # pdfium could open this page but not build its text: read it by OCR
                    return width, height, [], 0, f"text layer unreadable: {exc!r}"
            finally:
                page.close()
        fragments, turn = char_fragments(layer.chars, layer.width, layer.height)
        text = "".join(f.text for f in fragments)
        return width, height, fragments, turn, text_layer_problem(
            text, image_coverage=layer.image_coverage
        )


READERS = (
    ReaderSpec(
        "pdf", (PDF,),
        lambda p, dpi, pages, px: PdfReader(p, dpi=dpi, max_pages=pages, max_pixels=px),
    ),
)
