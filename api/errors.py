"""The one place where exceptions become HTTP responses: ``{"code", "message", "hint"}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import (
    DATABASE_UNAVAILABLE,
    INVALID_REQUEST,
    NOT_FOUND,
    PROCESSING_FAILED,
    CasefileError,
)

log = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CasefileError)
    async def casefile_error(_request: Request, error: CasefileError) -> JSONResponse:
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
