"""TantivyIndex behaviour beyond the shared contract: the per-commit summary cache, rebuilds."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import CasefileError
from search.base import OUTDATED_HINT, PageRecord, SearchQuery
from search.tantivy_index import SCHEMA_VERSION, TantivyIndex
from tests.search.test_tantivy_concurrency import PAGES_PER_BATCH, _pages


def test_paging_reuses_the_summary_until_the_index_changes(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.add_pages(_pages(1) + _pages(2))
    first = index.search(SearchQuery("并发写入", limit=3))
    second = index.search(SearchQuery("并发写入", limit=3, offset=3, sort="date"))
    assert first.total == second.total == 2 * PAGES_PER_BATCH
    assert first.facets == second.facets and len(index._queries) == 1
    first.facets["case_number"].clear()  # a caller mutating its result must not poison the cache
    assert index.search(SearchQuery("并发写入", limit=3)).facets["case_number"]
    other = TantivyIndex(tmp_path / "index")
    other.delete_document(2)  # a commit from elsewhere: new generation, fresh totals
    assert index.search(SearchQuery("并发写入", limit=3)).total == PAGES_PER_BATCH


def test_two_rebuilds_of_an_outdated_index_leave_the_last_ones_pages(tmp_path: Path) -> None:
    TantivyIndex(tmp_path / "index").add_pages(_pages(1))
    (tmp_path / "index" / "current" / "casefile-search.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}))
    first = TantivyIndex(tmp_path / "index", for_rebuild=True)
    second = TantivyIndex(tmp_path / "index", for_rebuild=True)  # both saw the old schema
    first.rebuild(_pages(2))
    second.rebuild(_pages(3))  # finds the index already current: replaces its pages all the same
    assert TantivyIndex(tmp_path / "index").document_ids() == {3}


# -- rebuilds: a new generation beside the one in use, switched to at the end ------------------------


def _generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-"))


def _seen(index: TantivyIndex) -> tuple[set[int], int]:
    return index.document_ids(), index.search(SearchQuery("并发写入测试")).total


def test_a_search_during_a_rebuild_sees_the_whole_previous_index(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", batch_size=2)  # the old in-place rebuild committed midway
    index.add_pages(_pages(1) + _pages(2))
    other = TantivyIndex(tmp_path / "index")  # as another process holds it
    seen: list[tuple[set[int], int]] = []

    def records() -> Iterator[PageRecord]:
        yield from _pages(3)
        seen.extend([_seen(index), _seen(other)])
        yield from _pages(4)

    assert index.rebuild(records()) == 2 * PAGES_PER_BATCH
    assert seen == [({1, 2}, 2 * PAGES_PER_BATCH)] * 2
    assert _seen(index) == _seen(other) == ({3, 4}, 2 * PAGES_PER_BATCH)


def test_an_open_index_follows_a_rebuild_and_writes_to_the_new_generation(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.add_pages(_pages(1))
    other = TantivyIndex(tmp_path / "index")
    assert other.document_ids() == {1}
    index.rebuild(_pages(2) + _pages(3))
    assert other.document_ids() == {2, 3}
    assert other.search(SearchQuery("文件3")).total == PAGES_PER_BATCH  # only in the new build
    other.add_pages(_pages(4))  # its writer follows the switch too
    other.delete_document(2)
    assert index.document_ids() == {3, 4}
    assert TantivyIndex(tmp_path / "index").document_ids() == {3, 4}


def test_a_failed_rebuild_leaves_the_previous_index_in_use(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", batch_size=2)
    index.add_pages(_pages(1))

    def records() -> Iterator[PageRecord]:
        yield from _pages(2)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(records())
    other = TantivyIndex(tmp_path / "index")
    assert _seen(index) == _seen(other) == ({1}, PAGES_PER_BATCH)
    assert len(_generations(tmp_path / "index")) == 1  # the half-built one is gone
    assert index.rebuild(_pages(3)) == PAGES_PER_BATCH
    assert _seen(other) == ({3}, PAGES_PER_BATCH)


def _rebuild_and_die(index_dir: str) -> None:
    """``casefile reindex`` killed halfway (out of memory, kill -9): no cleanup runs."""
    index = TantivyIndex(Path(index_dir), batch_size=2)

    def records() -> Iterator[PageRecord]:
        yield from _pages(2)
        yield from _pages(3)
        os.kill(os.getpid(), signal.SIGKILL)

    index.rebuild(records())


def test_a_killed_rebuild_leaves_the_previous_index_in_use_and_its_leftovers_go_next_time(
    tmp_path: Path,
) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.add_pages(_pages(1))
    ctx = multiprocessing.get_context("spawn")  # tantivy holds threads: never fork it
    killed = ctx.Process(target=_rebuild_and_die, args=(str(tmp_path / "index"),))
    killed.start()
    killed.join(timeout=60)
    assert killed.exitcode == -signal.SIGKILL
    assert _seen(index) == _seen(TantivyIndex(tmp_path / "index")) == ({1}, PAGES_PER_BATCH)
    assert len(_generations(tmp_path / "index")) == 2  # the one in use and the half-built one
    index.rebuild(_pages(4))
    assert _seen(index) == ({4}, PAGES_PER_BATCH)
    assert len(_generations(tmp_path / "index")) == 1


def test_the_previous_generation_goes_once_a_batch_begun_on_it_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.add_pages(_pages(1))
    other = TantivyIndex(tmp_path / "index")  # a worker that began a batch just before the switch
    began, switched = threading.Event(), threading.Event()
    point_to = index._generations.point_to
    monkeypatch.setattr(index._generations, "point_to", lambda generation: (point_to(generation), switched.set()))

    def write() -> None:
        with other._writer() as writer:
            began.set()
            switched.wait(5)
            time.sleep(0.2)  # the rebuild finds the writer still held, and waits
            writer.delete_all_documents()

    worker = threading.Thread(target=write)
    worker.start()
    began.wait(5)
    index.rebuild(_pages(2) + _pages(3))
    worker.join()
    assert switched.is_set() and len(_generations(tmp_path / "index")) == 1
    assert _seen(other) == ({2, 3}, 2 * PAGES_PER_BATCH)  # the batch went to the old one (see catch-up)


def test_the_previous_generation_is_kept_while_another_process_writes_to_it(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", lock_timeout_s=0.2)
    index.add_pages(_pages(1))
    other = TantivyIndex(tmp_path / "index")
    [previous] = _generations(tmp_path / "index")
    with other._writer() as writer:  # a batch that outlasts the rebuild's wait
        index.rebuild(_pages(2))
        writer.delete_all_documents()
    kept = _generations(tmp_path / "index")
    assert previous in kept and len(kept) == 2
    assert _seen(other) == ({2}, PAGES_PER_BATCH)  # the write went to the old one; catch-up redoes it
    index.rebuild(_pages(3))
    assert previous not in _generations(tmp_path / "index")
    assert len(_generations(tmp_path / "index")) == 1


def _flat_index(tmp_path: Path, records: list[PageRecord]) -> Path:
    """An index of the layout before generations: its files right in the index folder."""
    built = TantivyIndex(tmp_path / "built")
    built.add_pages(records)
    built.close()
    shutil.copytree((tmp_path / "built" / "current").resolve(), tmp_path / "index",
                    ignore=shutil.ignore_patterns(".tantivy-*.lock"))
    return tmp_path / "index"


def test_an_index_of_the_flat_layout_is_used_then_rebuilt_into_a_generation(tmp_path: Path) -> None:
    flat = _flat_index(tmp_path, _pages(1))
    index = TantivyIndex(flat)
    other = TantivyIndex(flat)
    assert _seen(index) == ({1}, PAGES_PER_BATCH)
    index.add_pages(_pages(2))
    other.delete_document(1)
    assert _seen(index) == _seen(other) == ({2}, PAGES_PER_BATCH)
    index.rebuild(_pages(3))
    assert _seen(other) == ({3}, PAGES_PER_BATCH)  # a reader of the flat layout follows the switch
    assert not (flat / "meta.json").exists()  # the flat files were the previous generation
    other.add_pages(_pages(4))
    assert TantivyIndex(flat).document_ids() == {3, 4}


def test_an_outdated_index_of_the_flat_layout_is_refused_until_rebuilt(tmp_path: Path) -> None:
    flat = _flat_index(tmp_path, _pages(1))
    (flat / "casefile-search.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}))
    with pytest.raises(CasefileError) as info:
        TantivyIndex(flat)
    assert info.value.hint == OUTDATED_HINT
    index = TantivyIndex(flat, for_rebuild=True)
    assert index.rebuild(_pages(2)) == PAGES_PER_BATCH
    assert _seen(TantivyIndex(flat)) == ({2}, PAGES_PER_BATCH)


def test_the_summary_cache_drops_the_least_recently_used() -> None:
    from search.tantivy_querying import TantivyQueries

    queries = TantivyQueries(None, None, summary_cache_size=2)
    queries._store_summary(("a",), (1, {}))
    queries._store_summary(("b",), (2, {}))
    assert queries._cached_summary(("a",)) == (1, {})  # a read makes "a" the most recent
    queries._store_summary(("c",), (3, {}))
    assert queries._cached_summary(("b",)) is None and len(queries) == 2
    assert queries._cached_summary(("a",)) == (1, {}) and queries._cached_summary(("c",)) == (3, {})
    none_kept = TantivyQueries(None, None, summary_cache_size=0)
    none_kept._store_summary(("a",), (1, {}))
    assert len(none_kept) == 0


def test_the_summary_cache_holds_under_threads() -> None:
    from search.tantivy_querying import TantivyQueries

    queries = TantivyQueries(None, None, summary_cache_size=8)

    def hammer(n: int) -> None:
        for i in range(2000):
            queries._store_summary((n, i % 13), (i, {}))
            queries._cached_summary((n, (i * 7) % 13))

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(queries) == 8


def test_patient_tries_retry_only_a_busy_writer_until_the_timeout() -> None:
    from tenacity import retry_if_exception, retry_if_result

    from search.tantivy_generations import _LOCK_BUSY, _patiently, _writer_busy

    calls: list[float] = []

    def busy_three_times() -> str:
        calls.append(time.monotonic())
        if len(calls) <= 3:
            raise ValueError(_LOCK_BUSY)
        return "writer"

    assert _patiently(5, retry_if_exception(_writer_busy))(busy_three_times) == "writer"
    assert len(calls) == 4 and all(b > a for a, b in zip(calls, calls[1:], strict=False))

    calls.clear()

    def broken() -> str:
        calls.append(time.monotonic())
        raise ValueError("corrupt index")

    with pytest.raises(ValueError, match="corrupt"):
        _patiently(5, retry_if_exception(_writer_busy))(broken)
    assert len(calls) == 1  # not a busy lock: no retry

    started = time.monotonic()

    def still_written() -> list[str]:
        calls.append(time.monotonic())
        return ["gen-1"]

    calls.clear()
    assert _patiently(0.2, retry_if_result(bool))(still_written) == ["gen-1"]  # the last result
    assert 0.2 <= time.monotonic() - started < 2 and len(calls) >= 3
