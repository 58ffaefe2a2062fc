"""PDF pages: the text layer where it is trustworthy, OCR of the rendered page otherwise.

Decided page by page, so a dossier mixing digital and scanned pages reads right. pypdfium2 opens
the document (cheap; it reads the cross-reference table, not the pages) and renders; pdfplumber
is opened once per reader, at the first text layer read, and each page's parsed objects are
dropped once read (opening pdfplumber for one page walks the whole page tree: reading every page
of a volume that way cost time in the square of its pages).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import (
    IMAGE_TOO_LARGE,
    PDF_DAMAGED,
    PDF_ENCRYPTED,
    TOO_MANY_PAGES,
    CasefileError,
)
from ingest.reading.base import ReaderBase, ReaderSpec
from ingest.reading.layout import lay_out_page
from ingest.reading.ocrpage import ocr_page
from ingest.reading.pdfium_lock import PDFIUM_LOCK
from ingest.reading.sniff import PDF
from ingest.reading.textlayer import char_fragments, text_layer_problem
from ingest.reading.types import PageContent

if TYPE_CHECKING:
    from PIL import Image

    from ingest.ocr.base import OcrEngine
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

    _plumber: Any = None

    def close(self) -> None:
        """Close the pdfium document and pdfplumber's."""
        pdf = getattr(self, "_pdf", None)
        if pdf is not None:
            with PDFIUM_LOCK:
                pdf.close()
            self._pdf = None
        if self._plumber is not None:
            plumber, self._plumber = self._plumber, None
            try:
                plumber.close()
            except Exception as exc:  # noqa: BLE001 - a damaged file's parser may fail even closing; nothing is lost
                log.info("%s: closing pdfplumber: %r", self.path.name, exc)

    def _page_size(self, index: int) -> tuple[int, int]:
        """Pixel size of the rendering, computed as pypdfium2 does (so no rendering needed)."""
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            try:
                page = self._pdf[index]
            except pdfium.PdfiumError as exc:
                raise CasefileError(PDF_DAMAGED, f"{self.path.name} page {index + 1}: {exc}") from exc
            try:
                w, h = page.get_size()
            finally:
                page.close()
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

    def read_page(self, number: int, engine: OcrEngine) -> PageContent:
        """Read page ``number`` from its text layer if that reads as real text, else by OCR."""
        content = self.read_without_ocr(number)
        if content is not None:
            return content
        return ocr_page(self.page_image(number), engine, number=number)

    def read_without_ocr(self, number: int) -> PageContent | None:
        """Page ``number`` from its text layer if that reads as real text, else ``None``."""
        index = self._check_number(number)
        width, height = self._page_size(index)
        fragments, turn, problem = self._text_layer(index)
        if problem is not None:
            log.info("%s page %d: OCR (%s)", self.path.name, number, problem)
            return None
        # text printed sideways runs at the turn back, clockwise (Line.angle)
        return lay_out_page(
            fragments, number=number, width=width, height=height, source="text-layer",
            angle=(-turn) % 360,
        )

    def _text_layer(self, index: int) -> tuple[list[Fragment], int, str | None]:
        """The page's text-layer fragments, their frame's turn, why unusable (``None``: usable)."""
        import pdfplumber
        from pdfminer.pdfexceptions import PDFException
        from pdfminer.psparser import PSException
        from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

        try:
            if self._plumber is None:
                self._plumber = pdfplumber.open(self.path)
            page = self._plumber.pages[index]
            try:
                fragments, turn = char_fragments(page, self.scale)
                area = float(page.width * page.height) or 1.0
                covered = sum(
                    max(0.0, float(im["x1"] - im["x0"])) * max(0.0, float(im["bottom"] - im["top"]))
                    for im in page.images
                )
            finally:
                page.close()  # its parsed objects: a volume's pages are not all kept in memory
        except (
            PDFException, PSException, MalformedPDFException, PdfminerException,
            ValueError, KeyError, TypeError, IndexError,  # IndexError: pdfminer finds fewer pages than pdfium
        ) as exc:
            # pdfium could render this page but pdfminer cannot parse its content: read by OCR
            return [], 0, f"text layer unreadable: {exc!r}"
        text = "".join(f.text for f in fragments)
        return fragments, turn, text_layer_problem(text, image_coverage=min(covered / area, 1.0))


READERS = (
    ReaderSpec(
        "pdf", (PDF,),
        lambda p, dpi, pages, px: PdfReader(p, dpi=dpi, max_pages=pages, max_pixels=px),
    ),
)
