"""The demo dossier: a fictional theft case, loaded on first start so a newcomer sees something.

The files in ``api/demo/files`` are generated from ``api/demo/texts`` by
``scripts/build_demo.py`` (text-layer PDFs, a scanned PDF, PNG and JPEG scans, a DOCX and a TXT),
so the demo exercises every reading path and holds every material a 移送审查起诉 needs.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from api.services.users import create_user, get_or_create_agency
from api.state import AppState
from ingest.intake import Incoming, get_or_create_case, submit
from models.tables import Case

DEMO_CASE = "（演示）京公朝刑立字〔2026〕0301号"
# In development the demo also has a receiving agency with a prosecutor, so that a newcomer can
# send the demo case with its pre-filled form and review it, in the browser alone.
DEMO_RECEIVER_AGENCY = "北京市朝阳区人民检察院（演示）"
DEMO_RECEIVER_USER = "demo-prosecutor"
DEMO_CLERK_USER = "demo-clerk"  # of the demo case's own agency: uploads and sends transfers
DEMO_DIR = Path(__file__).parent / "demo" / "files"


def demo_files() -> list[Path]:
    return sorted(p for p in DEMO_DIR.iterdir() if p.is_file() and not p.name.startswith("."))


def load_demo_if_empty(state: AppState) -> bool:
    """Queue the demo dossier when the database has no case yet; True if it was loaded."""
    with state.ctx.db.session() as session:
        if session.scalar(select(func.count(Case.id))):
            return False
    sub = submit(
        state.ctx, state.jobs, [Incoming(path.name, path) for path in demo_files()],
        case_of=lambda session: get_or_create_case(
            session, DEMO_CASE, "演示案件（虚构）：李明远盗窃案",
            agency_id=get_or_create_agency(session, state.settings.default_agency).id,
        ),
        max_bytes=state.settings.max_upload_bytes,
    )
    if sub.rejected:  # the demo's own files: one refused is a bug of the demo, not of the visitor
        raise sub.rejected[0].error
    if sub.queue_error is not None:
        raise sub.queue_error
    if state.settings.environment != "production":
        with state.ctx.db.session() as session:
            create_user(
                session, DEMO_RECEIVER_USER, state.settings.admin_password,
                agency=DEMO_RECEIVER_AGENCY, role="prosecutor", display_name="演示检察官",
                check_strength=False,
            )
            create_user(
                session, DEMO_CLERK_USER, state.settings.admin_password,
                agency=state.settings.default_agency, role="clerk", display_name="演示内勤",
                check_strength=False,
            )
    return True
