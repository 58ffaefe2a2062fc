"""The ``casefile`` command line (see ../shared/CONTRACT.md for the stable interface)."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from core.errors import CasefileError
from core.settings import FALLBACK_AGENCY, Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="casefile 电子卷宗文档智能")
log = logging.getLogger("casefile")


def _plain_settings() -> Settings:
    """The settings, validated, without looking at the plugins they name."""
    try:
        return Settings()
    except ValueError as error:
        typer.echo(f"配置错误：{error}", err=True)
        raise typer.Exit(2) from error


def _settings() -> Settings:
    settings = _plain_settings()
    _check_plugins(settings)
    return settings


def _check_plugins(settings: Settings) -> None:
    from ingest.context import check_plugins

    check_plugins(settings)  # an unknown engine or backend name stops here (main() prints the hint)


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.callback()
def main_options(
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="数据目录（默认 ./data 或 CASEFILE_DATA_DIR）")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """casefile: 上传卷宗、识别每一页、提取案件事实、全文检索。"""
    if data_dir is not None:
        # through the environment so that worker processes we start see the same folder
        os.environ["CASEFILE_DATA_DIR"] = str(data_dir.resolve())
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # jieba logs its dictionary loading at DEBUG on its own handler
    logging.getLogger("jieba").setLevel(logging.INFO if verbose else logging.WARNING)


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="不启动内置处理进程")] = False,
    processes: Annotated[
        int | None, typer.Option("--processes", min=1, max=64, help="服务进程数（默认 CASEFILE_API_PROCESSES）")
    ] = None,
) -> None:
    """Web pages and API; with an embedded pipeline worker unless --no-worker.

    With several processes (``--processes`` or CASEFILE_API_PROCESSES) uvicorn forks them on one
    socket; this process migrates the database, loads the demo and starts the embedded worker
    once, and stops it after the server processes have stopped.
    """
    import uvicorn

    from api.app import create_app
    from api.demo import load_demo_if_empty
    from api.startup import check_bind, report_dependencies
    from api.state import build_state
    from ingest.workers import spawn_worker, stop_worker

    settings = _settings()
    try:
        bind_notice = check_bind(settings, host)
    except ValueError as error:
        typer.echo(f"配置错误：{error}", err=True)
        raise typer.Exit(2) from error
    if bind_notice:
        typer.echo(bind_notice)
    count = processes or settings.api_processes
    report_dependencies(settings)
    state = build_state(settings)
    _report_audit_seal(state.ctx.db)
    if settings.load_demo:
        load_demo_if_empty(state)
    if settings.environment == "production" and settings.default_agency == FALLBACK_AGENCY:
        typer.echo("提示：未设置 CASEFILE_DEFAULT_AGENCY，本单位暂名“本机构”；接收单位看到的发送单位即此名称，"
                   "请设置为单位全称（例如 北京市公安局朝阳分局）。")
    if settings.environment != "production":
        typer.echo(f"开发模式：管理员账号 admin，初始密码为 CASEFILE_ADMIN_PASSWORD（未设置时为 {settings.admin_password}）")
    # beside the API on the same machine, OCR yields the CPU to interactive requests
    worker = None if no_worker else spawn_worker(
        str(settings.resolved_data_dir), nice=settings.embedded_worker_nice
    )
    typer.echo(f"casefile 已启动：http://{host}:{port}  数据目录 {settings.resolved_data_dir}"
               + (f"  服务进程 {count} 个" if count > 1 else ""))
    # Each process holds at most this many connections (idle keep-alive ones included): past it,
    # uvicorn answers 503 rather than running out of file descriptors. Slow request bodies are
    # cut off by the app (api.request_body).
    connections = settings.api_max_connections
    if count == 1:
        if worker is not None:
            state.on_shutdown.append(lambda: stop_worker(worker))
        uvicorn.run(create_app(state=state, serving=True), host=host, port=port, log_level="warning",
                    limit_concurrency=connections, timeout_keep_alive=5)
        return
    # The supervisor returns after SIGTERM/SIGINT once its processes stopped, so the worker is
    # stopped here (a single uvicorn process re-raises the signal instead: see on_shutdown).
    try:
        uvicorn.run("api.app:app_from_environment", factory=True, workers=count,
                    host=host, port=port, log_level="warning",
                    limit_concurrency=connections, timeout_keep_alive=5)
    finally:
        if worker is not None:
            stop_worker(worker)


def _report_audit_seal(db: Any) -> None:
    """Say at start-up where the audit log's checkpoints go, and whether the file is append-only."""
    from models.audit_seal import is_append_only

    seal = db.audit_seal
    if seal is None:
        return
    line = f"审计日志：密钥指纹 {seal.key_id}，检查点文件 {seal.checkpoint_path}"
    if not is_append_only(seal.checkpoint_path):
        line += "（未设置只追加属性：请以 root 运行 chattr +a，并将其复制到另一台机器）"
    typer.echo(line, err=True)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="并行处理进程数")] = None,
    nice: Annotated[
        int | None, typer.Option("--nice", min=0, max=19, help="CPU 优先级（nice，默认 CASEFILE_WORKER_NICE）")
    ] = None,
    starter_recovers: Annotated[bool, typer.Option(
        "--starter-recovers", hidden=True,
        help="the command that started this worker re-queues unfinished documents itself")] = False,
) -> None:
    """A pipeline worker on its own (for scale, or beside `serve --no-worker`)."""
    from ingest.supervise import is_child
    from ingest.worker_process import run_worker_process

    # the supervisor only starts and watches the child, which checks the plugins itself: the
    # ~0.9 s their imports take would delay the child's start (issue #19)
    settings = _settings() if is_child() else _plain_settings()

    def open_pipeline() -> tuple[Any, Any]:
        from api.state import build_state

        state = build_state(settings)
        return state.ctx, state.jobs

    raise typer.Exit(run_worker_process(
        settings, [sys.executable, "-m", "api.cli", *sys.argv[1:]], open_pipeline,
        concurrency=concurrency, nice=nice, starter_recovers=starter_recovers,
    ))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹")],
    case: Annotated[str, typer.Option("--case", help="案号（不存在则新建）")],
    no_wait: Annotated[bool, typer.Option("--no-wait", help="只上传排队，不等待处理完成")] = False,
    agency: Annotated[str | None, typer.Option(
        "--agency", help="案件所属单位（多个单位有同一案号时必填；不存在则新建）")] = None,
) -> None:
    """Files or folders into a case; waits until every document is processed."""
    from ingest.workers import start_worker_if_alone, stop_worker

    settings = _plain_settings()
    # the worker first: its start-up then runs beside this command's own imports and checks
    # (issue #19); a wrong plugin name stops both (the worker's child checks them too)
    worker = None if no_wait else start_worker_if_alone(
        settings.resolved_database_url, str(settings.resolved_data_dir))
    try:
        _check_plugins(settings)
        from api.ingesting import ingest_paths
    except BaseException:
        if worker is not None:
            stop_worker(worker)
        raise
    ok = ingest_paths(settings, paths, case, wait=not no_wait, agency=agency, worker=worker)
    raise typer.Exit(0 if ok else 1)


# Options every command that reads files takes, declared once.
Engine = Annotated[str | None, typer.Option(help="OCR 引擎（默认 ppocr）")]
JsonLines = Annotated[bool, typer.Option("--json", help="每个文件输出一行 JSON")]
Jobs = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="同时读取页面的进程数（默认：每个 CPU 核一个）")]


def _read_each(
    paths: list[Path], engine: str | None, as_json: bool,
    produce: Callable[[Path, list[Any]], dict[str, Any]],
    show: Callable[[dict[str, Any]], None],
    jobs: int | None = None,
) -> None:
    """Read each file (text layer or OCR), turn its pages into one result and print it.

    Pages are read by ``jobs`` processes (default: one per core), models loaded once in each;
    results are printed in the order of ``paths``. Exits 1 if any file could not be read, each
    failure printed with its reason.
    """
    from ingest.reading.pool import ReadOptions, default_jobs, read_files

    settings = _settings()
    options = ReadOptions(engine=engine or settings.ocr_engine, threads=settings.ocr_threads,
                          dpi=settings.render_dpi, max_pages=settings.max_pages,
                          max_pixels=settings.max_image_pixels)
    failed = False
    for path, pages in read_files(paths, options, jobs=jobs or default_jobs()):
        try:
            if isinstance(pages, CasefileError):
                raise pages
            result = produce(path, pages)
        except CasefileError as error:
            failed = True
            _report_error(path, error, as_json)
            continue
        if as_json:
            _emit(result)
        else:
            show(result)
    raise typer.Exit(1 if failed else 0)


@app.command()
def ocr(
    paths: Annotated[list[Path], typer.Argument()],
    as_json: JsonLines = False,
    engine: Engine = None,
    jobs: Jobs = None,
) -> None:
    """Read pages (text layer or OCR) without storing anything."""

    def show(result: dict[str, Any]) -> None:
        for page in result["pages"]:
            typer.echo(f"== {result['path']} 第 {page['number']} 页（{page['source']}）==\n{page['text']}")

    _read_each(paths, engine, as_json,
               lambda path, pages: {"path": str(path), "pages": [p.to_dict() for p in pages]}, show, jobs=jobs)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument()],
    as_json: JsonLines = False,
    engine: Engine = None,
    jobs: Jobs = None,
) -> None:
    """Read and extract the fact sheet without storing anything (a volume: merged per person)."""
    from nlp.catalogue.volume import extract_volume

    _read_each(paths, engine, as_json,
               lambda path, pages: {"path": str(path), **extract_volume(pages)},
               lambda result: typer.echo(json.dumps(result, ensure_ascii=False, indent=2)), jobs=jobs)


def _parse_today(today: str | None) -> date | None:
    if today is None:
        return date.today()
    try:
        return date.fromisoformat(today)
    except ValueError as error:
        typer.echo(f"日期格式错误：{today}（应为 YYYY-MM-DD）", err=True)
        raise typer.Exit(2) from error


@app.command()
def deadlines(
    paths: Annotated[list[Path], typer.Argument()],
    as_json: JsonLines = False,
    today: Annotated[str | None, typer.Option("--today", help="计算剩余天数的基准日（默认今天）")] = None,
    warn_days: Annotated[
        int | None, typer.Option("--warn-days", min=0, max=60,
                                 help="距期满日不足几日时提醒（默认 CASEFILE_DEADLINE_WARN_DAYS）")
    ] = None,
    engine: Engine = None,
    jobs: Jobs = None,
) -> None:
    """The statutory time limits (办案期限) the files' documents let one compute, without storing."""
    from nlp.deadlines.report import deadlines_report

    base = _parse_today(today)
    warn = _settings().deadline_warn_days if warn_days is None else warn_days

    def show(result: dict[str, Any]) -> None:
        typer.echo(f"== {result['path']}")
        for person in result["persons"]:
            typer.echo(f"  {person['name']}")
            for limit in person["limits"]:
                typer.echo(f"    {limit['title']}\t{limit['from']} → {limit['due']}\t{limit['status']}"
                           f"\t{limit['article']}")
                for warning in limit["warnings"]:
                    typer.echo(f"      ！{warning}")

    _read_each(paths, engine, as_json,
               lambda path, pages: {"path": str(path),
                                    **deadlines_report(pages, today=base, warn_days=warn)}, show, jobs=jobs)


@app.command()
def triage(
    paths: Annotated[list[Path], typer.Argument()],
    as_json: JsonLines = False,
    engine: Engine = None,
    jobs: Jobs = None,
) -> None:
    """Fast-track triage (繁简分流): is each file's case a 速裁 or 简易 candidate, and why."""
    from nlp.triage.triage import triage_report

    def show(result: dict[str, Any]) -> None:
        typer.echo(f"== {result['path']}：{result['candidate'] or '不建议快速办理'}")
        for mark, items in (("✓", result["reasons"]), ("✗", result["blocking"])):
            for item in items:
                cited = f"（{item['article']}）" if item["article"] else ""
                typer.echo(f"    {mark} {item['text']}{cited}")

    _read_each(paths, engine, as_json,
               lambda path, pages: {"path": str(path), **triage_report(pages)}, show, jobs=jobs)


@app.command()
def catalogue(
    paths: Annotated[list[Path], typer.Argument()],
    as_json: JsonLines = False,
    engine: Engine = None,
    jobs: Jobs = None,
) -> None:
    """Split each file into the documents it holds (卷内目录), without storing anything."""
    from nlp.catalogue.split import catalogue_pages

    def produce(path: Path, pages: list[Any]) -> dict[str, Any]:
        return {"path": str(path), "pages": len(pages),
                "documents": [d.to_dict() for d in catalogue_pages(pages)]}

    def show(result: dict[str, Any]) -> None:
        typer.echo(f"== {result['path']}（共 {result['pages']} 页）")
        for i, d in enumerate(result["documents"], 1):
            pages = f"{d['first_page']}-{d['last_page']}" if d["last_page"] > d["first_page"] else str(d["first_page"])
            typer.echo(f"  {i}\t{d['title']}\t{d['number'] or ''}\t{d['agency'] or ''}\t{d['date'] or ''}\t{pages}")

    _read_each(paths, engine, as_json, produce, show, jobs=jobs)


@app.command()
def search(
    query: Annotated[str | None, typer.Argument()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    case: Annotated[str | None, typer.Option("--case", help="只在本案中检索")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 10,
    queries: Annotated[Path | None, typer.Option("--queries", help="每行一个检索式的文件")] = None,
) -> None:
    """Full-text search over every page."""
    from api.searching import run_search
    from ingest.context import build_context
    from models.access import operator
    from models.audit import record
    from models.migrate import upgrade
    from search.base import SearchQuery

    settings = _settings()
    if (query is None) == (queries is None):
        typer.echo("请给出一个检索式，或用 --queries 指定检索式文件（二者选一）。", err=True)
        raise typer.Exit(2)
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    ctx = build_context(settings)
    lines = [query] if query is not None else _query_lines(queries)
    failed = False
    actor = operator()
    with ctx.db.session() as session:
        for text in lines:
            try:
                result = run_search(
                    ctx.index(), session, SearchQuery(text=text, case_number=case, limit=limit)
                )
            except CasefileError as error:
                failed = True
                result = {"total": 0, "took_ms": 0.0, "hits": [], "error": error.to_dict()}
            record(ctx.db, actor, "search", outcome="error" if "error" in result else "ok",
                   detail={"q": text[:500], "case": case, "total": result["total"]})
            if queries is not None:
                result = {"query": text, **result}
            if as_json:
                _emit(result)
            else:
                _print_hits(text, result)
    raise typer.Exit(1 if failed and query is not None else 0)


@app.command()
def demo() -> None:
    """Load the demo dossier (a fictional case) and process it."""
    from api.demo import DEMO_CASE, demo_files
    from api.ingesting import ingest_paths
    from ingest.workers import start_worker_if_alone

    settings = _settings()
    worker = start_worker_if_alone(settings.resolved_database_url, str(settings.resolved_data_dir))
    ok = ingest_paths(settings, demo_files(), DEMO_CASE, wait=True, title="演示案件（虚构）", worker=worker)
    raise typer.Exit(0 if ok else 1)


forms_app = typer.Typer(help="受理表单模板")
app.add_typer(forms_app, name="forms")


@forms_app.command("list")
def forms_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The intake form templates and their fields."""
    from nlp.forms import forms_list_json

    forms = forms_list_json()
    if as_json:
        sys.stdout.write(json.dumps(forms, ensure_ascii=False) + "\n")
        return
    for form in forms:
        typer.echo(f"{form['id']}\t{form['title']}（{len(form['fields'])} 项）")


@app.command()
def prefill(
    paths: Annotated[list[Path], typer.Argument()],
    form: Annotated[str, typer.Option("--form", help="表单模板编号（见 casefile forms list）")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    engine: Engine = None,
    jobs: Jobs = None,
) -> None:
    """Read, extract and pre-fill an intake form for each file (a volume: its merged facts), storing nothing."""
    from nlp.catalogue.volume import extract_volume
    from nlp.forms import get_form, prefill_json

    try:
        get_form(form)
    except CasefileError as error:
        typer.echo(f"{error.message} {error.hint}", err=True)
        raise typer.Exit(2) from error

    def show(result: dict[str, Any]) -> None:
        typer.echo(f"== {result['path']}：{result['title']}")
        for field in result["fields"]:
            typer.echo(f"  {field['name']}\t{field['status']}\t{field.get('value')}")

    _read_each(paths, engine, as_json,
               lambda path, pages: prefill_json(form, extract_volume(pages), str(path)), show, jobs=jobs)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database (the source of truth)."""
    from api.state import build_state
    from ingest.reindex import reindex as rebuild

    try:
        documents, pages = rebuild(build_state(_settings()).ctx)
    except CasefileError as error:
        _fail_with(error)
    typer.echo(f"索引已重建：{documents} 个文件，{pages} 页。")


@app.command()
def check() -> None:
    """Report drift between the database and the search index (exit 1 if any)."""
    from api.state import build_state
    from ingest.reindex import check as compare

    try:
        drift = compare(build_state(_settings()).ctx)
    except CasefileError as error:  # e.g. an index of an older schema: the hint says reindex
        _fail_with(error)
    if drift.ok:
        typer.echo("数据库与检索索引一致。")
        return
    if drift.missing:
        typer.echo(f"索引缺少 {len(drift.missing)} 个文件：{drift.missing[:20]}", err=True)
    if drift.stray:
        typer.echo(f"索引中有 {len(drift.stray)} 个数据库里没有的文件：{drift.stray[:20]}", err=True)
    typer.echo("请运行 casefile reindex 重建索引。", err=True)
    raise typer.Exit(1)


def _fail_with(error: CasefileError) -> NoReturn:
    """Print the error's message and next step (its detail goes to the log), exit 1."""
    log.error("%s", error.detail or error.code)
    typer.echo(f"{error.message}{error.hint}", err=True)
    raise typer.Exit(1) from error


users_app = typer.Typer(help="用户管理")
audit_app = typer.Typer(help="审计日志")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="用户名")],
    agency: Annotated[str, typer.Option("--agency", help="所属单位（不存在则新建）")],
    role: Annotated[str, typer.Option("--role", help="clerk / investigator / prosecutor / judge / reviewer / admin")],
    password: Annotated[str, typer.Option("--password", help="至少 10 个字符")],
) -> None:
    """Create a user (and the agency if new)."""
    from api.services.users import create_user
    from api.state import build_state
    from models.access import operator
    from models.audit import record

    state = build_state(_settings())
    try:
        with state.ctx.db.session() as session:
            create_user(session, name, password, agency=agency, role=role)
    except CasefileError as error:
        typer.echo(f"{error.message} {error.hint}", err=True)
        raise typer.Exit(1) from error
    record(state.ctx.db, operator(), "user.create", target=f"user:{name}",
           detail={"agency": agency, "role": role})
    typer.echo(f"已创建用户 {name}（{agency}，{role}）")


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="用户名")],
    password: Annotated[str, typer.Option("--password", help="新密码，至少 10 个字符")],
) -> None:
    """Set a user's password (a forgotten one); every session of the user ends."""
    from api.services.users import set_password

    _change_user(name, "user.password", lambda session, user_id: set_password(session, user_id, password))
    typer.echo(f"已重设用户 {name} 的密码，其所有登录会话均已失效。")


@users_app.command("deactivate")
def users_deactivate(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """Deactivate a user: they can no longer sign in, and every session of theirs ends."""
    from api.services.users import deactivate_user

    _change_user(name, "user.deactivate", deactivate_user)
    typer.echo(f"已停用用户 {name}，其所有登录会话均已失效。")


def _change_user(name: str, action: str, change: Callable[[Any, int], int]) -> None:
    """Apply ``change`` (which returns the sessions it ended) to the user ``name``; audit it."""
    from api.services.users import user_named
    from api.state import build_state
    from models.access import operator
    from models.audit import record

    state = build_state(_settings())
    try:
        with state.ctx.db.session() as session:
            revoked = change(session, user_named(session, name).id)
    except CasefileError as error:
        _fail_with(error)
    record(state.ctx.db, operator(), action, target=f"user:{name}", detail={"sessions_revoked": revoked})


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="结果输出为一行 JSON")] = False,
) -> None:
    """Verify the audit log: the chain, every event's MAC, the head and the checkpoint file.

    Exit 1 at the first sign of tampering (what and where). Reads only: it creates no key, and
    runs with the key the server uses (CASEFILE_AUDIT_KEY or the key file), never the database's.
    """
    from dataclasses import asdict

    from ingest.audit_key import read_key
    from models.audit import verify
    from models.audit_seal import AuditSeal
    from models.db import Database
    from models.migrate import upgrade

    settings = _settings()
    upgrade(settings.resolved_database_url)
    try:
        key = read_key(settings.audit_key, settings.resolved_audit_key_file)
    except CasefileError as error:
        _fail_with(error)
    checkpoints = settings.resolved_audit_checkpoint_file
    if key is None and checkpoints.exists():
        typer.echo(f"审计日志校验失败：审计密钥不存在（{settings.resolved_audit_key_file}，"
                   f"或 CASEFILE_AUDIT_KEY），而检查点文件 {checkpoints} 表明日志已加封。"
                   "请找回原密钥后再校验；不要启动服务生成新密钥。", err=True)
        raise typer.Exit(1)
    seal = AuditSeal(key, checkpoints) if key else None
    db = Database(settings.resolved_database_url)
    try:
        result = verify(db, seal)
    finally:
        db.dispose()
    if as_json:
        _emit(asdict(result))
    elif result.ok:
        sealed = (
            f"第 {result.sealed_from} 条起每条记录的 MAC 校验通过，检查点 {result.checkpoints} 个"
            f"（最近一个在第 {result.last_checkpoint} 条）" if result.sealed_from is not None else "未加密封"
        )
        typer.echo(f"审计日志完整：共 {result.events} 条记录，哈希链校验通过；{sealed}。")
    for note in result.notes:
        typer.echo(f"注意：{note}", err=True)
    if not result.ok:
        where = f"（第 {result.seq} 条）" if result.seq is not None else ""
        typer.echo(f"审计日志校验失败：{result.problem}{where}", err=True)
        raise typer.Exit(1)


def _query_lines(path: Path | None) -> list[str]:
    assert path is not None
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _report_error(path: Path, error: CasefileError, as_json: bool) -> None:
    if as_json:
        _emit({"path": str(path), "error": error.to_dict()})
    else:
        typer.echo(f"{path}: {error.message} {error.hint}", err=True)


def _print_hits(query: str, result: dict[str, Any]) -> None:
    if "error" in result:
        typer.echo(f"「{query}」：{result['error']['message']} {result['error']['hint']}")
        return
    typer.echo(f"「{query}」共 {result['total']} 条（{result['took_ms']} 毫秒）")
    for hit in result["hits"]:
        typer.echo(f"  {hit['case_number']}  {hit['filename']} 第 {hit['page']} 页：{hit['snippet']}")


def main() -> None:
    """Console-script entry point."""
    started = time.monotonic()
    try:
        app()
    except CasefileError as error:  # e.g. at start-up (the audit key): what to do, not a traceback
        log.error("%s", error.detail or error.code)
        sys.stderr.write(f"{error.message}{error.hint}\n")
        from ingest.supervise import EXIT_CONFIG, is_child

        # a worker child that cannot start: its supervisor must not start it again and again
        raise SystemExit(EXIT_CONFIG if is_child() else 1) from error
    finally:
        log.debug("finished in %.1fs", time.monotonic() - started)


if __name__ == "__main__":
    main()
