"""The demo dossier: a fictional theft case, loaded on first start so a newcomer sees something.

The files in ``api/demo/files`` are generated from ``api/demo/texts`` by
``python -m api.demo_build`` (a text-layer PDF, a scanned PDF and a scanned PNG), so the demo
exercises both reading paths.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from api.state import AppState
from api.users import get_or_create_agency
from ingest.intake import add_document, get_or_create_case
from ingest.jobs import queue_document
from models.tables import Case

DEMO_CASE = "（演示）京公朝刑立字〔2026〕0301号"
DEMO_DIR = Path(__file__).parent / "demo" / "files"


def demo_files() -> list[Path]:
    return sorted(p for p in DEMO_DIR.iterdir() if p.is_file() and not p.name.startswith("."))


def load_demo_if_empty(state: AppState) -> bool:
    """Queue the demo dossier when the database has no case yet; True if it was loaded."""
    with state.ctx.db.session() as session:
        if session.scalar(select(func.count(Case.id))):
            return False
        case = get_or_create_case(
            session, DEMO_CASE, "演示案件（虚构）：李明远盗窃案",
            agency_id=get_or_create_agency(session, state.settings.default_agency).id,
        )
        queued = []
        for path in demo_files():
            with path.open("rb") as stream:
                result = add_document(
                    session, state.ctx.store, case, path.name, stream,
                    max_bytes=state.settings.max_upload_bytes,
                )
            if not result.duplicate:
                queued.append(result.document.id)
    for document_id in queued:
        queue_document(state.jobs, document_id)
    return True
