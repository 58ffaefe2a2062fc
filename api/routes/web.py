"""The web pages: one page application served from the package (no CDN, no internet)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.deps import Public
from core.errors import NOT_FOUND, CasefileError

router = APIRouter(include_in_schema=False, dependencies=Public)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# the files under web/ that may be served, fixed at start-up: a name from a URL never becomes a path
ASSETS = {
    path.name: MEDIA_TYPES[path.suffix]
    for path in WEB_DIR.iterdir()
    if path.is_file() and path.suffix in MEDIA_TYPES
}
# modules change with each release; make the browser ask again rather than run a stale mix
NO_STALE = {"Cache-Control": "no-cache"}


@router.get("/")
def index() -> FileResponse:
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers=NO_STALE)


@router.get("/assets/{name}")
def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise CasefileError(NOT_FOUND, name)
    return FileResponse(WEB_DIR / name, media_type=ASSETS[name], headers=NO_STALE)
