"""The web pages: one page application served from the package (no CDN, no internet)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.deps import Public
from core.errors import NOT_FOUND, CasefileError

router = APIRouter(include_in_schema=False, dependencies=Public)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
ASSETS = {"app.js": "text/javascript", "app.css": "text/css"}


@router.get("/")
def index() -> FileResponse:
    return FileResponse(WEB_DIR / "index.html", media_type="text/html")


@router.get("/assets/{name}")
def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise CasefileError(NOT_FOUND, name)
    return FileResponse(WEB_DIR / name, media_type=ASSETS[name])
