"""`casefile ingest`: files into a case, queued, then watched until every document is processed.

Works with no server running: if no worker is alive, an embedded worker is started for the
duration of the command.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.services.users import get_or_create_agency
from api.state import AppState, build_state
from core.errors import CASE_AMBIGUOUS, CasefileError
from core.settings import Settings
from ingest.intake import Incoming, get_or_create_case, normalize_case_number, submit
from ingest.recovery import requeue_unfinished
from ingest.workers import live_workers, stop_worker
from models.tables import Agency, Case, Document, DocumentStatus, Page, PageStatus

SUPPORTED_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".docx", ".txt"}
POLL_SECONDS = 0.5


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named directly, plus the supported files inside named folders (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            files.append(path)
    return files


def operator_case(
    session: Session, case_number: str, title: str | None, *, agency: str | None, default_agency: str
) -> Case:
    """The case the operator means by ``case_number``, created if new.

    With ``agency``: that agency's case (the agency created if new). Without: the one case of
    that number whichever agency holds it, or a new case of ``default_agency``; several agencies
    holding the number is ``CASE_AMBIGUOUS`` (naming them), never a silent pick.
    """
    if agency is not None:
        return get_or_create_case(session, case_number, title,
                                  agency_id=get_or_create_agency(session, agency.strip()).id)
    number = normalize_case_number(case_number)
    cases = session.scalars(select(Case).where(Case.case_number == number).order_by(Case.id)).all()
    if len(cases) == 1:
        return cases[0]
    if len(cases) > 1:
        names = [session.get(Agency, c.agency_id).name if c.agency_id else "（无单位）" for c in cases]  # type: ignore[union-attr]
        raise CasefileError(
            CASE_AMBIGUOUS, f"{number}: cases {[c.id for c in cases]}",
            message=f"案号 {number} 在多个单位都有案件：{'、'.join(names)}。",
            hint="请用 --agency 指定案件所属单位，例如 --agency " + names[0] + "。",
        )
    return get_or_create_case(session, number, title,
                              agency_id=get_or_create_agency(session, default_agency).id)


def ingest_paths(
    settings: Settings, paths: list[Path], case_number: str, *, wait: bool, title: str | None = None,
    agency: str | None = None, worker: subprocess.Popen[bytes] | None = None,
) -> bool:
    """Ingest ``paths`` into the case (see ``operator_case``); True when every file was accepted and processed.

    ``worker``: the embedded worker the caller started for this command
    (``start_worker_if_alone``, before its own imports: the worker's start takes seconds, issue
    #19), stopped here however the command ends; ``None`` when a worker was alive already or the
    command does not wait.
    """
    try:
        return _ingest(settings, paths, case_number, wait=wait, title=title, agency=agency, worker=worker)
    finally:
        if worker is not None:
            stop_worker(worker)


def _ingest(
    settings: Settings, paths: list[Path], case_number: str, *, wait: bool, title: str | None,
    agency: str | None, worker: subprocess.Popen[bytes] | None,
) -> bool:
    console = Console(stderr=True, soft_wrap=True)
    state = build_state(settings)
    # The embedded worker started by this command re-queues nothing itself: this command
    # re-queues every unfinished document once its files are committed, as a worker starting
    # alone does (so each is queued once, whenever the worker starts): submit's queue step runs
    # that handshake instead of queueing its own documents.
    handshake = None if worker is None else (
        lambda: requeue_unfinished(state.ctx, state.jobs, purge=settings.embedded_broker, level=logging.INFO)
    )
    try:
        sub = submit(
            state.ctx, state.jobs, [Incoming(path.name, path) for path in collect_files(paths)],
            case_of=lambda session: operator_case(session, case_number, title, agency=agency,
                                                  default_agency=settings.default_agency),
            max_bytes=settings.max_upload_bytes, queue_all=handshake,
        )
    except CasefileError as error:  # the case cannot be told: nothing was stored
        console.print(f"[red]{error.message}[/] {error.hint}")
        return False
    if sub.queue_error is not None:  # the files are stored and queued in the database: say so, loudly
        raise sub.queue_error
    for result in sub.added:
        if result.duplicate:
            console.print(f"{result.incoming.filename}：该文件已在本案中（文件编号 {result.document.id}），未重复处理。")
    for item in sub.rejected:
        console.print(f"[red]未接收 {item.incoming.source}：{item.error.message}[/] {item.error.hint}")
    if not wait:
        if not live_workers(state.ctx.db):
            console.print("已排队。当前没有运行中的处理进程：请运行 casefile serve 或 casefile worker。")
        return not sub.rejected
    failed = _wait_for(state, [r.document.id for r in sub.added], console, worker)
    return not sub.rejected and not failed


def _wait_for(
    state: AppState, document_ids: list[int], console: Console, worker: subprocess.Popen[bytes] | None
) -> list[Document]:
    finished = _watch(state, document_ids, console, worker)
    failed = [d for d in finished if d.status == DocumentStatus.FAILED]
    for document in failed:
        console.print(
            f"[red]处理失败 {document.original_name}（{document.error_code}）：{document.error_message}[/] "
            f"{document.error_hint}"
        )
    return failed


def _watch(
    state: AppState, document_ids: list[int], console: Console, worker: subprocess.Popen[bytes] | None
) -> list[Document]:
    bars: dict[int, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[status]}"),
        console=console, transient=not sys.stderr.isatty(),
        # drawn as often as the state is read: at rich's default of 10 a second, drawing the
        # bars of a large upload took more CPU than the command's whole wait (issue #19)
        refresh_per_second=1 / POLL_SECONDS,
    ) as progress:
        while True:
            with state.ctx.db.session() as session:
                documents = [session.get(Document, i) for i in document_ids]
                # counted in the database: loading every page's text and lines twice a second
                # took a core's worth of time from the worker on a large upload (issue #19)
                done_pages = dict(session.execute(
                    select(Page.document_id, func.count(Page.id))
                    .where(Page.document_id.in_(document_ids), Page.status == PageStatus.DONE)
                    .group_by(Page.document_id)
                ).tuples().all())
                for document in documents:
                    assert document is not None
                    done = done_pages.get(document.id, 0)
                    total = document.page_count or 1
                    if document.id not in bars:
                        bars[document.id] = progress.add_task(
                            document.original_name[:40], total=total, status=""
                        )
                    progress.update(
                        bars[document.id], total=total, completed=done,
                        status=_status_label(document),
                    )
                pending = [d for d in documents if d and d.status not in (DocumentStatus.DONE, DocumentStatus.FAILED)]
            if not pending:
                return [d for d in documents if d is not None]
            if worker is not None and worker.poll() is not None:
                console.print("[red]处理进程意外退出。[/] 请查看日志后重新运行 casefile ingest。")
                return [d for d in documents if d is not None]
            time.sleep(POLL_SECONDS)


def _status_label(document: Document) -> str:
    labels = {
        "queued": "排队中", "reading": "识别中", "extracting": "提取事实", "indexing": "建立索引",
        "done": "完成",
    }
    if document.status == DocumentStatus.FAILED:
        return "失败"
    return labels.get(document.stage, document.stage)

