"""The one typed settings object (environment prefix ``CASEFILE_``), validated at start-up.

Pipeline code never imports this: the entry points (CLI, API, worker) build a ``Settings`` and pass
what each stage needs as arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "development-only-not-secret-published-in-the-source"
PLACEHOLDER_PASSWORD = "casefile-demo"
DEMO_POLICE_AGENCY = "北京市公安局朝阳分局（演示）"
FALLBACK_AGENCY = "本机构"


class Settings(BaseSettings):
    """Every setting of casefile, with safe defaults for the embedded profile."""

    model_config = SettingsConfigDict(env_prefix="CASEFILE_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="originals, database, index, broker")
    database_url: str = Field(default="", description="SQLAlchemy URL; SQLite under data_dir if empty")
    broker_url: str = Field(default="", description="Celery broker; SQLite under data_dir if empty")
    search_backend: Literal["tantivy", "elasticsearch"] = "tantivy"
    es_url: str = Field(default="", description="Elasticsearch URL for the elasticsearch backend")
    es_index: str = "casefile-pages"
    ocr_engine: str = Field(
        default="ppocr",
        description="ppocr (PP-OCRv6 tiny rec, unsure lines read again by small rec), ppocr-small (PP-OCRv6 small rec: most "
        "accurate, ~3x the CPU per page), tesseract, paddleocr, null",
    )
    ocr_threads: int = Field(default=1, ge=1, description="intra-op threads per OCR process")
    ocr_adaptive_detection: bool = Field(
        default=False,
        description="ppocr: detect each page at the smallest size its text allows (up to 960 px) "
        "rather than always at 960 px: ~14% less CPU a page, judgment scans' CER 0.12% -> 0.16% "
        "(docs/BENCHMARKS.md, Detection size)",
    )
    worker_concurrency: int = Field(default=2, ge=1)
    worker_nice: int = Field(
        default=0, ge=0, le=19, description="CPU priority (nice) of `casefile worker`"
    )
    embedded_worker_nice: int = Field(
        default=10, ge=0, le=19,
        description="CPU priority (nice) of the worker `casefile serve` starts beside the API",
    )
    api_processes: int = Field(
        default=1, ge=1, le=64, description="server processes of `casefile serve`"
    )
    api_upload_threads: int = Field(
        default=2, ge=1, le=64,
        description="uploads stored at once per server process; more wait their turn, so that "
        "searches keep their share of the CPU",
    )
    api_max_uploads: int = Field(
        default=32, ge=1, le=4096,
        description="request bodies over 64 KiB received at once per server process; more are "
        "answered 503 at once",
    )
    api_max_connections: int = Field(
        default=1000, ge=16,
        description="connections one server process holds at once (uvicorn's limit_concurrency); "
        "requests beyond are answered 503",
    )
    body_timeout_seconds: float = Field(
        default=30, gt=0,
        description="a request body that sends nothing for this long is cut off (408); also the "
        "grace before body_min_rate applies",
    )
    body_min_rate: int = Field(
        default=8192, ge=0,
        description="bytes per second a request body must average once body_timeout_seconds "
        "have passed waiting for it (0: no minimum)",
    )
    render_dpi: int = Field(default=200, ge=72, le=600)
    render_processes: int = Field(
        default=2, ge=1, le=16,
        description="page images and searchable PDFs rendered at once per server process, each in "
        "a child limited like a worker (CASEFILE_WORKER_MEMORY_MB, CASEFILE_MAX_IMAGE_PIXELS)",
    )
    render_timeout: int = Field(
        default=120, ge=5, description="seconds a page image or searchable PDF may take, waiting included"
    )
    searches_per_user: int = Field(
        default=4, ge=1, le=64,
        description="searches one user may run at once per server process; more answer 429",
    )
    max_upload_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1,
        description="largest file one upload request may carry (the request is cut off beyond)",
    )
    max_pages: int = 5000
    max_image_pixels: int = 120_000_000
    task_time_limit: int = Field(default=900, ge=10, description="seconds one task may run")
    worker_memory_mb: int = Field(
        default=3072, ge=256, description="address-space limit of each worker process"
    )
    worker_recycle_mb: int = Field(
        default=2048, ge=0,
        description="a worker process resident above this after a task is replaced (0: never)",
    )
    environment: Literal["development", "production"] = "development"
    load_demo: bool = Field(default=True, description="load the demo dossier on first start")
    secret_key: str = Field(default=PLACEHOLDER_SECRET, description="signs tokens and sessions")
    admin_password: str = Field(
        default=PLACEHOLDER_PASSWORD, description="password of the first administrator"
    )
    default_agency: str = Field(
        default="",
        description="agency of the first administrator (unset: the demo's police agency in "
        "development, 本机构 in production)",
    )
    token_minutes: int = Field(default=480, ge=5, description="a session ends this long after sign-in")
    lockout_failures: int = Field(
        default=5, ge=1,
        description="sign-in attempts at one user name from one address before each further "
        "attempt must wait (1 minute, doubling up to lockout_minutes)",
    )
    lockout_minutes: int = Field(default=15, ge=1, description="the longest wait between sign-in attempts")
    sign_in_address_failures: int = Field(
        default=30, ge=1, description="failed sign-ins from one address (any user names) before waits begin",
    )
    sign_in_account_failures: int = Field(
        default=100, ge=1, description="failed sign-ins at one user name (from any address) before waits begin",
    )
    sign_in_threads: int = Field(
        default=2, ge=1, le=16,
        description="passwords checked at once per server process (argon2 is slow on purpose)",
    )
    stall_seconds: int = Field(
        default=300, ge=2, description="an unfinished document idle this long is queued again"
    )
    deadline_warn_days: int = Field(
        default=3, ge=0, le=60, description="a running time limit this close to its due date is warned"
    )
    audit_key: str = Field(
        default="", repr=False,
        description="HMAC key of the audit log, at least 32 characters; empty: the key file",
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="the audit key's file, created with mode 0600 at first start when "
        "CASEFILE_AUDIT_KEY is empty (default <data_dir>/audit/audit.key)",
    )
    audit_checkpoint_file: Path | None = Field(
        default=None,
        description="append-only file of signed checkpoints of the audit chain's head, outside "
        "the database (default <data_dir>/audit/checkpoints.log)",
    )
    audit_checkpoint_events: int = Field(
        default=1000, ge=1, description="a checkpoint at least every this many audit events"
    )
    audit_checkpoint_seconds: int = Field(
        default=60, ge=1,
        description="a checkpoint at most this long after an event (also when idle and at exit)",
    )
    audit_append_only: bool = Field(
        default=False,
        description="set the filesystem's append-only flag (chattr +a) on the checkpoint file; "
        "needs root or CAP_LINUX_IMMUTABLE, and the file then cannot be removed until root clears it",
    )

    @model_validator(mode="after")
    def _check_backends(self) -> Settings:
        if self.search_backend == "elasticsearch" and not self.es_url:
            raise ValueError(
                "CASEFILE_SEARCH_BACKEND=elasticsearch needs CASEFILE_ES_URL "
                "(e.g. http://127.0.0.1:9200)"
            )
        if self.audit_key and len(self.audit_key.strip()) < 32:
            raise ValueError(
                "CASEFILE_AUDIT_KEY needs at least 32 characters "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if not self.default_agency.strip():
            # The receiving agency reads this name as the sender's: in development it is the demo
            # dossier's police agency, never a word like 本机构 that names no one.
            self.default_agency = (
                DEMO_POLICE_AGENCY if self.environment == "development" else FALLBACK_AGENCY
            )
        if self.environment == "production":
            if self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "production needs CASEFILE_SECRET_KEY: at least 32 random characters "
                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            if self.admin_password == PLACEHOLDER_PASSWORD or len(self.admin_password) < 12:
                raise ValueError(
                    "production needs CASEFILE_ADMIN_PASSWORD: the first administrator's "
                    "password, at least 12 characters and not the development default"
                )
        return self

    @property
    def resolved_audit_key_file(self) -> Path:
        return (self.audit_key_file or self.resolved_data_dir / "audit" / "audit.key").expanduser().resolve()

    @property
    def resolved_audit_checkpoint_file(self) -> Path:
        path = self.audit_checkpoint_file or self.resolved_data_dir / "audit" / "checkpoints.log"
        return path.expanduser().resolve()

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def originals_dir(self) -> Path:
        return self.resolved_data_dir / "originals"

    @property
    def pages_dir(self) -> Path:
        return self.resolved_data_dir / "pages"

    @property
    def index_dir(self) -> Path:
        return self.resolved_data_dir / "index"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_data_dir / 'casefile.db'}"

    @property
    def resolved_broker_url(self) -> str:
        return self.broker_url or f"sqla+sqlite:///{self.resolved_data_dir / 'broker.db'}"

    @property
    def embedded_broker(self) -> bool:
        return self.resolved_broker_url.startswith("sqla+")

    def ensure_dirs(self) -> None:
        """Create the data folders of the embedded profile."""
        for path in (self.resolved_data_dir, self.originals_dir, self.pages_dir, self.index_dir):
            path.mkdir(parents=True, exist_ok=True)
