"""Pipeline stages: each does one job on one document (or page), given explicit dependencies.

Every stage is idempotent: running it twice (a redelivered task, a retry) leaves the same rows.
Stage transitions use conditional updates so that, when pages are read in parallel by several
processes, exactly one of them moves the document on to extraction.

A page is indexed as soon as it is read, before the document is complete (issue #19 item 5),
without the facets its document's fact sheet gives; ``index_document`` indexes every page
again with them once the facts are extracted. A page is indexed early *before* it is stored as
done: extraction starts only when every page is done, so the final indexing always comes after
every early one and is never overwritten by an entry without facets.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, select, update

from core.errors import PROCESSING_FAILED, CasefileError
from ingest.context import PipelineContext
from ingest.reading.documents import open_document
from ingest.reading.types import Line, PageContent
from models.factsheet import FactSheetJSON
from models.tables import (
    Document,
    DocumentStage,
    DocumentStatus,
    FactSheetRow,
    Page,
    PageStatus,
)

if TYPE_CHECKING:
    from search.base import PageRecord

log = logging.getLogger(__name__)

# Pages read without OCR in one pass are stored (and indexed) in batches of at most this many
# pages or this long: a commit per page, and an index commit per page (~85 ms, mostly fsync),
# were a large part of a text-layer page's cost; a long volume's first pages are still
# searchable within a few seconds, and a short document is indexed once, whole.
BATCH_PAGES = 64
BATCH_SECONDS = 2.0


def prepare_document(ctx: PipelineContext, document_id: int) -> list[int]:
    """Count the pages, create their rows, and return the page numbers still to read.

    Raises CasefileError when the original cannot be opened (encrypted, damaged, too many pages).
    """
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            log.warning("document %s vanished before processing", document_id)
            return []
        if document.status == DocumentStatus.DONE:
            return []
        document.status = DocumentStatus.PROCESSING
        document.stage = DocumentStage.READING
        document.attempts += 1
        path = ctx.store.path_for(document.sha256)
        media_type = document.media_type
    with open_document(
        path, media_type, dpi=ctx.dpi, max_pages=ctx.max_pages, max_pixels=ctx.max_pixels
    ) as reader:
        page_count = reader.page_count
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.page_count = page_count
        existing = {p.number: p for p in document.pages}
        for number in range(1, page_count + 1):
            if number not in existing:
                session.add(Page(document_id=document_id, number=number))
        session.flush()
        pending = session.scalars(
            select(Page.number)
            .where(Page.document_id == document_id, Page.status != PageStatus.DONE)
            .order_by(Page.number)
        ).all()
    return list(pending)


def read_pages_without_ocr(
    ctx: PipelineContext, document_id: int, numbers: list[int], *, max_seconds: float,
    index_last: bool = False,
) -> list[int]:
    """Read in one pass the pages of ``numbers`` that need no OCR; return the others.

    The others are those that need OCR and, once ``max_seconds`` have passed (a task's time
    limit is not for a whole 5,000-page volume), those not tried yet.

    Text layers and text files are read with the document opened once, and stored in batches
    (``BATCH_PAGES``, ``BATCH_SECONDS``), each indexed first (see the module's docstring). The
    last batch is indexed early only when pages are left for OCR or ``index_last``: otherwise
    the document is complete and ``index_document`` follows at once. Pages read before an
    error are stored; the error is raised (the caller records it on the document).
    """
    source = _readable_source(ctx, document_id)
    if source is None or not numbers:
        return []
    path, media_type = source
    left: list[int] = []
    batch: list[PageContent] = []
    started = time.monotonic()
    give_up_at = started + max_seconds
    with open_document(
        path, media_type, dpi=ctx.dpi, max_pages=ctx.max_pages, max_pixels=ctx.max_pixels
    ) as reader:
        try:
            for position, number in enumerate(numbers):
                if time.monotonic() > give_up_at:
                    left.extend(numbers[position:])
                    break
                content = reader.read_without_ocr(number)
                if content is None:
                    left.append(number)
                    continue
                batch.append(content)
                if len(batch) >= BATCH_PAGES or time.monotonic() - started >= BATCH_SECONDS:
                    index_pages_early(ctx, document_id, batch)
                    store_pages(ctx, document_id, batch, engine_name=None)
                    batch, started = [], time.monotonic()
        except BaseException:
            store_pages(ctx, document_id, batch, engine_name=None)  # not read again on retry
            raise
    if batch and (left or index_last):
        index_pages_early(ctx, document_id, batch)
    store_pages(ctx, document_id, batch, engine_name=None)
    return left


def read_page(
    ctx: PipelineContext, document_id: int, number: int, *, index_early: bool = False
) -> PageContent | None:
    """Read one page (text layer or OCR) and store its text and lines; skip if already done.

    ``index_early``: index the page (without facets) before storing it, so that it is
    searchable before its document is complete; not when it was the last page left to read
    (its document is indexed whole next).
    """
    from ingest.ocr.registry import LazyEngine

    with ctx.db.session() as session:
        page = session.scalar(
            select(Page).where(Page.document_id == document_id, Page.number == number)
        )
        if page is None or page.status == PageStatus.DONE:
            return None
        others_unread = session.scalar(
            select(func.count(Page.id)).where(
                Page.document_id == document_id, Page.number != number, Page.status != PageStatus.DONE
            )
        )
    source = _readable_source(ctx, document_id)
    if source is None:
        return None
    path, media_type = source
    # built only if the page needs OCR: the text pass leaves unread pages when its time runs out
    engine = LazyEngine(ctx.ocr_engine, threads=ctx.ocr_threads)
    with open_document(
        path, media_type, dpi=ctx.dpi, max_pages=ctx.max_pages, max_pixels=ctx.max_pixels
    ) as reader:
        content = reader.read_page(number, engine)
    if index_early and others_unread:
        index_pages_early(ctx, document_id, [content])
    store_pages(ctx, document_id, [content], engine_name=engine.name)
    return content


def _readable_source(ctx: PipelineContext, document_id: int) -> tuple[Path, str] | None:
    """The original's path and media type; ``None`` if the document is gone or failed."""
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        if document is None or document.status == DocumentStatus.FAILED:
            return None
        return ctx.store.path_for(document.sha256), document.media_type


def store_pages(
    ctx: PipelineContext, document_id: int, contents: list[PageContent], *, engine_name: str | None
) -> None:
    """Store pages as read (text, lines, source) and mark them done, in one transaction."""
    if not contents:
        return
    with ctx.db.session() as session:
        for content in contents:
            session.execute(
                update(Page)
                .where(Page.document_id == document_id, Page.number == content.number)
                .values(
                    status=PageStatus.DONE,
                    source=content.source,
                    width=content.width,
                    height=content.height,
                    text=content.text,
                    lines=[_line_dict(line) for line in content.lines],
                    ocr_engine=engine_name if content.source == "ocr" else None,
                    error_code=None,
                )
            )


def index_pages_early(ctx: PipelineContext, document_id: int, contents: list[PageContent]) -> int:
    """Index pages just read, before their document is complete: text, case and file, no facets.

    The facets (type, charges, defendants, date) come with ``index_document``. A document
    that is gone or failed meanwhile is not indexed.
    """
    from search.base import PageRecord

    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        if document is None or document.status == DocumentStatus.FAILED or not contents:
            return 0
        case = document.case
        records = [
            PageRecord(
                document_id=document.id,
                case_number=case.case_number,
                case_id=case.id,
                filename=document.original_name,
                page=content.number,
                text=content.text,
                document_type=document.document_type if document.type_corrected else None,
                agency=case.agency.name if case.agency else None,
                charges=[],
                defendants=[],
                date=None,
            )
            for content in contents
        ]
    return ctx.index().add_pages(records)


def claim_extraction(ctx: PipelineContext, document_id: int) -> bool:
    """Move the document from reading to extracting once every page is done.

    Returns True for exactly one caller (the conditional update is the arbiter), so the next
    stage is queued once however many page tasks finish at the same moment.
    """
    with ctx.db.session() as session:
        done = (
            select(func.count(Page.id))
            .where(Page.document_id == document_id, Page.status == PageStatus.DONE)
            .scalar_subquery()
        )
        result = session.execute(
            update(Document)
            .where(
                Document.id == document_id,
                Document.stage == DocumentStage.READING,
                Document.status == DocumentStatus.PROCESSING,
                Document.page_count == done,
            )
            .values(stage=DocumentStage.EXTRACTING)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def load_pages(ctx: PipelineContext, document_id: int) -> list[PageContent]:
    """The stored pages of a document, as PageContent."""
    with ctx.db.session() as session:
        pages = session.scalars(
            select(Page).where(Page.document_id == document_id).order_by(Page.number)
        ).all()
        return [page_content(p) for p in pages]


def page_content(page: Page | Row[Any]) -> PageContent:
    """A stored page (the ORM object, or a row with its columns) as PageContent."""
    return PageContent(
        number=page.number,
        width=page.width or 0,
        height=page.height or 0,
        source=page.source or "ocr",  # type: ignore[arg-type]
        text=page.text or "",
        lines=[Line(**line) for line in (page.lines or [])],
    )


def extract_document(ctx: PipelineContext, document_id: int) -> FactSheetJSON:
    """Extract the fact sheet from the stored pages and store it (replacing any earlier one)."""
    from nlp.catalogue.edits import file_type as corrected_file_type
    from nlp.catalogue.split import catalogue_pages

    pages = load_pages(ctx, document_id)
    found = catalogue_pages(pages)
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.catalogue = [entry.stored() for entry in found]
        if not document.type_corrected:  # a clerk's correction outlives reprocessing
            document.document_type = file_type(found)
            if found and document.catalogue_edits:  # so do the clerk's edits of the catalogue
                document.document_type = corrected_file_type(catalogue_entries(document))
        sheet = _facts(document, pages, found)
        _store_sheet(session, document_id, sheet)
        document.stage = DocumentStage.INDEXING
    return sheet


def refresh_facts(ctx: PipelineContext, document_id: int) -> FactSheetJSON:
    """Extract the fact sheet again after a clerk corrected the file's catalogue (stage unchanged)."""
    pages = load_pages(ctx, document_id)
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        sheet = _facts(document, pages, None)
        _store_sheet(session, document_id, sheet)
    return sheet


def _facts(document: Document, pages: list[PageContent], found: list[Any] | None) -> FactSheetJSON:
    """The file's facts, read document by document as its catalogue says.

    ``found``: the automatic split, already stored in ``document.catalogue``. A catalogue a clerk
    corrected is read as corrected (a document split off by hand gives its own facts; a prior
    judgment retyped as such stops giving the case's court).
    """
    from nlp.catalogue.split import CataloguedDocument, describe_entry
    from nlp.catalogue.volume import extract_volume
    from nlp.factsheet import extract_facts

    docs: list[CataloguedDocument]
    if document.catalogue_edits or found is None:
        docs = [describe_entry(pages, entry) for entry in catalogue_entries(document)]
    else:
        docs = found
    if len(docs) > 1:  # a volume: its documents' facts merged per person
        return _with_document_id(extract_volume(pages, docs), document.id)
    return extract_facts(pages, document_id=document.id)


def _store_sheet(session: Any, document_id: int, sheet: FactSheetJSON) -> None:
    row = session.scalar(select(FactSheetRow).where(FactSheetRow.document_id == document_id))
    if row is None:
        session.add(FactSheetRow(document_id=document_id, data=sheet))
    else:
        row.data = sheet


def file_type(found: list[Any]) -> str:
    """A file's type: that of the one document it holds, else 卷宗 (a volume), else 其他."""
    if len(found) == 1:
        return str(found[0].type)
    return "卷宗" if found else "其他"


def _with_document_id(value: Any, document_id: int) -> Any:
    """A volume's sheet with its evidence pointing at the stored file.

    The volume numbers the documents inside it; a page number is the file's already.
    """
    if isinstance(value, dict):
        out = {k: _with_document_id(v, document_id) for k, v in value.items()}
        if "document_id" in out and ("page" in out or "start" in out or "documents" in value
                                     or "evidence" in value):  # a conflict's value
            out["document_id"] = document_id
        return out
    if isinstance(value, list):
        return [_with_document_id(v, document_id) for v in value]
    return value


def catalogue_entries(document: Document) -> list[dict[str, Any]]:
    """The documents a file holds: the automatic catalogue with the clerk's edits replayed.

    A file whose type a clerk corrected as a whole, or in which the split found nothing, is one
    document over all its pages before any edit (``nlp.catalogue.edits``).
    """
    from nlp.catalogue.edits import base_entries, corrected_entries

    base = base_entries(document.document_type, document.type_corrected, document.catalogue,
                        document.page_count)
    return corrected_entries(base, document.catalogue_edits, label=f"document {document.id}")


def page_types(document: Document) -> dict[int, str | None]:
    """The type of every page of ``document`` (that of the file for a page in no document)."""
    from nlp.catalogue.edits import page_types as types_of_pages

    return types_of_pages(catalogue_entries(document), document.page_count or 0, document.document_type)


def page_records(document: Document, numbers: set[int] | None = None) -> list[PageRecord]:
    """The index entries of a document's pages (only ``numbers`` if given), with their facets."""
    from search.base import PageRecord

    sheet = document.facts.data if document.facts else {}
    case = document.case
    types = page_types(document)
    date = sheet.get("document_date")
    if "document_date" not in sheet:  # a fact sheet stored before documents had a date
        from nlp.dates import signed_date
        from nlp.normalize import normalize

        signed = signed_date(normalize("\n".join(page.text or "" for page in document.pages)).text)
        date = signed.iso if signed else None
    return [
        PageRecord(
            document_id=document.id,
            case_number=case.case_number,
            case_id=case.id,
            filename=document.original_name,
            page=page.number,
            text=page.text or "",
            document_type=types.get(page.number, document.document_type),
            agency=case.agency.name if case.agency else None,
            charges=_charges(sheet),
            defendants=[d.get("name") for d in sheet.get("defendants", []) if d.get("name")],
            date=date,
        )
        for page in document.pages
        if numbers is None or page.number in numbers
    ]


def index_document(ctx: PipelineContext, document_id: int) -> int:
    """Index every page of the document (replacing earlier entries) and mark it done."""
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        records = page_records(document)
    count = ctx.index().add_pages(records)
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.stage = DocumentStage.DONE
        document.status = DocumentStatus.DONE
        document.error_code = document.error_message = None
        document.error_hint = document.error_detail = None
    return count


def record_failure(ctx: PipelineContext, document_id: int, error: BaseException) -> None:
    """Store the failure on the document (status failed, code, message, hint)."""
    if isinstance(error, CasefileError):
        code, message, hint, detail = error.code, error.message, error.hint, error.detail
    else:
        spec = PROCESSING_FAILED
        code, message, hint = spec.code, spec.message, spec.hint
        detail = f"{type(error).__name__}: {error}"
    with ctx.db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            return
        document.status = DocumentStatus.FAILED
        document.error_code = code
        document.error_message = message
        document.error_hint = hint
        document.error_detail = detail[:4000]


def reset_for_retry(ctx: PipelineContext, document_id: int) -> bool:
    """Put a failed document back in the queue (its pages already read are kept)."""
    with ctx.db.session() as session:
        result = session.execute(
            update(Document)
            .where(Document.id == document_id, Document.status == DocumentStatus.FAILED)
            .values(
                status=DocumentStatus.QUEUED,
                stage=DocumentStage.QUEUED,
                error_code=None,
                error_message=None,
                error_hint=None,
                error_detail=None,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _line_dict(line: Line) -> dict[str, Any]:
    return {
        "text": line.text,
        "bbox": [float(v) for v in line.bbox],
        "confidence": float(line.confidence),
        "start": line.start,
        "end": line.end,
        "angle": line.angle,
    }


def _charges(sheet: FactSheetJSON) -> list[str]:
    charges: list[str] = []
    for defendant in sheet.get("defendants", []):
        for charge in defendant.get("charges", []):
            if charge not in charges:
                charges.append(charge)
    return charges

