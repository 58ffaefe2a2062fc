"""Request and response bodies of the HTTP API (``XCreate`` in, ``XPublic`` out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.names import sanitize_filename
from ingest.reading.types import LOW_CONFIDENCE
from ingest.stages import catalogue_entries
from models.tables import Case, Document, Page


class CaseCreate(BaseModel):
    case_number: str = Field(min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=500)


class CasePublic(BaseModel):
    case_number: str
    title: str | None
    created_at: datetime
    document_count: int = 0
    agency: str | None = None  # the owning agency: two agencies may hold the same case number

    @classmethod
    def of(cls, case: Case) -> CasePublic:
        return cls(
            case_number=case.case_number,
            title=case.title,
            created_at=case.created_at,
            document_count=len(case.documents),
            agency=case.agency.name if case.agency else None,
        )


class ErrorPublic(BaseModel):
    code: str
    message: str
    hint: str


class ProgressPublic(BaseModel):
    stage: str
    pages_total: int | None
    pages_done: int
    percent: int


class PageSummary(BaseModel):
    number: int
    status: str
    source: str | None


class DocumentPublic(BaseModel):
    id: int
    case_number: str
    filename: str
    sha256: str
    media_type: str
    size_bytes: int
    page_count: int | None
    status: str
    document_type: str | None
    progress: ProgressPublic
    error: ErrorPublic | None
    duplicate: bool = False
    created_at: datetime
    pages: list[PageSummary] = []
    agency: str | None = None  # the agency that added it: only it deletes or retries it
    # the documents the file holds (卷内目录): type, title, number, agency, date, first/last page
    catalogue: list[dict[str, Any]] = []  # with the clerk's corrections (``corrected`` on an entry)
    type_corrected: bool = False  # a clerk set document_type; it outlives reprocessing
    catalogue_edits: int = 0  # how many corrections of the catalogue are replayed on top of it
    # bumped by every correction or undo: a correction names the revision it was made on
    catalogue_revision: int = 0
    catalogue_last_edit: str | None = None  # the op of the correction "撤销上一步" takes back

    @classmethod
    def of(cls, document: Document, *, duplicate: bool = False, with_pages: bool = False) -> DocumentPublic:
        done = sum(1 for p in document.pages if p.status == "done")
        total = document.page_count
        if document.status == "done":
            percent = 100
        elif total:
            # reading is most of the work; extraction and indexing take the last 10%
            percent = int(90 * done / total) + (5 if document.stage == "indexing" else 0)
        else:
            percent = 0
        error = None
        if document.error_code:
            error = ErrorPublic(
                code=document.error_code,
                message=document.error_message or "",
                hint=document.error_hint or "",
            )
        return cls(
            id=document.id,
            case_number=document.case.case_number,
            filename=sanitize_filename(document.original_name),
            sha256=document.sha256,
            media_type=document.media_type,
            size_bytes=document.size_bytes,
            page_count=total,
            status=document.status,
            document_type=document.document_type,
            progress=ProgressPublic(
                stage=document.stage, pages_total=total, pages_done=done, percent=percent
            ),
            error=error,
            duplicate=duplicate,
            created_at=document.created_at,
            pages=[PageSummary(number=p.number, status=p.status, source=p.source)
                   for p in document.pages] if with_pages else [],
            agency=document.agency.name if document.agency else None,
            catalogue=[{k: v for k, v in entry.items() if k not in ("persons", "kind")} for entry in _catalogue(document)],
            type_corrected=bool(document.type_corrected),
            catalogue_edits=len(document.catalogue_edits or []),
            catalogue_revision=document.catalogue_revision or 0,
            catalogue_last_edit=(document.catalogue_edits or [{}])[-1].get("op"),
        )


class LinePublic(BaseModel):
    text: str
    bbox: list[float]
    confidence: float
    start: int
    end: int
    angle: int = 0  # direction of the text on the page image (ingest.reading.types.Line)
    needs_review: bool = False


class PagePublic(BaseModel):
    document_id: int
    number: int
    status: str
    source: str | None
    width: int | None
    height: int | None
    text: str
    lines: list[LinePublic]
    image_url: str

    @classmethod
    def of(cls, page: Page) -> PagePublic:
        return cls(
            document_id=page.document_id,
            number=page.number,
            status=page.status,
            source=page.source,
            width=page.width,
            height=page.height,
            text=page.text or "",
            lines=[
                LinePublic(**line, needs_review=line.get("confidence", 1.0) < LOW_CONFIDENCE)
                for line in (page.lines or [])
            ],
            image_url=f"/api/documents/{page.document_id}/pages/{page.number}/image",
        )


class FactsPublic(BaseModel):
    case_number: str
    documents: list[int]
    facts: dict[str, Any]


class DeadlinesPublic(BaseModel):
    """The statutory time limits of a case, per person (as ``casefile deadlines --json``).

    Besides the documents: the handlers' ``records`` (withdrawn ones too, marked) and what may be
    recorded (``recordable``: measures and extensions).
    """

    case_number: str
    documents: list[int]
    procedure: str | None
    persons: list[dict[str, Any]]
    warnings: list[str]
    records: list[CustodyRecordPublic] = []
    recordable: dict[str, Any] = {}


class DueLimitPublic(BaseModel):
    """One open time limit due soon (or overdue) in one case, for the list of what is due."""

    case_number: str
    case_title: str | None
    agency: str | None = None  # the agency holding the case's current stage
    handlers: list[str] = []
    # "assigned": the handler the holding agency assigned; "acted": none assigned, so the users
    # who acted on the case (sent or decided a transfer, recorded a limit, decided its triage)
    handler_source: Literal["assigned", "acted"] = "acted"
    person: str
    rule: str
    title: str
    article: str
    from_: str = Field(validation_alias="from", serialization_alias="from")
    due: str
    days_left: int | None
    status: str
    due_soon: bool
    overdue: bool = False


class DuePublic(BaseModel):
    """The open limits due within ``days`` of ``today`` in the cases the user may see (filtered)."""

    today: str
    days: int
    warn_days: int  # due_soon: this many days or fewer left (CASEFILE_DEADLINE_WARN_DAYS)
    handler: str | None = None
    agency: str | None = None
    agencies: list[str] = []  # the choices of the agency filter
    handlers: list[str] = []  # the choices of the handler filter
    # the cases listed with no handler assigned for their stage: their handlers are those who acted
    unassigned_cases: list[str] = []
    limits: list[DueLimitPublic]


class TriageDecisionCreate(BaseModel):
    """A handler's word on the fast-track candidate: confirmed or rejected, with the reason."""

    decision: Literal["confirmed", "rejected"]
    procedure: Literal["速裁", "简易"]
    reason: str = Field(min_length=1, max_length=1000)


class TriageDecisionPublic(BaseModel):
    id: int
    procedure: str
    decision: str
    computed: str | None
    reason: str
    decided_by: str
    agency: str | None
    decided_at: datetime


class TriagePublic(BaseModel):
    """A case's triage (as ``casefile triage --json``, over all its documents) and the decisions on it."""

    case_number: str
    documents: list[int]
    candidate: str | None
    reasons: list[dict[str, Any]]
    blocking: list[dict[str, Any]]
    decision: TriageDecisionPublic | None  # the latest, which stands
    decisions: list[TriageDecisionPublic]  # newest first


def _catalogue(document: Document) -> list[dict[str, Any]]:
    """The file's catalogue: the split's as stored, or with the clerk's edits once there are any."""
    if not document.catalogue_edits:
        return list(document.catalogue or [])
    return catalogue_entries(document)


class CustodyRecordCreate(BaseModel):
    """A handler's record: an extension of a limit or a change of measure, with its document."""

    person: str = Field(min_length=1, max_length=100)
    kind: Literal["extension", "measure"]
    measure: str | None = Field(default=None, max_length=40)
    extension: str | None = Field(default=None, max_length=60)
    date: date
    document_number: str | None = Field(default=None, max_length=200)  # 文号
    document_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: str | None = Field(default=None, max_length=1000)


class CustodyRecordWithdraw(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class CustodyRecordPublic(BaseModel):
    id: int
    person: str
    kind: str
    measure: str | None
    extension: str | None
    date: date
    document_number: str | None
    document_id: int | None
    note: str | None
    recorded_by: str
    agency: str | None
    recorded_at: datetime
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None


class TriageBoardItem(BaseModel):
    """One fast-track candidate on the triage board, each reason with its evidence (page)."""

    case_number: str
    case_title: str | None
    agency: str | None
    candidate: str
    reasons: list[dict[str, Any]]
    blocking: list[dict[str, Any]]
    decision: TriageDecisionPublic | None  # the latest, which stands
    may_decide: bool


class TriageBoardPublic(BaseModel):
    """The fast-track candidates of the user's inbox, or of every case they may see."""

    scope: Literal["inbox", "all"]
    cases_read: int
    items: list[TriageBoardItem]


class CaseHandlerAssign(BaseModel):
    """The handler (承办人) the holding agency assigns for the case's current stage."""

    username: str = Field(min_length=1, max_length=100)


class CaseHandlerPublic(BaseModel):
    username: str
    display_name: str | None = None
    agency: str
    transfer_id: int | None  # the accepted transfer that gave the agency the stage (None: the owner's own)
    assigned_by: str
    assigned_at: datetime


class HandlerCandidate(BaseModel):
    username: str
    display_name: str | None


class CaseHandlersPublic(BaseModel):
    """Who handles the case's current stage, who may be assigned, and every assignment made."""

    agency: str | None  # the agency holding the current stage
    current: CaseHandlerPublic | None
    may_assign: bool  # the user's agency holds the stage and their role may assign
    candidates: list[HandlerCandidate]  # only for a user who may assign
    history: list[CaseHandlerPublic]


class SearchHitPublic(BaseModel):
    """One page that matched (``api.searching.run_search``; CONTRACT.md: `GET /api/search`)."""

    document_id: int
    case_number: str
    filename: str
    page: int
    score: float
    snippet: str
    snippet_spans: list[list[int]]  # highlighted ranges within ``snippet``
    spans: list[list[int]]  # matched ranges within the page text
    # the matches' boxes on the page image, in its pixels (int where the reader stored ints)
    boxes: list[list[int | float]]
    page_url: str


class SearchResultsPublic(BaseModel):
    """A page of hits, the total over every page the user may see, and facet counts."""

    total: int
    took_ms: float
    hits: list[SearchHitPublic]
    facets: dict[str, dict[str, int]]
    approximate: bool  # near matches (one OCR error): no page matched exactly


class AgencyPublic(BaseModel):
    name: str
    kind: str


class DocumentDeleted(BaseModel):
    deleted: int  # the id of the document removed


class MePublic(BaseModel):
    """The signed-in user as the web page shows them, with the actions their role allows."""

    username: str
    agency: str | None
    agency_kind: str | None
    role: str
    actions: list[str]
    development: bool  # not in production: the page shows the demo hints


# --- intake forms (api/routes/forms.py) -------------------------------------------------------
# Numbers that may be int or float are typed ``int | float`` so an int stays an int in the JSON.
# Evidence, candidates and values are read from documents and stored as they came: free-form.


class FormProblemPublic(BaseModel):
    field: str | None  # None: the whole form
    code: str
    message: str


class ChecklistEntryPublic(BaseModel):
    """One material the form needs, and the case's documents that supply it."""

    name: str
    label: str
    required: bool
    present: bool
    documents: list[Any]
    # Stored with every transfer since 2026-12-06; one sent before has none (an empty list).
    names: list[Any] = []


class ChecklistItemPublic(BaseModel):
    name: str
    label: str
    required: bool
    document_types: list[str]
    keywords: list[str]


class TemplateFieldPublic(BaseModel):
    name: str
    label: str
    required: bool
    source: str
    type: str


class FormTemplatePublic(BaseModel):
    """A form template as ``GET /api/forms`` lists it."""

    id: str
    title: str
    version: str
    from_agency_kind: str | None
    to_agency_kind: str | None
    transfer_type: str | None
    per_defendant: bool
    checklist: list[ChecklistItemPublic]
    fields: list[TemplateFieldPublic]


class PrefilledFieldPublic(BaseModel):
    """A field as pre-filled from the case's fact sheet (``nlp.forms.prefill.PrefilledField``)."""

    name: str
    label: str
    type: str
    required: bool
    source: str
    value: Any
    status: str  # filled | missing | conflict
    confidence: int | float | None
    evidence: Any
    candidates: list[dict[str, Any]]
    problems: list[FormProblemPublic]


class FieldReviewPublic(BaseModel):
    decision: str  # accepted | corrected
    value: Any
    reason: str | None
    reviewer: str
    at: str


class ReviewedFieldPublic(PrefilledFieldPublic):
    review: FieldReviewPublic | None  # None: not yet decided


class PrefilledFormPublic(BaseModel):
    """One pre-filled form: one per defendant."""

    form: str
    title: str
    version: str
    defendant_index: int | None
    defendant: str | None
    fields: list[PrefilledFieldPublic]
    problems: list[FormProblemPublic]


class ReviewedFormPublic(PrefilledFormPublic):
    fields: list[ReviewedFieldPublic]  # type: ignore[assignment]


class PrefillPreview(BaseModel):
    case_number: str
    form: str
    title: str
    forms: list[PrefilledFormPublic]
    checklist: list[ChecklistEntryPublic]


class TransferSummaryPublic(BaseModel):
    """A transfer without its forms (the inbox); ``TransferPublic`` adds them."""

    id: int
    case_number: str
    form_id: str
    form_version: str
    title: str
    from_agency: str
    to_agency: str
    status: str
    note: str | None
    checklist: list[ChecklistEntryPublic]
    created_by: str
    created_at: str
    opened_at: str | None
    decided_by: str | None
    decided_at: str | None
    return_reasons: list[str] | None


class TransferPublic(TransferSummaryPublic):
    forms: list[ReviewedFormPublic]


class InboxTransferPublic(TransferSummaryPublic):
    defendants: list[str | None]


class RecordFieldPublic(BaseModel):
    """A field as accepted: its final value, the decision, what was pre-filled, the evidence."""

    name: str
    label: str | None
    value: Any
    decision: str  # accepted | corrected
    prefilled: Any
    reason: str | None
    evidence: Any


class FormRecordPublic(BaseModel):
    id: int
    form_id: str
    version: int
    form_index: int
    defendant: str | None
    transfer_id: int
    values: dict[str, Any]
    fields: list[RecordFieldPublic]
    sha256: str
    accepted_by: str
    accepted_at: str
    pdf_url: str


class TransferAccepted(BaseModel):
    transfer: TransferPublic
    records: list[FormRecordPublic]


# --- administration (api/routes/admin.py) ------------------------------------------------------


class AuditEventPublic(BaseModel):
    """One audit event as the administrator reads it (``detail`` is the action's own record)."""

    seq: int
    at: str  # ISO 8601, as written
    actor: str
    agency: str | None
    action: str
    target: str | None
    outcome: str
    client: str | None
    detail: dict[str, Any] | None


class AuditVerificationPublic(BaseModel):
    """What ``models.audit.verify`` found (see ``Verification``)."""

    ok: bool
    events: int
    problem: str | None
    seq: int | None
    sealed_from: int | None
    unsealed: int
    checkpoints: int
    last_checkpoint: int | None
    notes: list[str]


# --- 办案期限 statistics (api/routes/deadlines.py) ----------------------------------------------


class StageSummaryPublic(BaseModel):
    """Days of one stage: ``mean`` (one decimal) and ``median`` are None when nothing was measured.

    Typed ``int | float``: a whole mean or median stays an int in the JSON, as ``summarize`` made it.
    """

    count: int
    mean: int | float | None
    median: int | float | None


class StageRowPublic(BaseModel):
    """Days per stage for the persons of one agency's cases on one track (快速 / 普通)."""

    agency: str
    track: str
    persons: int
    stages: dict[str, StageSummaryPublic]


class HandlerStageRowPublic(BaseModel):
    """The same per agency, handler (承办人; None: a case with no handler assigned) and track."""

    agency: str
    handler: str | None
    track: str
    persons: int
    stages: dict[str, StageSummaryPublic]


class StageStatisticsPublic(BaseModel):
    cases_read: int
    rows: list[StageRowPublic]
    handlers: list[HandlerStageRowPublic]


class TokenPublic(BaseModel):
    """An API bearer token (OAuth2 password flow: ``token_type`` is always ``bearer``)."""

    access_token: str
    token_type: str


class HealthPublic(BaseModel):
    status: str  # ok: the database answers and the index opens


# --- workload statistics (GET /api/ui/stats) -------------------------------------------------


class StageTimePublic(BaseModel):
    """Average time per stage of one agency; an average is None when nothing was measured."""

    agency: str
    documents_processed: int
    processing_seconds_avg: float | None
    transfers_decided: int
    review_minutes_avg: float | None


class AgencyWorkloadPublic(BaseModel):
    """What one agency's people did, from the audit log (全口径)."""

    agency: str
    documents: int
    pages: int
    reviews: int
    transfers: int


class PersonWorkloadPublic(BaseModel):
    """The same for one person (listed for the reader's own agency only)."""

    username: str
    agency: str
    documents: int
    pages: int
    reviews: int
    transfers: int


class WorkloadStatsPublic(BaseModel):
    stages: list[StageTimePublic]
    agencies: list[AgencyWorkloadPublic]
    people: list[PersonWorkloadPublic]
