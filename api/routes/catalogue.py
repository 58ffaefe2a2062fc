"""A clerk's corrections of a file's catalogue (卷内目录): split, merge, retype, retitle, move, delete, undo.

Each correction is appended to ``Document.catalogue_edits`` and replayed on top of the automatic
catalogue whenever it is read (``nlp.catalogue.edits``), so it outlives reprocessing; each is
audited (``catalogue.<op>``), and so is undoing the last one (``catalogue.undo``). Only the agency
that added the file may, while it holds the case's stage (as for the file's type). The facts are
read again and the pages whose type changed are indexed again at once.

Every write is one UPDATE that names the catalogue revision it was computed from
(``Document.catalogue_revision``): of two clerks correcting the same catalogue at once, the second
finds another revision and is refused with ``catalogue_changed`` (409), never silently lost.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.deps import DocumentId, SessionDep, StateDep, Uploader
from api.schemas import DocumentPublic
from api.services.lookups import find_own_document
from api.state import AppState
from core.errors import (
    CATALOGUE_CHANGED,
    CATALOGUE_NOTHING_TO_UNDO,
    DOCUMENT_NOT_READY,
    CasefileError,
)
from ingest.stages import catalogue_entries, page_records, page_types, refresh_facts
from models.audit import record
from models.tables import Document, DocumentStatus
from nlp.catalogue.edits import FIELD_LIMIT, apply_edit, base_entries, corrected_entries, file_type

router = APIRouter(tags=["catalogue"])

_TEXT = Field(default=None, max_length=FIELD_LIMIT)


class CatalogueFields(BaseModel):
    """What a clerk may write on an entry; a field left out is kept, an empty one cleared."""

    title: str | None = _TEXT
    number: str | None = _TEXT
    agency: str | None = _TEXT
    date: str | None = _TEXT


class CatalogueEdit(BaseModel):
    """One correction of a file's catalogue.

    ``first_page`` names the entry (its first page in the file); ``split`` names the page the
    new document starts at instead.
    """

    op: Literal["split", "merge", "retype", "edit", "move", "delete"]
    first_page: int | None = Field(default=None, ge=1, le=2**31 - 1)
    page: int | None = Field(default=None, ge=1, le=2**31 - 1)
    type: str | None = Field(default=None, max_length=50)
    title: str | None = _TEXT
    fields: CatalogueFields | None = None
    by: Literal[-1, 1] | None = None
    # how many corrections the clerk's page showed: a repeated click (or another clerk's edit
    # in between) finds more stored and is refused rather than applied twice
    edits_seen: int | None = Field(default=None, ge=0)
    # the catalogue revision the clerk's page showed (``DocumentPublic.catalogue_revision``)
    revision: int | None = Field(default=None, ge=0, le=2**31 - 1)

    def stored(self) -> dict[str, Any]:
        """The edit as ``Document.catalogue_edits`` keeps it (only the keys its op uses)."""
        edit: dict[str, Any] = {"op": self.op}
        if self.op == "split":
            edit.update(page=self.page, type=self.type, title=self.title)
        else:
            edit["first_page"] = self.first_page
        if self.op == "retype":
            edit["type"] = self.type
        elif self.op == "edit":
            edit["fields"] = self.fields.model_dump(exclude_unset=True) if self.fields else {}
        elif self.op == "move":
            edit["by"] = self.by
        return edit


class CatalogueUndo(BaseModel):
    """Undo the last correction of a file's catalogue, as the clerk's page showed it."""

    revision: int | None = Field(default=None, ge=0, le=2**31 - 1)


@router.post("/api/documents/{document_id}/catalogue/edits")
def edit_catalogue(
    document_id: DocumentId, body: CatalogueEdit, actor: Uploader, state: StateDep, session: SessionDep
) -> DocumentPublic:
    """Apply one correction to the file's catalogue; a wrong one is refused, saying why."""
    document = _editable(session, actor, document_id)
    if body.edits_seen is not None and body.edits_seen != len(document.catalogue_edits or []):
        raise CasefileError(CATALOGUE_CHANGED, f"seen {body.edits_seen}, stored {len(document.catalogue_edits or [])}")
    revision = _revision(document, body.revision)
    before = catalogue_entries(document)
    edit = body.stored()
    if edit["op"] == "split" and not edit["type"]:
        edit["type"], edit["title"], kind = _title_on_page(document, edit["page"], edit["title"])
        if kind != edit["type"]:  # a known title outside the standard types (搜查证): read as such
            edit["kind"] = kind
    after = apply_edit(before, edit)  # raises, in words a clerk reads, when the edit is wrong
    edits = [*(document.catalogue_edits or []), edit]
    _store(state, session, document, revision, edits, after)
    record(state.ctx.db, actor, f"catalogue.{edit['op']}", target=f"document:{document_id}",
           detail={"case": document.case.case_number, "edit": edit, "revision": revision + 1,
                   "before": _summary(before), "after": _summary(after)})
    return DocumentPublic.of(document)


@router.post("/api/documents/{document_id}/catalogue/undo")
def undo_catalogue_edit(
    document_id: DocumentId, actor: Uploader, state: StateDep, session: SessionDep,
    body: CatalogueUndo | None = None,
) -> DocumentPublic:
    """Take back the file's last catalogue correction: the catalogue is as it was before it.

    Without a body (or a revision) the last correction stored is taken back, whatever the page showed.
    """
    document = _editable(session, actor, document_id)
    revision = _revision(document, body.revision if body else None)
    stored = list(document.catalogue_edits or [])
    if not stored:
        raise CasefileError(CATALOGUE_NOTHING_TO_UNDO, f"document {document_id}")
    before = catalogue_entries(document)
    undone, edits = stored[-1], stored[:-1]
    base = base_entries(document.document_type, document.type_corrected, document.catalogue, document.page_count)
    after = corrected_entries(base, edits, label=f"document {document_id}")
    _store(state, session, document, revision, edits, after)
    record(state.ctx.db, actor, "catalogue.undo", target=f"document:{document_id}",
           detail={"case": document.case.case_number, "edit": undone, "revision": revision + 1,
                   "before": _summary(before), "after": _summary(after)})
    return DocumentPublic.of(document)


def _editable(session: Session, actor: Any, document_id: int) -> Document:
    document = find_own_document(session, actor, document_id)
    if document.status != DocumentStatus.DONE:
        raise CasefileError(DOCUMENT_NOT_READY, str(document_id),
                            message="文件还在处理中，处理完成后才能更正卷内目录。")
    return document


def _revision(document: Document, seen: int | None) -> int:
    """The revision the write is computed from; one the page showed must still be the stored one."""
    stored = document.catalogue_revision or 0
    if seen is not None and seen != stored:
        raise CasefileError(CATALOGUE_CHANGED, f"revision seen {seen}, stored {stored}")
    return stored


def _store(
    state: AppState, session: Session, document: Document, revision: int, edits: list[dict[str, Any]],
    after: list[dict[str, Any]],
) -> None:
    """Write ``edits`` if the catalogue is still at ``revision``, then refresh facts and index.

    The check is in the UPDATE's WHERE, so a write committed by another request after this one
    read the document (the lost-update race) leaves no row to update: refused, nothing stored.
    """
    types_before = page_types(document)
    values: dict[str, Any] = {"catalogue_edits": edits, "catalogue_revision": revision + 1}
    if document.catalogue and not document.type_corrected:
        values["document_type"] = file_type(after)
    written = session.execute(
        update(Document).where(Document.id == document.id, Document.catalogue_revision == revision)
        .values(**values).execution_options(synchronize_session=False))
    if written.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise CasefileError(CATALOGUE_CHANGED, f"document {document.id} left revision {revision}")
    session.commit()
    refresh_facts(state.ctx, document.id)  # the facts are read as the corrected catalogue says
    session.refresh(document)
    changed = {n for n, kind in page_types(document).items() if types_before.get(n) != kind}
    if changed:  # the search facet of those pages follows
        state.ctx.index().add_pages(page_records(document, changed))


def _title_on_page(document: Document, number: int | None, title: str | None) -> tuple[str, str | None, str]:
    """The type, title and kind (types.toml entry) the page a split starts at names at its top, else 其他."""
    from nlp.catalogue.types import OTHER, find_titles

    page = next((p for p in document.pages if p.number == number), None)
    for line in (page.text or "").splitlines()[:5] if page else ():
        compact = "".join(line.split())
        found = find_titles(compact) if len(compact) <= 20 else []
        if found and found[-1].end == len(compact):  # a short line ending with a title
            return found[-1].type.reported, title or found[-1].title, found[-1].type.name
    return OTHER, title, OTHER


def _summary(entries: list[dict[str, Any]]) -> list[str]:
    """The catalogue in the audit log: one line per entry (pages, type, title)."""
    return [f"{e['first_page']}-{e['last_page']} {e.get('type') or ''} {e.get('title') or ''}".strip()
            for e in entries]
