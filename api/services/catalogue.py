"""The 卷内目录 of a case and the bookmarks of a file, from the catalogue each processed file stores.

One reading of ``Document.catalogue`` for every view of it, so that the printed 卷内目录, the
bookmarks of a searchable PDF and the case page (``api/web/cases.js`` ``catalogueTable``) list
the same documents:

- ``file_entries(document)``: the documents a processed file holds, with the clerk's corrections
  replayed (``nlp.catalogue.edits``). A file whose type a clerk corrected as a whole, or in which
  the catalogue found nothing, is one document over all its pages before any correction.
- ``case_catalogue(case)``: those of every processed file in upload order, with pages counted
  across the files (a file's first page follows the previous processed file's last).
- ``bookmarks(document)``: (title, first page in the file) per document of the file.
"""

from __future__ import annotations

from typing import Any

from core.names import sanitize_filename
from ingest.stages import catalogue_entries
from models.tables import Case, Document, DocumentStatus
from nlp.catalogue.export import CatalogueRow, page_span

_UNTYPED = "其他"


def file_entries(document: Document) -> list[dict[str, Any]]:
    """The documents ``document`` holds: type, title, number, agency, date, first/last page.

    The automatic catalogue with the clerk's corrections (``Document.catalogue_edits``) replayed.
    """
    return catalogue_entries(document)


def _title(entry: dict[str, Any]) -> str:
    return str(entry.get("title") or entry.get("type") or _UNTYPED)


def case_catalogue(case: Case) -> list[CatalogueRow]:
    """Every document of the case's processed files, in order, with case-wide page numbers."""
    rows: list[CatalogueRow] = []
    before = 0
    for document in case.documents:
        if document.status != DocumentStatus.DONE:
            continue
        name = sanitize_filename(document.original_name)
        for entry in file_entries(document):
            first, last = int(entry["first_page"]), int(entry["last_page"])
            rows.append(CatalogueRow(
                title=_title(entry), type=entry.get("type"), number=entry.get("number"),
                agency=entry.get("agency"), date=entry.get("date"),
                first_page=before + first, last_page=before + last,
                note=f"{name} 第{page_span(first, last)}页",
            ))
        before += document.page_count or 0
    return rows


def bookmarks(document: Document) -> list[tuple[str, int]]:
    """One bookmark per document of the file: its title and its first page (1-based in the file)."""
    return [(_title(entry), int(entry["first_page"])) for entry in file_entries(document)]
