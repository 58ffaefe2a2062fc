"""Reading pages: sniff a file's type, open it, and read each page's text with boxes.

Public surface::

    sniff_media_type(head, filename) -> str
    open_document(path, media_type, *, dpi=200, max_pages=5000, max_pixels=120_000_000)
        -> DocumentReader   # .page_count, .read_page(n, engine), .page_image(n), .close()
    read_file(path, engine, *, dpi=200) -> list[PageContent]

Each reader is one module here declaring ``READERS`` (``ingest.reading.documents`` finds them);
modules of the package import from their siblings, never from this face. Importing this package
loads no OCR model and no PDF library; they load on first use.
"""

from ingest.reading.base import DocumentReader, ReaderSpec
from ingest.reading.documents import open_document, read_file, register_reader
from ingest.reading.sniff import sniff_media_type
from ingest.reading.types import Line, PageContent

__all__ = [
    "DocumentReader",
    "Line",
    "PageContent",
    "ReaderSpec",
    "open_document",
    "read_file",
    "register_reader",
    "sniff_media_type",
]
