"""Page images and searchable PDFs for the API: served from the cache, rendered elsewhere.

The API process never renders (issue #16): a page not in the cache yet is rendered by
``ingest.render_job`` in a child process that limits its own address space
(``CASEFILE_WORKER_MEMORY_MB``) and pixels (``CASEFILE_MAX_IMAGE_PIXELS``) as a worker does, and
dies with this process. At most ``CASEFILE_RENDER_PROCESSES`` such children run per server
process; a request waits its turn without holding a thread, and gives up after
``CASEFILE_RENDER_TIMEOUT`` seconds (the child is killed). PDFium, which is not thread-safe, thus
never runs in the threaded server.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from api.state import AppState
from core.errors import (
    RENDER_BUSY,
    RENDER_FAILED,
    RENDER_LIMIT_EXCEEDED,
    CasefileError,
    lookup,
)
from ingest.lifetime import PARENT_PID_ENV
from ingest.page_images import page_image_file, searchable_pdf_file

log = logging.getLogger(__name__)

# pages rendered by one child: the one asked for and the next ones (see page_image)
PREFETCH_PAGES = 3
# where `ingest` is imported from here: the child of a checkout runs the same code whatever its
# working folder (an installed package is found as it is; its folder must not shadow the stdlib)
_CODE_ROOT = str(Path(__file__).resolve().parent.parent)


@dataclass(frozen=True)
class Original:
    """What a render job needs to know of a document (read from the database beforehand)."""

    sha256: str
    media_type: str
    path: Path
    page_count: int


def render_limiter(state: AppState) -> anyio.CapacityLimiter:
    """Render children of this process at once (made on first use, inside the event loop)."""
    if state.renders is None:
        state.renders = anyio.CapacityLimiter(state.settings.render_processes)
    return state.renders


async def page_image(state: AppState, original: Original, number: int) -> Path:
    """The cached PNG of page ``number``, rendered by a limited child first if missing.

    A child started for a page also renders the next few (``PREFETCH_PAGES``) that no other
    child is rendering: a viewer or the review screen's thumbnails ask for them next, and a
    request for a page being rendered waits for that child instead of starting its own.
    """
    path = page_image_file(state.ctx.pages_dir, original.sha256, number)
    if path.exists():
        return path
    key = (original.sha256, number)
    pending = state.rendering.get(key)
    if pending is not None:
        with anyio.move_on_after(state.settings.render_timeout):
            await pending.wait()
        if path.exists():
            return path  # else its child failed on another page: render it alone, with its error
    prefetch = [n for n in range(number + 1, min(number + PREFETCH_PAGES, original.page_count) + 1)
                if (original.sha256, n) not in state.rendering
                and not page_image_file(state.ctx.pages_dir, original.sha256, n).exists()]
    events = {k: anyio.Event() for k in [key] + [(original.sha256, n) for n in prefetch]}
    for k, event in events.items():
        state.rendering.setdefault(k, event)
    try:
        await _run(state, original, {"job": "page", "numbers": [number], "prefetch": prefetch},
                   lambda: path.exists(), state.settings.render_timeout)
    finally:
        for k, event in events.items():
            if state.rendering.get(k) is event:
                del state.rendering[k]
            event.set()
    return path


async def searchable_pdf(
    state: AppState, original: Original, pages: list[dict[str, Any]], outline: Sequence[tuple[str, int]] = (),
) -> Path:
    """The cached searchable PDF of ``pages`` (stored page rows), built by a limited child if missing.

    ``outline``: its bookmarks, (title, page number) each; the cache keeps one file per outline.
    It may render every page first, so it has a worker task's time (``CASEFILE_TASK_TIME_LIMIT``).
    """
    path = searchable_pdf_file(state.ctx.pages_dir, original.sha256, outline)
    if not path.exists():
        timeout = max(state.settings.render_timeout, state.settings.task_time_limit)
        job = {"job": "searchable", "pages": pages, "outline": [list(entry) for entry in outline]}
        await _run(state, original, job, lambda: path.exists(), timeout)
    return path


async def _run(
    state: AppState, original: Original, job: dict[str, Any], done: Callable[[], bool], timeout: float
) -> None:
    settings = state.settings
    job = {
        **job,
        "original": str(original.path), "media_type": original.media_type,
        "sha256": original.sha256, "pages_dir": str(state.ctx.pages_dir),
        "dpi": state.ctx.dpi, "max_pages": state.ctx.max_pages, "max_pixels": state.ctx.max_pixels,
        "memory_mb": settings.worker_memory_mb,
    }
    env = {**os.environ, PARENT_PID_ENV: str(os.getpid())}
    if Path(_CODE_ROOT).name not in ("site-packages", "dist-packages"):  # a checkout, not a wheel
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (_CODE_ROOT, os.environ.get("PYTHONPATH"))))
    started = False
    try:
        with anyio.fail_after(timeout):
            async with render_limiter(state):
                if done():  # another request rendered it while this one waited
                    return
                started = True
                result = await anyio.run_process(
                    [sys.executable, "-m", "ingest.render_job"],
                    input=json.dumps(job, ensure_ascii=False).encode(), check=False, env=env,
                )
    except TimeoutError as error:
        if not started:
            raise CasefileError(RENDER_BUSY, f"waited {timeout} s") from error
        raise CasefileError(RENDER_LIMIT_EXCEEDED, f"{original.sha256}: over {timeout} s") from error
    if result.returncode == 0:
        return
    reported: dict[str, Any] = {}
    try:  # the child's last line; a library may have printed before it
        last = json.loads(result.stdout.decode(errors="replace").strip().splitlines()[-1])
        reported = last if isinstance(last, dict) else {}
    except (ValueError, IndexError):
        pass
    spec = lookup(str(reported.get("code", "")))
    detail = f"{original.sha256} {job['job']}: exit {result.returncode} {reported.get('detail', '')}"
    if spec is not None:
        raise CasefileError(spec, detail)
    log.error("render child failed: %s\n%s", detail, result.stderr.decode(errors="replace")[-4000:])
    # killed by a signal: PDFium aborts when an allocation fails under the memory limit
    raise CasefileError(RENDER_LIMIT_EXCEEDED if result.returncode < 0 else RENDER_FAILED, detail)
