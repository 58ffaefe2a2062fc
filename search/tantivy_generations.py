"""Generations and locks of a ``TantivyIndex`` folder: which index is in use, and who may touch it.

Layout: the index lives in a generation folder ``gen-<n>/`` (tantivy's files and
``casefile-search.json``, the schema version it was built with) that the symbolic link
``current`` names. A rebuild fills a new generation beside it and then replaces the link
(a new link renamed over the old one: atomic, then the folder is fsynced), so searches in every
process see the whole old index until the new one is complete, and a rebuild that fails or is
killed leaves the old one in use. A link rather than a pointer file, because a searcher then
notices a commit and a switch with the same single ``stat`` of ``current/meta.json``. An index
of the flat layout of earlier versions (the same files right in the index folder, no ``current``)
is used as it is and moves into a generation at its first rebuild.

Concurrency: tantivy allows one writer per generation across processes. A writer is acquired
with backoff while another process holds it. Readers reload before searching when
``current/meta.json`` changed, and reopen the index when it now lies in another generation.
Opening, switching, deleting a generation and acquiring a writer happen under one lock file, so
no process opens or starts writing to a generation being deleted. A replaced generation is
deleted once the batches begun on it before the switch are committed (waited for up to the lock
timeout, else left to the next rebuild). Other processes may still be searching it: that is safe
on Linux (and macOS), where a deleted file stays readable through the mappings already made
(tantivy maps every file of a segment when its reader opens it), and they follow ``current`` at
their next search.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tenacity import (
    Retrying,
    retry_base,
    retry_if_exception,
    retry_if_result,
    stop_after_delay,
    wait_random_exponential,
)

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from core.files import fsync_folder
from search.base import outdated_index
from search.tantivy_schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

_VERSION_FILE = "casefile-search.json"
_CURRENT = "current"  # symbolic link to the generation in use
_GENERATION = "gen-"
_DIRECTORY_LOCK = ".casefile-open.lock"  # the name from before generations: no stray file in old folders
_REBUILD_LOCK = ".casefile-rebuild.lock"
_TRASH = ".casefile-deleting"  # retired generations, moved here under the lock, deleted outside it
_WRITER_LOCK = ".tantivy-writer.lock"  # tantivy holds an flock on it while a writer lives
_LOCK_BUSY = "LockBusy"
_SWITCHED = (-1, -1, -1)  # a signature no stat returns


class Generations:
    """The generation of ``folder`` in use by this process, its tantivy index and its locks.

    ``on_switch`` runs whenever another index object comes into use (after a rebuild, or when
    following another process's switch), so what was derived from the previous one is dropped.
    """

    def __init__(
        self,
        folder: Path,
        tantivy: Any,
        schema: Any,
        *,
        lock_timeout_s: float,
        for_rebuild: bool,
        on_switch: Callable[[], None],
    ) -> None:
        self.folder = folder
        self.lock_timeout_s = lock_timeout_s
        self.generation = folder  # the folder in use: the index folder itself in the flat layout
        self.signature: tuple[int, int, int] | None = None  # of the commit this process last saw
        self._tantivy = tantivy
        self._schema = schema
        self._for_rebuild = for_rebuild
        self._on_switch = on_switch
        self._closed = False
        self._flat = True
        self._index: Any = None
        self._outdated: str | None = None  # what is wrong with an old index opened for a rebuild
        # stat on every search: joined once
        self._link = str(folder / _CURRENT)
        self._link_meta = str(folder / _CURRENT / "meta.json")
        self._flat_meta = str(folder / "meta.json")

    # -- opening -------------------------------------------------------------------------------

    def open(self) -> None:
        """Open the generation in use; a new index gets its first one."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create {self.folder}: {e}") from e
        # Two processes creating the same new index would race on meta.json.
        with self.directory_lock():
            generation = self._current()
            if generation == self.folder and not _holds_flat_index(self.folder):
                generation = self._new_generation()
                index = self._create(generation)
                self.point_to(generation)
                self._use(generation, index)
            else:
                self._open_generation(generation)

    @contextlib.contextmanager
    def directory_lock(self) -> Iterator[None]:
        """Hold the lock under which generations are created, opened, switched and deleted.

        Exclusive across processes and threads (each holder has its own open file). Not reentrant.
        """
        with _locked(self.folder / _DIRECTORY_LOCK):
            yield

    def _current(self) -> Path:
        """The generation ``current`` names, or the index folder itself (the flat layout)."""
        link = self.folder / _CURRENT
        if link.is_symlink():
            return self.folder / os.readlink(link)
        return self.folder

    def _open_generation(self, generation: Path) -> None:
        """Use ``generation`` (holding the directory lock); refuse it if outdated, unless for a rebuild."""
        version_path = generation / _VERSION_FILE
        if version_path.exists():
            found = json.loads(version_path.read_text()).get("schema_version")
            if found != SCHEMA_VERSION:
                detail = f"index at {generation} has schema {found}, expected {SCHEMA_VERSION}"
                if not self._for_rebuild:
                    raise outdated_index(detail)
                self._use(generation, None, outdated=detail)
                return
        try:
            index = self._tantivy.Index(self._schema, path=str(generation), reuse=True)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index at {generation}: {e}") from e
        if not version_path.exists():  # a flat index from before the version was recorded
            version_path.write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
        self._use(generation, index)

    def _use(self, generation: Path, index: Any, *, outdated: str | None = None) -> None:
        if index is not None:
            index.config_reader(reload_policy="Manual")
        self.generation, self._index, self._outdated = generation, index, outdated
        self._flat = generation == self.folder
        self._on_switch()

    def check_open(self) -> None:
        """Raise ``SEARCH_UNAVAILABLE`` after ``close``."""
        if self._closed:
            raise CasefileError(SEARCH_UNAVAILABLE, "TantivyIndex used after close()")

    def live(self) -> Any:
        """The tantivy index in use; raises if closed or if it is outdated (opened for a rebuild)."""
        self.check_open()
        if self._outdated is not None:
            raise outdated_index(self._outdated)
        return self._index

    def close(self) -> None:
        """Drop the index handle; later calls raise ``SEARCH_UNAVAILABLE``."""
        self._closed = True
        self._index = None
        self._outdated = None

    def refresh(self) -> None:
        """Reload if any process committed since we last looked; follow a rebuild's switch."""
        self.check_open()
        signature = self._signature()
        if signature != self.signature:
            with self.directory_lock():  # a replaced generation is deleted only under it
                self._follow()
            self.signature = signature

    def _signature(self) -> tuple[int, int, int]:
        """What changes with every commit and every switch: one stat (two in the flat layout)."""
        if self._flat:
            if os.path.lexists(self._link):
                return _SWITCHED  # a rebuild moved the flat index into a generation
            meta = self._flat_meta
        else:
            meta = self._link_meta  # through the link: after a switch, another file
        try:
            st = os.stat(meta)
        except FileNotFoundError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"{meta} is missing") from e
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _follow(self) -> None:
        """Reload the reader, or reopen at the generation now in use (holding the directory lock)."""
        generation = self._current()
        if generation == self.generation and self._index is not None:
            self._index.reload()
        else:
            self._open_generation(generation)

    # -- writers -------------------------------------------------------------------------------

    def acquire_writer(self, heap_bytes: int) -> Any:
        """The writer of the generation in use; waits with backoff while another process holds it."""
        self.check_open()

        def open_writer() -> Any:
            with self.directory_lock():  # waits outside it between tries: a rebuild may switch
                current = self._current()
                if current != self.generation:  # a rebuild switched since this process last looked
                    self._open_generation(current)
                return self.live().writer(heap_size=heap_bytes, num_threads=1)

        try:
            return _patiently(self.lock_timeout_s, retry_if_exception(_writer_busy))(open_writer)
        except ValueError as e:
            if _writer_busy(e):
                raise CasefileError(
                    SEARCH_UNAVAILABLE, f"index writer busy for {self.lock_timeout_s}s in {self.generation}"
                ) from e
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open index writer: {e}") from e

    # -- rebuilding ----------------------------------------------------------------------------

    def rebuild(self, fill: Callable[[Any], int]) -> int:
        """Fill a new generation with ``fill(index)``, then switch every process to it.

        If ``fill`` raises (or the process dies), the generation in use stays and the half-built
        one is deleted (by the next rebuild, after a kill). A second rebuild of the same folder
        waits for the first. Returns what ``fill`` returned.
        """
        self.check_open()
        with _locked(self.folder / _REBUILD_LOCK):  # the generations it deletes are not another's
            with self.directory_lock():
                self._retire_unused_generations()  # what a killed rebuild, or a busy writer, left
                generation = self._new_generation()
            self._empty_trash()
            try:
                index = self._create(generation)
                count = fill(index)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)  # nothing points at it: only disk space
                raise
            with self.directory_lock():
                self.point_to(generation)
                self._use(generation, index)
            self._drop_replaced()
        return count

    def _new_generation(self) -> Path:
        """Make the folder of a generation numbered after every one there (holding the directory lock).

        A number is used again only after a half-built generation went, which no other process opened.
        """
        numbers = [_generation_number(path) for path in self.folder.iterdir()]
        path = self.folder / f"{_GENERATION}{max([0, *(n for n in numbers if n is not None)]) + 1}"
        try:
            path.mkdir()
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create {path}: {e}") from e
        return path

    def _create(self, generation: Path) -> Any:
        """Create an empty index of this schema in the folder ``generation``."""
        try:
            index = self._tantivy.Index(self._schema, path=str(generation), reuse=False)
        except ValueError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot create an index in {generation}: {e}") from e
        try:
            _write_durably(generation / _VERSION_FILE, json.dumps({"schema_version": SCHEMA_VERSION}))
            fsync_folder(generation)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot record the schema in {generation}: {e}") from e
        return index

    def point_to(self, generation: Path) -> None:
        """Make ``generation`` the one in use, atomically and durably (holding the directory lock)."""
        link = self.folder / f"{_CURRENT}.new"
        try:
            link.unlink(missing_ok=True)  # left by a process killed here
            os.symlink(generation.name, link)  # relative: the index folder may be moved or restored
            os.replace(link, self.folder / _CURRENT)
            fsync_folder(self.folder)
        except OSError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"cannot switch {self.folder} to {generation.name}: {e}") from e

    def _retire_unused_generations(self) -> list[Path]:
        """Move every generation but the one in use to the trash (holding the directory lock).

        Those are a replaced one, one a killed rebuild left half built, and the flat layout's files
        once a generation replaced them. One whose writer a process still holds (a batch it began
        before the switch) stays; those are returned.
        """
        current = self._current()
        trash = self.folder / _TRASH
        kept = [
            path for path in sorted(self.folder.iterdir())
            if _generation_number(path) is not None and path != current
            and not _retire_unless_written(path, [path], trash)
        ]
        flat = [path for path in self.folder.iterdir() if _is_flat_file(path)]
        if flat and current != self.folder and not _retire_unless_written(self.folder, flat, trash):
            kept.append(self.folder)
        return kept

    def _drop_replaced(self) -> None:
        """Delete the generations a switch replaced, once the batches begun on them are committed.

        Waits up to the lock timeout; what is still written to then is left for the next rebuild.
        """
        def retire() -> list[Path]:
            with self.directory_lock():
                return self._retire_unused_generations()

        kept = _patiently(self.lock_timeout_s, retry_if_result(bool))(retire)
        if kept:
            log.warning("index files in %s are still being written to: the next rebuild deletes them",
                        ", ".join(map(str, kept)))
        self._empty_trash()

    def _empty_trash(self) -> None:
        """Delete the retired generations: outside the directory lock, as a large one takes a while."""
        trash = self.folder / _TRASH
        try:
            if trash.exists():
                shutil.rmtree(trash)
        except OSError as e:  # the rebuild itself succeeded: only disk space is at stake
            log.warning("cannot delete %s (%s): the next rebuild tries again", trash, e)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[BinaryIO]:
    """Hold an exclusive flock on ``path`` (created if missing), waiting for it."""
    try:
        lock_file = open(path, "ab")
    except OSError as e:
        raise CasefileError(SEARCH_UNAVAILABLE, f"cannot open the lock file {path}: {e}") from e
    with lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield lock_file


def _generation_number(path: Path) -> int | None:
    """``n`` for a generation folder ``gen-<n>``, else ``None``."""
    number = path.name.removeprefix(_GENERATION)
    if number == path.name or not number.isdigit() or path.is_symlink() or not path.is_dir():
        return None
    return int(number)


def _holds_flat_index(folder: Path) -> bool:
    """Whether ``folder`` holds an index of the layout before generations."""
    return (folder / "meta.json").exists() or (folder / _VERSION_FILE).exists()


def _is_flat_file(path: Path) -> bool:
    """A file of a flat-layout index (tantivy's or the version), not one of the folder's own."""
    return path.is_file() and not path.is_symlink() and path.name not in (_DIRECTORY_LOCK, _REBUILD_LOCK)


def _retire_unless_written(folder: Path, paths: list[Path], trash: Path) -> bool:
    """Move ``paths`` (files, folders) of the index in ``folder`` into ``trash``, unless written to.

    Returns ``False`` when a process holds the index's writer. Holds tantivy's writer lock
    meanwhile, so no writer starts on it while the files go.
    """
    with open(folder / _WRITER_LOCK, "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the flock tantivy takes for a writer
        except BlockingIOError:
            return False
        stamp = time.time_ns()  # the trash may still hold a retired folder of the same name
        try:
            trash.mkdir(exist_ok=True)
            for path in paths:
                os.replace(path, trash / f"{path.name}.{stamp}")
        except OSError as e:  # the rebuild itself succeeded: only disk space is at stake
            log.warning("cannot move index files of %s to %s (%s): the next rebuild tries again", folder, trash, e)
    return True


def _patiently(timeout_s: float, retry: retry_base) -> Retrying:
    """Try at once, then again after ever longer sleeps while ``retry`` says so, until ``timeout_s``.

    The sleeps are jittered (two waiters must not lock-step). When time is up the last try's
    exception is raised again, or its result returned.
    """
    return Retrying(
        stop=stop_after_delay(timeout_s),
        wait=wait_random_exponential(multiplier=0.01, min=0.005, max=0.4),
        retry=retry,
        reraise=True,
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )


def _writer_busy(e: BaseException) -> bool:
    """True for tantivy's "another writer holds the lock" error."""
    return isinstance(e, ValueError) and _LOCK_BUSY in str(e)


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
