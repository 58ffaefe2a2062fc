"""A clerk's corrections of a file's catalogue (卷内目录): split, merge, retype, retitle, move, delete.

Each correction is appended to ``Document.catalogue_edits`` and replayed on top of the automatic
catalogue whenever it is read (``nlp.catalogue.edits``), so it outlives reprocessing; each is
audited (``catalogue.<op>``). Only the agency that added the file may, while it holds the case's
stage (as for the file's type). The pages whose type changed are indexed again at once.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DocumentId, SessionDep, StateDep, Uploader
from api.schemas import DocumentPublic
from api.services.lookups import find_own_document
from core.errors import CATALOGUE_CHANGED, DOCUMENT_NOT_READY, CasefileError
from ingest.stages import catalogue_entries, page_records, page_types, refresh_facts
from models.audit import record
from models.tables import Document, DocumentStatus
from nlp.catalogue.edits import FIELD_LIMIT, apply_edit, file_type

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


@router.post("/api/documents/{document_id}/catalogue/edits")
def edit_catalogue(
    document_id: DocumentId, body: CatalogueEdit, actor: Uploader, state: StateDep, session: SessionDep
) -> DocumentPublic:
    """Apply one correction to the file's catalogue; a wrong one is refused, saying why."""
    document = find_own_document(session, actor, document_id)
    if document.status != DocumentStatus.DONE:
        raise CasefileError(DOCUMENT_NOT_READY, str(document_id),
                            message="文件还在处理中，处理完成后才能更正卷内目录。")
    if body.edits_seen is not None and body.edits_seen != len(document.catalogue_edits or []):
        raise CasefileError(CATALOGUE_CHANGED, f"seen {body.edits_seen}, stored {len(document.catalogue_edits or [])}")
    before = catalogue_entries(document)
    edit = body.stored()
    if edit["op"] == "split" and not edit["type"]:
        edit["type"], edit["title"] = _title_on_page(document, edit["page"], edit["title"])
    after = apply_edit(before, edit)  # raises, in words a clerk reads, when the edit is wrong
    types_before = page_types(document)
    document.catalogue_edits = [*(document.catalogue_edits or []), edit]
    if document.catalogue and not document.type_corrected:
        document.document_type = file_type(after)
    session.commit()
    refresh_facts(state.ctx, document_id)  # the facts are read as the corrected catalogue says
    session.refresh(document)
    changed = {n for n, kind in page_types(document).items() if types_before.get(n) != kind}
    if changed:  # the search facet of those pages follows
        state.ctx.index().add_pages(page_records(document, changed))
    record(state.ctx.db, actor, f"catalogue.{edit['op']}", target=f"document:{document_id}",
           detail={"case": document.case.case_number, "edit": edit,
                   "before": _summary(before), "after": _summary(after)})
    return DocumentPublic.of(document)


def _title_on_page(document: Document, number: int | None, title: str | None) -> tuple[str, str | None]:
    """The type (and title) the page a split starts at names at its top, else 其他."""
    from nlp.catalogue.types import OTHER, find_titles

    page = next((p for p in document.pages if p.number == number), None)
    for line in (page.text or "").splitlines()[:5] if page else ():
        compact = "".join(line.split())
        found = find_titles(compact) if len(compact) <= 20 else []
        if found and found[-1].end == len(compact):  # a short line ending with a title
            return found[-1].type.reported, title or found[-1].title
    return OTHER, title


def _summary(entries: list[dict[str, Any]]) -> list[str]:
    """The catalogue in the audit log: one line per entry (pages, type, title)."""
    return [f"{e['first_page']}-{e['last_page']} {e.get('type') or ''} {e.get('title') or ''}".strip()
            for e in entries]
