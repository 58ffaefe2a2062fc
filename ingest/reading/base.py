"""The document reader contract shared by every file family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from core.errors import PAGE_NOT_FOUND, CasefileError

if TYPE_CHECKING:
    from PIL import Image

    from ingest.ocr.base import OcrEngine
    from ingest.reading.types import PageContent


@runtime_checkable
class DocumentReader(Protocol):
    """An open document; use as a context manager or call ``close()``.

    Opening is cheap (no page is decoded), so a worker may open a reader just to read one page.
    """

    page_count: int

    def read_page(self, number: int, engine: OcrEngine) -> PageContent:
        """Page ``number`` (1-based) as read: its text layer, its OCR, or its plain text."""
        ...

    def read_without_ocr(self, number: int) -> PageContent | None:
        """Page ``number`` if it reads without OCR (a text layer, known text), else ``None``."""
        ...

    def read_by_ocr(self, number: int, engine: OcrEngine) -> PageContent:
        """Page ``number`` read by ``engine`` from its image (known not to read without OCR)."""
        ...

    def page_image(self, number: int) -> Image.Image:
        """Return the image page ``number``'s boxes refer to (raises for text-only documents)."""
        ...

    def close(self) -> None:
        """Release the file (idempotent)."""
        ...

    def __enter__(self) -> DocumentReader: ...

    def __exit__(self, *exc: object) -> None: ...


class ReaderBase:
    """Context-manager plumbing and page-number checking for readers."""

    page_count: int = 0

    def __enter__(self):  # noqa: ANN204 - returns the concrete reader
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release by default."""

    def read_page(self, number: int, engine: OcrEngine) -> PageContent:
        """Page ``number`` without OCR where it reads so, else by OCR (``engine``)."""
        content = self.read_without_ocr(number)
        if content is not None:
            return content
        return self.read_by_ocr(number, engine)

    def read_without_ocr(self, number: int) -> PageContent | None:
        """Page ``number`` if it reads without OCR (a text layer), else ``None`` (by default)."""
        self._check_number(number)
        return None

    def read_by_ocr(self, number: int, engine: OcrEngine) -> PageContent:
        """OCR of the page's image (``page_image``, which each reader provides)."""
        from ingest.reading.ocrpage import ocr_page

        return ocr_page(self.page_image(number), engine, number=number)

    def page_image(self, number: int) -> Image.Image:
        """The image of page ``number``: each reader of images or PDFs provides it."""
        raise NotImplementedError(f"{type(self).__name__} has no page images")

    def _check_number(self, number: int) -> int:
        """0-based index of page ``number``; ``PAGE_NOT_FOUND`` when out of range."""
        if not 1 <= number <= self.page_count:
            raise CasefileError(PAGE_NOT_FOUND, f"page {number} of {self.page_count}")
        return number - 1


# (path, dpi, max_pages, max_pixels) -> an open reader
ReaderFactory = Callable[[Path, int, int, int], DocumentReader]


@dataclass(frozen=True)
class ReaderSpec:
    """How a reader module declares a reader: ``READERS = (ReaderSpec(...),)``.

    ``open`` is called for a file whose sniffed type is one of ``media_types``; where several
    readers claim a type, the highest ``weight`` wins (as paperless-ngx parsers do).
    """

    name: str
    media_types: tuple[str, ...]
    open: ReaderFactory
    weight: int = 0
