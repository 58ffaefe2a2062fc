"""Dependency aliases for route handlers (``Annotated`` types, one place)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from api import policy
from api.state import AppState
from models.audit import Actor


async def get_state(request: Request) -> AppState:
    # async: a plain def would be run in a worker thread, a hand-over per request for nothing
    state: AppState = request.app.state.casefile
    return state


def get_session(request: Request) -> Iterator[Session]:
    state: AppState = request.app.state.casefile
    with state.ctx.db.session() as session:
        yield session


StateDep = Annotated[AppState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session)]
Reader = Annotated[Actor, Depends(policy.require(policy.CASE_READ))]
Searcher = Annotated[Actor, Depends(policy.require(policy.SEARCH))]
CaseCreator = Annotated[Actor, Depends(policy.require(policy.CASE_CREATE))]
Uploader = Annotated[Actor, Depends(policy.require(policy.DOCUMENT_UPLOAD))]
Retrier = Annotated[Actor, Depends(policy.require(policy.DOCUMENT_RETRY))]
Deleter = Annotated[Actor, Depends(policy.require(policy.DOCUMENT_DELETE))]
UserManager = Annotated[Actor, Depends(policy.require(policy.USER_MANAGE))]
AuditReader = Annotated[Actor, Depends(policy.require(policy.AUDIT_READ))]
Transferrer = Annotated[Actor, Depends(policy.require(policy.FORM_TRANSFER))]
Reviewer = Annotated[Actor, Depends(policy.require(policy.FORM_REVIEW))]
CustodyRecorder = Annotated[Actor, Depends(policy.require(policy.CUSTODY_RECORD))]
HandlerAssigner = Annotated[Actor, Depends(policy.require(policy.CASE_ASSIGN))]
TriageDecider = Annotated[Actor, Depends(policy.require(policy.TRIAGE_DECIDE))]
SignedIn = Annotated[Actor, Depends(policy.require(policy.SIGNED_IN))]
Public = [Depends(policy.public)]

# Ids and page numbers fit the databases' 32-bit integers; larger ones are simply not found.
MAX_ID = 2**31 - 1
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
TransferId = Annotated[int, Path(ge=1, le=MAX_ID)]
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
