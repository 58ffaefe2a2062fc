"""Read the pages of many files across processes, as OCRmyPDF's ``--jobs`` does.

``read_files(paths, ...)`` yields ``(path, pages)`` or ``(path, CasefileError)`` per file, in
the order given, each as soon as its last page is read. Pages of all files are shared out over
``jobs`` processes, one page at a time; each process builds the OCR engine (its models) once,
on its first page that needs it, and keeps the file it has open for the next page of the same
file. With ``jobs`` 1, or a single page in all, everything runs in this process.

The pool forks this process before anything here has loaded a model or started a thread pool
(only file types and page counts are read first), so each child starts clean; onnxruntime's
thread pools are not safe to fork.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import EMPTY_FILE, PROCESSING_FAILED, CasefileError, lookup
from ingest.reading import sniff
from ingest.reading.documents import open_document

if TYPE_CHECKING:
    from ingest.reading.base import DocumentReader
    from ingest.reading.types import PageContent


@dataclass(frozen=True)
class ReadOptions:
    """What every process needs to read a page the same way."""

    engine: str
    threads: int = 1
    dpi: int = 200
    max_pages: int = 5000
    max_pixels: int = 120_000_000


def default_jobs() -> int:
    """One process per core this process may use (as OCRmyPDF's default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _media_type(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(sniff.HEAD_BYTES)
    if not head:
        raise CasefileError(EMPTY_FILE, path.name)
    return sniff.sniff_media_type(head, path.name)


def _open(path: Path, media_type: str, options: ReadOptions) -> DocumentReader:
    return open_document(path, media_type, dpi=options.dpi, max_pages=options.max_pages,
                         max_pixels=options.max_pixels)


def _read_one(reader: DocumentReader, number: int, options: ReadOptions) -> PageContent:
    """Page ``number``; the OCR engine is built (its models loaded) only for a page that needs it.

    A digital PDF is read without ever loading the models: ~1.4 CPU-s and ~450 MB a process.
    """
    from ingest.ocr.registry import LazyEngine

    return reader.read_page(number, LazyEngine(options.engine, threads=options.threads))


def _read_here(path: Path, media_type: str, options: ReadOptions) -> list[PageContent]:
    with _open(path, media_type, options) as reader:
        return [_read_one(reader, n, options) for n in range(1, reader.page_count + 1)]


# Per worker process: the options, and the one file it has open.
_options: ReadOptions | None = None
_open_file: tuple[Path, Any] | None = None


def _init_worker(options: ReadOptions) -> None:
    global _options
    _options = options


def _read_page(task: tuple[Path, str, int]) -> PageContent | tuple[str, str, str, str]:
    """Read one page in a worker; a failure comes back as (code, detail, message, hint)."""
    global _open_file
    path, media_type, number = task
    assert _options is not None
    try:
        if _open_file is None or _open_file[0] != path:
            if _open_file is not None:
                _open_file[1].close()
                _open_file = None
            _open_file = (path, _open(path, media_type, _options))
        return _read_one(_open_file[1], number, _options)
    except CasefileError as error:
        return (error.code, error.detail, error.message, error.hint)


def _error(code: str, detail: str, message: str, hint: str) -> CasefileError:
    spec = lookup(code) or PROCESSING_FAILED
    return CasefileError(spec, detail, message=message, hint=hint)


def read_files(
    paths: Sequence[Path], options: ReadOptions, *, jobs: int = 1,
) -> Iterator[tuple[Path, list[PageContent] | CasefileError]]:
    """Each file's pages (or the error that stopped it), in the order of ``paths``."""
    plan: list[tuple[Path, str, int] | tuple[Path, CasefileError]] = []
    for path in paths:
        try:
            media_type = _media_type(path)
            with _open(path, media_type, options) as reader:
                plan.append((path, media_type, reader.page_count))
        except CasefileError as error:
            plan.append((path, error))
        except OSError as error:  # a path that does not exist, a folder, no permission
            plan.append((path, CasefileError(PROCESSING_FAILED, f"{path}: {error}",
                                             message=f"无法读取文件“{path}”：{error.strerror or error}。",
                                             hint="请检查路径是否正确、文件是否存在且可读。")))
    pages_in_all = sum(item[2] for item in plan if len(item) == 3)
    if jobs <= 1 or pages_in_all <= 1:
        for item in plan:
            if len(item) == 2:
                yield item
                continue
            path, media_type, _count = item
            try:
                yield path, _read_here(path, media_type, options)
            except CasefileError as error:
                yield path, error
        return
    tasks = [(item[0], item[1], n) for item in plan if len(item) == 3 for n in range(1, item[2] + 1)]
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(tasks)), initializer=_init_worker, initargs=(options,)) as pool:
        results = pool.imap(_read_page, tasks, chunksize=1)  # in order: a file ends before the next
        for item in plan:
            if len(item) == 2:
                yield item
                continue
            path, _media_type_, count = item
            pages: list[PageContent] = []
            failure: CasefileError | None = None
            for _ in range(count):
                result = next(results)
                if isinstance(result, tuple):
                    failure = failure or _error(*result)
                else:
                    pages.append(result)
            yield path, (failure if failure is not None else pages)
