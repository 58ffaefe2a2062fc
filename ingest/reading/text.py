r"""Plain text and Word files: text is known, no OCR, no boxes.

A form feed ("\\f") starts a new page, as in text exported from paginated systems.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import NoReturn

from core.errors import DOCX_DAMAGED, PAGE_NOT_FOUND, TEXT_ENCODING, TOO_MANY_PAGES, CasefileError
from ingest.reading.base import ReaderBase, ReaderSpec
from ingest.reading.layout import plain_text_page
from ingest.reading.sniff import DOCX, TEXT
from ingest.reading.types import PageContent


def decode_text(data: bytes, name: str = "") -> str:
    r"""Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; ``TEXT_ENCODING`` else.

    Line endings are normalised to "\\n".
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        # UTF-8 first: GB18030 accepts almost any byte string, so it must be the last resort.
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # binary that happens to decode
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise CasefileError(TEXT_ENCODING, f"{name}: not UTF-8, UTF-16 or GB18030")


def split_pages(text: str, name: str, max_pages: int) -> list[str]:
    """``text`` cut into pages at form feeds; ``TOO_MANY_PAGES`` past ``max_pages``.

    Counted before splitting: a file of form feeds would otherwise become a page (and a task)
    for every byte.
    """
    count = text.count("\f") + 1
    if count > max_pages:
        raise CasefileError(TOO_MANY_PAGES, f"{name}: {count} > {max_pages}")
    return text.split("\f")


class _KnownTextReader(ReaderBase):
    """Pages of already known text."""

    def __init__(self, pages: list[str]) -> None:
        self._pages = pages or [""]
        self.page_count = len(self._pages)

    def read_without_ocr(self, number: int) -> PageContent:
        """The page's text: a text document never needs OCR."""
        return plain_text_page(self._pages[self._check_number(number)], number=number)

    def page_image(self, number: int) -> NoReturn:
        """Text documents have no page images."""
        self._check_number(number)
        raise CasefileError(PAGE_NOT_FOUND, f"page {number} is text, it has no image")


class TextReader(_KnownTextReader):
    """A TXT file; decoding errors surface at open time."""

    def __init__(self, path: Path, *, max_pages: int) -> None:
        text = decode_text(path.read_bytes(), path.name)
        super().__init__(split_pages(text, path.name, max_pages))


class DocxReader(_KnownTextReader):
    """A DOCX file: body paragraphs and table rows (cells separated by a tab), in body order."""

    def __init__(self, path: Path, *, max_pages: int) -> None:
        import zipfile
        import zlib

        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from lxml.etree import XMLSyntaxError

        try:
            document = docx.Document(str(path))
            blocks = _body_blocks(document)
        # python-docx reports a part that breaks the schema as AttributeError/KeyError on the
        # parsed element; a cut-off file is a BadZipFile.
        except (
            PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, AttributeError, KeyError,
            ValueError, zlib.error, EOFError,
        ) as exc:
            raise CasefileError(DOCX_DAMAGED, f"{path.name}: {exc!r}") from exc
        super().__init__(split_pages("\n".join(blocks), path.name, max_pages))


def _body_blocks(document: object) -> list[str]:
    """Paragraph texts and table rows of the document body, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    for item in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, Paragraph):
            blocks.append(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                blocks.append("\t".join(cell.text.replace("\n", " ") for cell in row.cells))
    return blocks


READERS = (
    ReaderSpec("text", (TEXT,), lambda p, dpi, pages, px: TextReader(p, max_pages=pages)),
    ReaderSpec("docx", (DOCX,), lambda p, dpi, pages, px: DocxReader(p, max_pages=pages)),
)
