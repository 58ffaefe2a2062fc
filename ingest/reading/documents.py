"""Open any supported document as a ``DocumentReader``; read a whole file for the CLI.

Readers are registered per media type (the same way for built-in and later ones); the media
type comes from ``sniff_media_type``, never from the file name alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import EMPTY_FILE, TOO_MANY_PAGES, UNSUPPORTED_TYPE, CasefileError
from ingest.reading import sniff
from ingest.reading.base import DocumentReader
from ingest.reading.image import ImageReader
from ingest.reading.pdf import PdfReader
from ingest.reading.text import DocxReader, TextReader

if TYPE_CHECKING:
    from ingest.ocr.base import OcrEngine
    from ingest.reading.types import PageContent

# (path, dpi, max_pages, max_pixels) -> reader
ReaderFactory = Callable[[Path, int, int, int], DocumentReader]

_READERS: dict[str, ReaderFactory] = {}


def register_reader(media_type: str, factory: ReaderFactory) -> None:
    """Make ``open_document`` use ``factory`` for ``media_type``."""
    _READERS[media_type] = factory


def supported_media_types() -> list[str]:
    """Media types a reader is registered for."""
    return sorted(_READERS)


def open_document(
    path: Path,
    media_type: str,
    *,
    dpi: int = 200,
    max_pages: int = 5000,
    max_pixels: int = 120_000_000,
) -> DocumentReader:
    """Open a reader for ``path`` (whose content is ``media_type``); cheap, decodes no page.

    Raises ``CasefileError``: ``UNSUPPORTED_TYPE`` for a type without a reader, and the
    family's own codes (``PDF_ENCRYPTED``, ``PDF_DAMAGED``, ``TOO_MANY_PAGES``,
    ``IMAGE_DAMAGED``, ``IMAGE_TOO_LARGE``, ``TEXT_ENCODING``, ``DOCX_DAMAGED``).
    """
    factory = _READERS.get(media_type)
    if factory is None:
        raise CasefileError(UNSUPPORTED_TYPE, f"{path.name}: no reader for {media_type}")
    reader = factory(path, dpi, max_pages, max_pixels)
    # Each family checks its own count as early as it can; this holds for any reader
    # registered later too, since every page becomes a task.
    if reader.page_count > max_pages:
        reader.close()
        raise CasefileError(TOO_MANY_PAGES, f"{path.name}: {reader.page_count} > {max_pages}")
    return reader


def read_file(path: Path, engine: OcrEngine, *, dpi: int = 200) -> list[PageContent]:
    """Sniff, open and read every page of ``path`` (what ``casefile ocr PATH`` prints)."""
    with path.open("rb") as fh:
        head = fh.read(sniff.HEAD_BYTES)
    if not head:
        raise CasefileError(EMPTY_FILE, path.name)
    media_type = sniff.sniff_media_type(head, path.name)
    with open_document(path, media_type, dpi=dpi) as reader:
        return [reader.read_page(n, engine) for n in range(1, reader.page_count + 1)]


register_reader(
    sniff.PDF, lambda p, dpi, pages, px: PdfReader(p, dpi=dpi, max_pages=pages, max_pixels=px)
)
for _image_type in (sniff.PNG, sniff.JPEG, sniff.TIFF):
    register_reader(
        _image_type, lambda p, dpi, pages, px: ImageReader(p, max_pages=pages, max_pixels=px)
    )
register_reader(sniff.TEXT, lambda p, dpi, pages, px: TextReader(p, max_pages=pages))
register_reader(sniff.DOCX, lambda p, dpi, pages, px: DocxReader(p, max_pages=pages))
