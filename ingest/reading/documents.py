"""Open any supported document as a ``DocumentReader``; read a whole file for the CLI.

A reader is one module in ``ingest/reading/`` that declares ``READERS = (ReaderSpec(...),)``
(name, media types, weight); the registry finds it by importing the package's modules
(``core.plugins``). The media type comes from ``sniff_media_type``, never from the file name alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import EMPTY_FILE, TOO_MANY_PAGES, UNSUPPORTED_TYPE, CasefileError
from core.plugins import PluginRegistry
from ingest.reading.base import DocumentReader, ReaderSpec
from ingest.reading.sniff import HEAD_BYTES, sniff_media_type

if TYPE_CHECKING:
    from ingest.ocr.base import OcrEngine
    from ingest.reading.types import PageContent

READER_REGISTRY: PluginRegistry[ReaderSpec] = PluginRegistry("ingest.reading", "READERS")


def register_reader(spec: ReaderSpec) -> None:
    """Add (or replace) a reader without a module of its own (tests)."""
    READER_REGISTRY.register(spec)


def reader_for(media_type: str) -> ReaderSpec | None:
    """The heaviest reader that claims ``media_type`` (ties: by name), or ``None``."""
    claims = [s for s in READER_REGISTRY.specs().values() if media_type in s.media_types]
    return max(claims, key=lambda s: (s.weight, s.name), default=None)


def supported_media_types() -> list[str]:
    """Media types some reader claims."""
    return sorted({t for spec in READER_REGISTRY.specs().values() for t in spec.media_types})


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
    spec = reader_for(media_type)
    if spec is None:
        raise CasefileError(UNSUPPORTED_TYPE, f"{path.name}: no reader for {media_type}")
    reader = spec.open(path, dpi, max_pages, max_pixels)
    # Each family checks its own count as early as it can; this holds for any reader
    # added later too, since every page becomes a task.
    if reader.page_count > max_pages:
        reader.close()
        raise CasefileError(TOO_MANY_PAGES, f"{path.name}: {reader.page_count} > {max_pages}")
    return reader


def read_file(path: Path, engine: OcrEngine, *, dpi: int = 200) -> list[PageContent]:
    """Sniff, open and read every page of ``path`` (what ``casefile ocr PATH`` prints)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head:
        raise CasefileError(EMPTY_FILE, path.name)
    media_type = sniff_media_type(head, path.name)
    with open_document(path, media_type, dpi=dpi) as reader:
        return [reader.read_page(n, engine) for n in range(1, reader.page_count + 1)]
