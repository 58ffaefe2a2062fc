"""The Celery app and its tasks: a thin sequence over the stages in ``ingest.stages``.

prepare and read the pages that need no OCR (one task per document: text layers, text files) →
read each page that needs OCR (one task per page, in parallel) → extract facts and index (one
task). Pages are indexed as they are read and again, with their facets, once the facts are
extracted (``ingest.stages``). A task holds no logic of its own: it calls a stage, records a failure on the document if the stage raises, and queues the
next stage. The embedded default uses kombu's SQLAlchemy transport on SQLite (no server);
production uses Redis or RabbitMQ by URL.

Each kind of task has a queue of its own, and a worker serves its queues in turn (kombu and
the brokers cycle over a consumer's queues). With one first-in, first-out queue, a document's
extraction was queued behind every page uploaded after it, so a 1,000-file upload finished no
document until every page of every file was read; with splitting in the same queue as
extraction, behind the splitting of every file (bench/scale/finish_order). Now extraction and
indexing (``FINISH_QUEUE``) wait for at most a task of each other queue, and a document is done
soon after its last page is read.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
from typing import Any

from celery import Celery

from core.errors import BROKER_UNAVAILABLE, CasefileError
from core.settings import Settings
from ingest import amqp_transport, stages
from ingest.context import PipelineContext, build_context

log = logging.getLogger(__name__)

PAGE_QUEUE = "casefile"
SPLIT_QUEUE = "casefile.split"
FINISH_QUEUE = "casefile.finish"
QUEUES = (FINISH_QUEUE, SPLIT_QUEUE, PAGE_QUEUE)
PROCESS_DOCUMENT = "casefile.process_document"
READ_PAGE = "casefile.read_page"
EXTRACT_FACTS = "casefile.extract_facts"
INDEX_DOCUMENT = "casefile.index_document"


class CasefileCelery(Celery):
    """A Celery app that carries the settings and builds the pipeline context per process."""

    settings: Settings
    _ctx: PipelineContext | None = None
    _ctx_pid: int = 0

    def pipeline_context(self) -> PipelineContext:
        if self._ctx is None or self._ctx_pid != os.getpid():
            self._ctx = build_context(self.settings)
            self._ctx_pid = os.getpid()
        return self._ctx


def make_celery(settings: Settings, *, eager: bool = False) -> CasefileCelery:
    """The Celery app for ``settings``; ``eager`` runs every task inline (tests, `extract`)."""
    broker = settings.resolved_broker_url
    if settings.embedded_broker:
        settings.ensure_dirs()
        # The transport reads its polling interval from the class; putting it in
        # broker_transport_options is passed on to create_engine and crashes it.
        from kombu.transport import sqlalchemy as kombu_sqla

        # An idle worker looks for work this often: each look is a few indexed SELECTs on the
        # queue file, and at 0.2 s a text-layer document waited longer in the queue than it
        # took to read (issue #19).
        kombu_sqla.Transport.polling_interval = 0.05
    app = CasefileCelery("casefile", broker=broker, set_as_current=False)
    app.settings = settings
    if settings.embedded_broker:
        # its blocking loop noticed a stop 2-4 s late (ingest/worker_loop.py)
        app.conf.worker_consumer = "ingest.worker_loop:Consumer"
    app.conf.update(
        # A hostile page cannot hold a worker forever: the child is killed and the document,
        # left unfinished, is queued again by the reconciler, then failed after a few attempts.
        task_time_limit=settings.task_time_limit,
        task_soft_time_limit=max(5, settings.task_time_limit - 30),
        task_default_queue=FINISH_QUEUE,
        task_routes={READ_PAGE: {"queue": PAGE_QUEUE}, PROCESS_DOCUMENT: {"queue": SPLIT_QUEUE}},
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # A task is acknowledged only after it finished, so a killed worker's page is redone.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A safety net for a leak in a library (pdfium, onnxruntime): a pool process resident
        # above this once its task is done is replaced (the next one loads the models again).
        # Steady state is ~0.6-0.9 GB (docs/BENCHMARKS.md, bench/scale --many). Celery counts KiB.
        worker_max_memory_per_child=settings.worker_recycle_mb * 1024 or None,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        task_always_eager=eager,
        # fail fast when publishing to a broker that is down: the document is safe in the
        # database and the reconciler queues it again
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        task_eager_propagates=False,
    )
    if broker.startswith("sqla+sqlite:///"):
        # kombu hands its transport options to create_engine; a creator gives each connection
        # to the queue file the same settings as the main database's (models.db).
        app.conf.broker_transport_options = {
            "creator": functools.partial(_queue_file_connection, broker.removeprefix("sqla+sqlite:///"))
        }
    if transport := amqp_transport.transport_for(broker):
        app.conf.broker_transport = transport
    if not settings.embedded_broker:
        # Redis redelivers an unacknowledged task after this long (a worker killed mid-page).
        options: dict[str, object] = {"visibility_timeout": 3600}
        if broker.startswith(("redis://", "rediss://")):
            # Without socket timeouts a consumer whose Redis went away can block forever on a dead
            # connection instead of reconnecting (seen in the broker-restart fault test).
            options.update(socket_timeout=30, socket_connect_timeout=5, health_check_interval=10,
                           retry_on_timeout=True)
        app.conf.broker_transport_options = options
        # On connection loss, late-acknowledged tasks in progress are given up (the broker
        # redelivers them, stages are idempotent) instead of blocking the consumer's restart.
        app.conf.worker_cancel_long_running_tasks_on_connection_loss = True
    _register_tasks(app)
    _limit_memory_per_process(settings.worker_memory_mb)
    return app


def _queue_file_connection(path: str) -> sqlite3.Connection:
    """A connection to the embedded queue's SQLite file, in WAL mode with NORMAL sync.

    With SQLite's defaults (a rollback journal, full sync) every queued task cost several
    fsyncs, a third of an upload's time (bench/load). WAL with NORMAL sync can lose the last
    commits on a power cut, never corrupt the file; a task lost that way is queued again from
    the database by the reconciler, as is one lost with a killed worker.
    """
    connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def _limit_memory_per_process(megabytes: int) -> None:
    """Cap each pool process's address space and have it die with the worker that forked it.

    A decompression bomb fails with MemoryError; a pool process whose Celery worker was killed
    is killed too (its task, acknowledged late, is redelivered).
    """
    from celery.signals import worker_process_init

    def limit(**_kwargs: object) -> None:
        import signal

        from ingest.lifetime import die_with_parent, limit_address_space

        limit_address_space(megabytes)
        die_with_parent(signal.SIGKILL)

    worker_process_init.connect(limit, weak=False, dispatch_uid="casefile-memory-limit")


def _register_tasks(app: CasefileCelery) -> None:
    @app.task(name=PROCESS_DOCUMENT, shared=False)
    def process_document(document_id: int) -> None:
        ctx = app.pipeline_context()
        try:
            pending = stages.prepare_document(ctx, document_id)
            # a page lost with a killed worker is read again: this task is redelivered (or the
            # document re-queued) and reads what is not stored yet
            for_ocr = stages.read_pages_without_ocr(
                ctx, document_id, pending, max_seconds=app.settings.task_time_limit / 2
            )
        except Exception as error:  # recorded on the document; the worker moves on
            _fail(ctx, document_id, error)
            return
        if not for_ocr:
            _after_reading(document_id)
            return
        for number in for_ocr:
            app.tasks[READ_PAGE].delay(document_id, number)

    @app.task(name=READ_PAGE, shared=False)
    def read_page(document_id: int, number: int) -> None:
        ctx = app.pipeline_context()
        try:
            stages.read_page(ctx, document_id, number, index_early=True)
        except Exception as error:
            _fail(ctx, document_id, error)
            return
        _after_reading(document_id)

    @app.task(name=EXTRACT_FACTS, shared=False)
    def extract_facts(document_id: int) -> None:
        # extraction and indexing in one task: a second trip through the queue cost more than
        # indexing a short document (issue #19)
        ctx = app.pipeline_context()
        try:
            stages.extract_document(ctx, document_id)
            stages.index_document(ctx, document_id)
        except Exception as error:
            _fail(ctx, document_id, error)

    # Kept for a message queued by an earlier version, which indexed in a task of its own.
    @app.task(name=INDEX_DOCUMENT, shared=False)
    def index_document(document_id: int) -> None:
        ctx = app.pipeline_context()
        try:
            stages.index_document(ctx, document_id)
        except Exception as error:
            _fail(ctx, document_id, error)

    def _after_reading(document_id: int) -> None:
        if stages.claim_extraction(app.pipeline_context(), document_id):
            app.tasks[EXTRACT_FACTS].delay(document_id)


def _fail(ctx: PipelineContext, document_id: int, error: BaseException) -> None:
    log.error("document %s failed: %s", document_id, error, exc_info=error)
    stages.record_failure(ctx, document_id, error)


def queue_document(app: Celery, document_id: int) -> Any:
    """Queue a document for processing (from the API or the CLI).

    Raises CasefileError(BROKER_UNAVAILABLE) when the queue cannot be reached; the document
    stays recorded as queued, and a worker's reconciler queues it again later.
    """
    from kombu.exceptions import OperationalError as KombuOperationalError

    try:
        return app.tasks[PROCESS_DOCUMENT].delay(document_id)
    except (KombuOperationalError, ConnectionError, OSError) as error:
        raise CasefileError(BROKER_UNAVAILABLE, f"document {document_id}: {error}") from error
