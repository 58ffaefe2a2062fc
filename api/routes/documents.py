"""Documents: upload into a case, status and progress, pages, page images, originals, retry."""

from __future__ import annotations

import logging

import anyio
from fastapi import APIRouter, File, UploadFile, status
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.routing import compile_path
from starlette.types import Scope

from api import rendering
from api.deps import (
    Deleter,
    DocumentId,
    PageNumber,
    Reader,
    Retrier,
    SessionDep,
    StateDep,
    Uploader,
)
from api.downloads import attachment
from api.schemas import DocumentDeleted, DocumentPublic, PagePublic
from api.services.catalogue import bookmarks
from api.services.lookups import find_case_to_add, find_document, find_own_document, find_page
from api.state import AppState, upload_limiter
from core.errors import (
    DOCUMENT_NOT_READY,
    DOCUMENT_TYPE_UNKNOWN,
    NO_FILES,
    NOT_SCANNED,
    CasefileError,
    lookup,
)
from core.names import sanitize_filename
from ingest.intake import Incoming, submit
from ingest.jobs import queue_document
from ingest.stages import page_records, reset_for_retry
from models.audit import Actor, record
from models.tables import Document

log = logging.getLogger(__name__)
router = APIRouter(tags=["documents"])

UPLOAD_PATH = "/api/cases/{case_number}/documents"
_UPLOAD_PATH_RE = compile_path(UPLOAD_PATH)[0]


def is_upload_request(scope: Scope) -> bool:
    """Whether a request is an upload: its body may be as large as the upload limit."""
    return scope["method"] == "POST" and _UPLOAD_PATH_RE.match(scope["path"]) is not None


@router.post(UPLOAD_PATH, status_code=status.HTTP_201_CREATED)
async def upload_documents(
    case_number: str,
    actor: Uploader,
    state: StateDep,
    file: list[UploadFile] = File(default=[]),  # noqa: B008 (FastAPI's declaration style)
) -> JSONResponse:
    """Store each file, queue new documents; a bad file is reported without affecting others."""
    if not file:
        raise CasefileError(NO_FILES)
    # An upload costs ~10 ms of CPU (hashing, fsync, three commits, the queue), three times a
    # search. Run in as many threads as there were uploaders, uploads took the interpreter lock
    # from the event loop that serves searches (bench/load: search p99 in seconds). A few at a
    # time per process, the others wait their turn here without holding a thread.
    return await anyio.to_thread.run_sync(
        _store_and_queue, state, actor, case_number, file, limiter=upload_limiter(state)
    )


def _store_and_queue(
    state: AppState, actor: Actor, case_number: str, files: list[UploadFile]
) -> JSONResponse:
    sub = submit(
        state.ctx, state.jobs, [Incoming(upload.filename or "", upload.file) for upload in files],
        case_of=lambda session: find_case_to_add(session, actor, case_number),
        max_bytes=state.settings.max_upload_bytes, agency_id=actor.agency_id, actor=actor,
        describe=lambda r: DocumentPublic.of(r.document, duplicate=r.duplicate).model_dump(mode="json"),
    )
    created = sub.views
    rejected = [{"filename": sanitize_filename(item.incoming.filename), "error": item.error.to_dict()}
                for item in sub.rejected]
    if rejected and not created:
        first = rejected[0]["error"]
        assert isinstance(first, dict)
        spec = lookup(str(first["code"]))
        return JSONResponse({**first, "rejected": rejected}, status_code=spec.status if spec else 422)
    new = [r for r in sub.added if not r.duplicate]
    code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    body: dict[str, object] = {"documents": created, "rejected": rejected}
    if sub.queue_error:  # stored and recorded; the reconciler queues it later
        body["queue_error"] = sub.queue_error.to_dict()
    return JSONResponse(body, status_code=code)


@router.get("/api/documents/{document_id}")
def show_document(document_id: DocumentId, actor: Reader, state: StateDep, session: SessionDep) -> DocumentPublic:
    document = find_document(session, actor, document_id)
    record(state.ctx.db, actor, "document.view", target=f"document:{document_id}")
    return DocumentPublic.of(document, with_pages=True)


class DocumentCorrection(BaseModel):
    document_type: str = Field(min_length=1, max_length=50, description="one of the standard document types")


@router.patch("/api/documents/{document_id}")
def correct_document(
    document_id: DocumentId, body: DocumentCorrection, actor: Uploader, state: StateDep, session: SessionDep
) -> DocumentPublic:
    """A clerk corrects the type casefile gave a file (kept across reprocessing, audited).

    Only the agency that added it may, while it holds the case's stage; the checklist of a
    transfer and the search facet follow the corrected type.
    """
    from nlp.catalogue.types import type_names

    document = find_own_document(session, actor, document_id)
    if body.document_type not in type_names():
        raise CasefileError(DOCUMENT_TYPE_UNKNOWN, body.document_type,
                            hint=f"可选的文书类型：{'、'.join(type_names())}。")
    before = document.document_type
    document.document_type, document.type_corrected = body.document_type, True
    # the file's catalogue now starts from one document of this type: a correction computed
    # from the old one is refused (api.routes.catalogue)
    document.catalogue_revision = (document.catalogue_revision or 0) + 1
    session.commit()
    if document.status == "done":  # the facet of its pages follows
        state.ctx.index().add_pages(page_records(document))
    record(state.ctx.db, actor, "document.retype", target=f"document:{document_id}",
           detail={"case": document.case.case_number, "from": before, "to": body.document_type})
    return DocumentPublic.of(document)


@router.post("/api/documents/{document_id}/retry")
def retry_document(document_id: DocumentId, actor: Retrier, state: StateDep, session: SessionDep) -> DocumentPublic:
    document = find_own_document(session, actor, document_id)
    session.commit()
    if reset_for_retry(state.ctx, document.id):
        record(state.ctx.db, actor, "document.retry", target=f"document:{document_id}")
        queue_document(state.jobs, document.id)
    session.refresh(document)
    return DocumentPublic.of(document, with_pages=True)


@router.get("/api/documents/{document_id}/pages/{number}")
def show_page(document_id: DocumentId, number: PageNumber, actor: Reader, state: StateDep, session: SessionDep) -> PagePublic:
    page = find_page(session, actor, document_id, number)
    record(state.ctx.db, actor, "page.view", target=f"document:{document_id}/page:{number}")
    return PagePublic.of(page)


@router.get("/api/documents/{document_id}/pages/{number}/image")
async def page_image(document_id: DocumentId, number: PageNumber, actor: Reader, state: StateDep) -> FileResponse:
    """The page as an image, from the cache; a page not rendered yet is rendered by a limited child."""
    original = await anyio.to_thread.run_sync(_page_original, state, actor, document_id, number)
    path = await rendering.page_image(state, original, number)
    return FileResponse(path, media_type="image/png")


def _page_original(state: AppState, actor: Actor, document_id: int, number: int) -> rendering.Original:
    with state.ctx.db.session() as session:
        page = find_page(session, actor, document_id, number)
        original = _original(state, page.document)
    record(state.ctx.db, actor, "page.image", target=f"document:{document_id}/page:{number}")
    return original


def _original(state: AppState, document: Document) -> rendering.Original:
    return rendering.Original(document.sha256, document.media_type,
                              state.ctx.store.path_for(document.sha256), document.page_count or 0)


@router.get("/api/documents/{document_id}/original")
def download_original(document_id: DocumentId, actor: Reader, state: StateDep, session: SessionDep) -> FileResponse:
    document = find_document(session, actor, document_id)
    record(state.ctx.db, actor, "document.download", target=f"document:{document_id}")
    return FileResponse(
        state.ctx.store.path_for(document.sha256),
        media_type=document.media_type,
        filename=sanitize_filename(document.original_name),
    )


@router.delete("/api/documents/{document_id}")
def delete_document(document_id: DocumentId, actor: Deleter, state: StateDep, session: SessionDep) -> DocumentDeleted:
    """Remove a document from its case and from the index; its original stays in the store.

    Only the agency that added it may, while it holds the case's stage.
    """
    document = find_own_document(session, actor, document_id)
    detail = {"case": document.case.case_number, "filename": document.original_name,
              "sha256": document.sha256}
    state.ctx.index().delete_document(document_id)
    session.delete(document)
    session.commit()
    record(state.ctx.db, actor, "document.delete", target=f"document:{document_id}", detail=detail)
    return DocumentDeleted(deleted=document_id)


@router.get("/api/documents/{document_id}/searchable.pdf")
async def searchable_pdf(document_id: DocumentId, actor: Reader, state: StateDep) -> FileResponse:
    """The scans with an invisible text layer over every line, searchable in any PDF viewer.

    Its bookmarks list the documents the file holds (the 卷内目录: title → first page).
    Built once by a limited child (``ingest.render_job``) and kept beside the page images.
    """
    original, pages, outline, stem = await anyio.to_thread.run_sync(_searchable_source, state, actor, document_id)
    path = await rendering.searchable_pdf(state, original, pages, outline)
    await anyio.to_thread.run_sync(lambda: record(
        state.ctx.db, actor, "document.download", target=f"document:{document_id}",
        detail={"as": "searchable_pdf"}))
    return FileResponse(path, media_type="application/pdf",
                        headers=attachment(f"{stem}-searchable.pdf", f"document-{document_id}-searchable.pdf"))


def _searchable_source(
    state: AppState, actor: Actor, document_id: int
) -> tuple[rendering.Original, list[dict[str, object]], list[tuple[str, int]], str]:
    with state.ctx.db.session() as session:
        document = find_document(session, actor, document_id)
        if document.status != "done":
            raise CasefileError(DOCUMENT_NOT_READY, str(document_id))
        if not any(page.source == "ocr" for page in document.pages):
            raise CasefileError(NOT_SCANNED, str(document_id))
        pages: list[dict[str, object]] = [
            {"number": p.number, "width": p.width, "height": p.height, "source": p.source,
             "text": p.text, "lines": p.lines or []}
            for p in document.pages
        ]
        numbers = {page.number for page in document.pages}
        outline = bookmarks(document)
        if any(first not in numbers for _, first in outline):
            # a catalogue out of step with the stored pages: the scans still download, unmarked
            log.warning("document %s: bookmarks %s outside its pages; left out", document_id, outline)
            outline = [(title, first) for title, first in outline if first in numbers]
        stem = sanitize_filename(document.original_name).rsplit(".", 1)[0]
        return _original(state, document), pages, outline, stem
