"""The one place where exceptions become HTTP responses: ``{"code", "message", "hint"}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import (
    DATABASE_UNAVAILABLE,
    INVALID_REQUEST,
    NOT_FOUND,
    PROCESSING_FAILED,
    CasefileError,
)
from models.audit import Actor, record_async

log = logging.getLogger(__name__)

# A signed-in actor refused (403) or told an object does not exist (404, which is also what an
# object of another agency answers): each is an audit event, probes by guessed ids included.
REFUSALS = (403, 404)


async def record_refusal(request: Request, actor: Actor, error: CasefileError) -> None:
    """Record that ``actor`` was refused ``request``: what was asked for and the answer's code."""
    from api.state import AppState

    state: AppState = request.app.state.casefile
    await record_async(state.ctx.db, actor, "access.refused", target=request.url.path[:300],
                       outcome=error.code, detail={"method": request.method})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CasefileError)
    async def casefile_error(request: Request, error: CasefileError) -> JSONResponse:
        actor: Actor | None = getattr(request.state, "actor", None)
        if actor is not None and error.status in REFUSALS:
            try:
                await record_refusal(request, actor, error)
            except SQLAlchemyError as audit_error:  # the refusal must not go unrecorded in silence
                log.error("could not record a refusal on %s %s: %s",
                          request.method, request.url.path, audit_error)
                return JSONResponse(CasefileError(DATABASE_UNAVAILABLE).to_dict(), status_code=503)
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
        return JSONResponse(error.to_dict(), status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in error.errors()
        )
        body = CasefileError(INVALID_REQUEST).to_dict()
        body["detail"] = problems[:2000]
        return JSONResponse(body, status_code=INVALID_REQUEST.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 404:
            return JSONResponse(CasefileError(NOT_FOUND).to_dict(), status_code=404)
        body = {"code": f"http_{error.status_code}", "message": str(error.detail), "hint": ""}
        return JSONResponse(body, status_code=error.status_code)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, error: OperationalError) -> JSONResponse:
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, error)
        return JSONResponse(CasefileError(DATABASE_UNAVAILABLE).to_dict(), status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(CasefileError(PROCESSING_FAILED).to_dict(), status_code=500)
