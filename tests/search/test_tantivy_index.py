"""TantivyIndex behaviour beyond the shared contract: the per-generation summary cache, rebuilds."""

from __future__ import annotations

from pathlib import Path

from search.base import SearchQuery
from search.tantivy_index import TantivyIndex
from tests.search.test_tantivy_concurrency import PAGES_PER_BATCH, _pages


def test_paging_reuses_the_summary_until_the_index_changes(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.add_pages(_pages(1) + _pages(2))
    first = index.search(SearchQuery("并发写入", limit=3))
    second = index.search(SearchQuery("并发写入", limit=3, offset=3, sort="date"))
    assert first.total == second.total == 2 * PAGES_PER_BATCH
    assert first.facets == second.facets and len(index._summaries) == 1
    first.facets["case_number"].clear()  # a caller mutating its result must not poison the cache
    assert index.search(SearchQuery("并发写入", limit=3)).facets["case_number"]
    other = TantivyIndex(tmp_path / "index")
    other.delete_document(2)  # a commit from elsewhere: new generation, fresh totals
    assert index.search(SearchQuery("并发写入", limit=3)).total == PAGES_PER_BATCH


def test_two_rebuilds_of_an_outdated_index_leave_the_last_ones_pages(tmp_path: Path) -> None:
    import json

    from search.tantivy_index import SCHEMA_VERSION

    TantivyIndex(tmp_path / "index").add_pages(_pages(1))
    (tmp_path / "index" / "casefile-search.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}))
    first = TantivyIndex(tmp_path / "index", for_rebuild=True)
    second = TantivyIndex(tmp_path / "index", for_rebuild=True)  # both saw the old schema
    first.rebuild(_pages(2))
    second.rebuild(_pages(3))  # finds the index already current: replaces its pages all the same
    assert TantivyIndex(tmp_path / "index").document_ids() == {3}
