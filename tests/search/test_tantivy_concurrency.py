"""Several processes share one tantivy index directory: writers, a deleter/searcher, a rebuilder."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from search.base import PageRecord, SearchQuery
from search.tantivy_index import TantivyIndex

BATCHES = 15
PAGES_PER_BATCH = 4


def _pages(document_id: int) -> list[PageRecord]:
    return [
        PageRecord(document_id, f"（2023）京01刑初{document_id}号", "w.pdf", page,
                   f"并发写入测试 文件{document_id} 第{page}页")
        for page in range(1, PAGES_PER_BATCH + 1)
    ]


def _write_documents(index_dir: str, first_id: int) -> None:
    index = TantivyIndex(Path(index_dir))
    for document_id in range(first_id, first_id + BATCHES):
        index.add_pages(_pages(document_id))  # one writer acquisition per batch
    index.close()


@pytest.mark.slow
def test_two_writer_processes_and_a_deleting_searcher(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    api = TantivyIndex(index_dir)
    api.add_pages(p for doc in range(1, 6) for p in _pages(doc))  # to be deleted while writers run

    ctx = multiprocessing.get_context("spawn")  # tantivy holds threads: never fork it
    workers = [ctx.Process(target=_write_documents, args=(str(index_dir), base)) for base in (1000, 2000)]
    for w in workers:
        w.start()
    searches = 0
    for doc in range(1, 6):
        api.delete_document(doc)
        api.search(SearchQuery("并发写入"))
        searches += 1
    while any(w.is_alive() for w in workers):
        api.search(SearchQuery("并发写入"))
        searches += 1
        time.sleep(0.01)
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0

    expected = set(range(1000, 1000 + BATCHES)) | set(range(2000, 2000 + BATCHES))
    assert api.document_ids() == expected  # the other processes' commits are visible here
    result = api.search(SearchQuery("并发写入测试", limit=1))
    assert result.total == len(expected) * PAGES_PER_BATCH
    assert api.search(SearchQuery("文件3")).total == 0
    assert searches >= 5


@pytest.mark.slow
def test_writer_processes_carry_on_through_rebuilds(tmp_path: Path) -> None:
    """A batch goes to the generation in use when it starts; a switch meanwhile fails no write."""
    index_dir = tmp_path / "index"
    api = TantivyIndex(index_dir)
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_write_documents, args=(str(index_dir), base)) for base in (1000, 2000)]
    for w in workers:
        w.start()
    rebuilds = 0
    while any(w.is_alive() for w in workers) and rebuilds < 500:
        rebuilds += 1
        api.rebuild(_pages(rebuilds))
        assert rebuilds in api.document_ids()
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert rebuilds > 1
    assert TantivyIndex(index_dir).document_ids() >= {rebuilds}
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")] == [f"gen-{rebuilds + 1}"]


def test_busy_writer_lock_times_out_with_search_unavailable(tmp_path: Path) -> None:
    holder = TantivyIndex(tmp_path / "index")
    blocked = TantivyIndex(tmp_path / "index", lock_timeout_s=0.3)
    with holder._writer():  # holds the directory lock like another process would
        started = time.monotonic()
        with pytest.raises(CasefileError) as info:
            blocked.add_pages(_pages(1))
        assert info.value.code == SEARCH_UNAVAILABLE.code
        assert 0.3 <= time.monotonic() - started < 3
    assert blocked.add_pages(_pages(1)) == PAGES_PER_BATCH  # free again once released


def test_waiting_writer_succeeds_when_the_lock_is_released(tmp_path: Path) -> None:
    import threading

    holder = TantivyIndex(tmp_path / "index")
    waiter = TantivyIndex(tmp_path / "index", lock_timeout_s=10)
    release = threading.Event()

    def hold() -> None:
        with holder._writer():
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.1)
    threading.Timer(0.3, release.set).start()
    assert waiter.add_pages(_pages(7)) == PAGES_PER_BATCH
    t.join()
    assert holder.document_ids() == {7}


def test_closed_index_raises_search_unavailable(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.close()
    with pytest.raises(CasefileError) as info:
        index.search(SearchQuery("盗窃"))
    assert info.value.code == SEARCH_UNAVAILABLE.code
