"""``ElasticsearchIndex`` through the real client against an in-memory cluster (no server).

What a server decides (ranking, analysis) is held to the contract tests when CASEFILE_ES_URL is
set; here: the alias and its physical indices, the schema check, writes, deletes and errors.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from search.base import OUTDATED_HINT, PageRecord, SearchQuery
from search.elasticsearch_dsl import SCHEMA_VERSION, index_mappings
from search.elasticsearch_index import ElasticsearchIndex
from tests.search.fake_elasticsearch import FakeCluster

FIRST = f"cf-pages-v{SCHEMA_VERSION}-first"


def _pages(*document_ids: int) -> list[PageRecord]:
    return [PageRecord(d, "（2020）粤1973刑初123号", f"{d}.pdf", page, f"被告人王某第{d}号文件第{page}页。")
            for d in document_ids for page in (1, 2)]


def test_open_creates_template_and_first_index_with_its_alias() -> None:
    cluster = FakeCluster()
    cluster.open()
    assert cluster.templates["cf-pages-template"]["_meta"] == {"casefile_schema_version": SCHEMA_VERSION}
    assert cluster.aliases == {"cf-pages": {FIRST}}
    assert cluster.indices[FIRST]["mappings"] == index_mappings()
    assert cluster.requests == [("PUT", "/_index_template/cf-pages-template"), ("HEAD", "/_alias/cf-pages"),
                                ("PUT", f"/{FIRST}")]


def test_reopen_reads_the_schema_once_and_a_search_is_one_request() -> None:
    cluster = FakeCluster()
    cluster.open().close()
    cluster.requests.clear()
    index = cluster.open()
    assert ("GET", "/cf-pages/_mapping") in cluster.requests
    cluster.requests.clear()
    index.search(SearchQuery("王某"))
    index.search(SearchQuery("王某"))
    assert cluster.requests == [("POST", "/cf-pages/_search")] * 2


@pytest.mark.parametrize("version", [SCHEMA_VERSION - 1, None], ids=["older", "no-meta"])
def test_index_of_an_older_schema_is_refused_with_the_reindex_hint(version: int | None) -> None:
    """Issue #6: the alias may point at an index an older casefile built."""
    cluster = FakeCluster()
    cluster.open().add_pages(_pages(1))
    cluster.age("cf-pages", version)
    with pytest.raises(CasefileError) as info:
        cluster.open()
    assert info.value.code == SEARCH_UNAVAILABLE.code and info.value.hint == OUTDATED_HINT
    assert f"{FIRST}': {version}" in info.value.detail and f"expected {SCHEMA_VERSION}" in info.value.detail


def test_an_index_opened_for_rebuild_refuses_all_but_rebuild_which_makes_it_current() -> None:
    cluster = FakeCluster()
    cluster.open().add_pages(_pages(1, 2))
    cluster.age("cf-pages", SCHEMA_VERSION - 1)
    index = cluster.open(for_rebuild=True)
    refused: list[Any] = [lambda: index.search(SearchQuery("王某")), lambda: index.add_pages(_pages(3)),
                          lambda: index.delete_document(1), index.document_ids, index.clear]
    for call in refused:
        with pytest.raises(CasefileError) as info:
            call()
        assert info.value.hint == OUTDATED_HINT
    assert cluster.docs("cf-pages").keys() == {"1:1", "1:2", "2:1", "2:2"}  # untouched so far

    assert index.rebuild(_pages(2, 3)) == 4
    [current] = cluster.aliases["cf-pages"]
    assert current != FIRST and FIRST not in cluster.indices
    assert cluster.indices[current]["mappings"]["_meta"] == {"casefile_schema_version": SCHEMA_VERSION}
    assert index.document_ids() == {2, 3}
    assert cluster.open().document_ids() == {2, 3}  # and opens normally again


@pytest.mark.parametrize("failure", ["unreachable", "rejected"])
def test_a_failed_rebuild_leaves_the_alias_and_no_half_filled_index(failure: str) -> None:
    from elastic_transport import ConnectionError as TransportConnectionError

    cluster = FakeCluster()
    index = cluster.open()
    index.add_pages(_pages(1))

    def fail_bulk(method: str, path: str) -> None:
        if path == "/_bulk":
            if failure == "unreachable":
                cluster.fail_with = TransportConnectionError("connection reset")
            else:  # the server refuses a field of the new index's mappings
                [new] = set(cluster.indices) - {FIRST}
                cluster.indices[new]["mappings"]["properties"].pop("words")

    cluster.before_request = fail_bulk
    with pytest.raises(CasefileError) as info:
        index.rebuild(_pages(2))
    assert info.value.code == SEARCH_UNAVAILABLE.code
    assert set(cluster.indices) == {FIRST} and cluster.aliases == {"cf-pages": {FIRST}}
    assert index.document_ids() == {1}


def test_rebuild_does_not_rely_on_the_template() -> None:
    """An older process may have put its own template: the new index carries this code's mappings."""
    cluster = FakeCluster()
    index = cluster.open()
    cluster.templates["cf-pages-template"] = {"index_patterns": ["cf-pages-v*"], "template": {}}
    index.rebuild(_pages(1))
    [current] = cluster.aliases["cf-pages"]
    assert cluster.indices[current]["mappings"] == index_mappings()


def test_two_processes_opening_a_new_alias_share_one_index() -> None:
    cluster = FakeCluster()

    def other_process_first(method: str, path: str) -> None:
        if (method, path) == ("PUT", f"/{FIRST}"):
            cluster.before_request = None
            cluster.open()  # another process creates the alias between our check and our create

    cluster.before_request = other_process_first
    index = cluster.open()
    assert cluster.aliases == {"cf-pages": {FIRST}}
    assert index.add_pages(_pages(1)) == 2  # one index behind the alias: writes work


def test_first_index_without_its_alias_is_reported() -> None:
    cluster = FakeCluster()
    cluster.indices[FIRST] = {"mappings": index_mappings(), "docs": {}}
    with pytest.raises(CasefileError) as info:
        cluster.open()
    assert info.value.code == SEARCH_UNAVAILABLE.code and "without the alias" in info.value.detail


def test_pages_are_replaced_deleted_and_listed_for_drift_checks() -> None:
    cluster = FakeCluster()
    index = cluster.open()
    assert index.add_pages(_pages(1, 2)) == 4
    assert index.add_pages(_pages(2)) == 2  # re-adding replaces
    assert len(cluster.docs("cf-pages")) == 4
    assert index.document_ids() == {1, 2}
    index.delete_document(1)
    index.delete_document(99)  # not indexed: no error
    assert index.document_ids() == {2}
    index.clear()
    assert index.document_ids() == set()


@pytest.mark.parametrize("extra", [{"version_conflicts": 1}, {"failures": [{"cause": "shard failed"}]}])
def test_a_delete_that_leaves_pages_behind_is_an_error(extra: dict[str, Any]) -> None:
    cluster = FakeCluster()
    index = cluster.open()
    index.add_pages(_pages(1))
    cluster.delete_response_extra = extra
    with pytest.raises(CasefileError) as info:
        index.delete_document(1)
    assert info.value.code == SEARCH_UNAVAILABLE.code and "left pages behind" in info.value.detail


def test_rejected_pages_are_search_unavailable() -> None:
    cluster = FakeCluster()
    index = cluster.open()
    cluster.indices[FIRST]["mappings"]["properties"].pop("words")  # the server refuses the field
    with pytest.raises(CasefileError) as info:
        index.add_pages(_pages(1))
    assert info.value.code == SEARCH_UNAVAILABLE.code and "rejected 2 pages" in info.value.detail


def test_search_response_becomes_hits_with_spans() -> None:
    text = "被告人张某醉酒驾驶机动车。"
    cluster = FakeCluster(search_response={
        "hits": {"total": {"value": 1}, "hits": [{"_score": 2.5, "_source": {
            "document_id": 4, "case_number": "X", "filename": "f.pdf", "page": 2, "text": text}}]},
        "aggregations": {"charge": {"buckets": [{"key": "危险驾驶罪", "doc_count": 1}]}},
    })
    r = cluster.open().search(SearchQuery("张某", limit=5, offset=5))
    assert r.total == 1 and r.facets["charge"] == {"危险驾驶罪": 1} and r.facets["year"] == {}
    hit = r.hits[0]
    assert (hit.document_id, hit.page, hit.score) == (4, 2, 2.5)
    assert [text[s:e] for s, e in hit.spans] == ["张某"]
    sent = cluster.searches[-1]  # the JSON the server received, not the client's keyword names
    assert (sent["from"], sent["size"]) == (5, 5) and "document_id" in sent["_source"]


def test_transport_errors_become_search_unavailable() -> None:
    from elastic_transport import ConnectionError as TransportConnectionError

    cluster = FakeCluster()
    index = cluster.open()
    cluster.fail_with = TransportConnectionError("connection refused")
    with pytest.raises(CasefileError) as info:
        index.search(SearchQuery("盗窃"))
    assert info.value.code == SEARCH_UNAVAILABLE.code
    assert isinstance(info.value.__cause__, TransportConnectionError)


def test_other_errors_are_not_swallowed() -> None:
    cluster = FakeCluster()
    index = cluster.open()
    cluster.fail_with = KeyError("bug")
    with pytest.raises(KeyError):
        index.search(SearchQuery("盗窃"))


def test_closed_index_refuses_use() -> None:
    index = FakeCluster().open()
    index.close()
    with pytest.raises(CasefileError) as info:
        index.search(SearchQuery("盗窃"))
    assert info.value.code == SEARCH_UNAVAILABLE.code and "after close" in info.value.detail


def test_open_through_the_registry_passes_for_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    from search import registry

    cluster = FakeCluster()
    cluster.open().add_pages(_pages(1))
    cluster.age("cf-pages", SCHEMA_VERSION - 1)
    real = ElasticsearchIndex.__init__

    def with_fake_client(self: ElasticsearchIndex, url: str, index: str = "casefile-pages", **kw: Any) -> None:
        real(self, url, index, client=cluster.client(), **kw)

    monkeypatch.setattr(ElasticsearchIndex, "__init__", with_fake_client)
    with pytest.raises(CasefileError):
        registry.open_index("elasticsearch", options={"url": "http://fake-es:9200", "index": "cf-pages"})
    index = registry.open_index("elasticsearch", options={"url": "http://fake-es:9200", "index": "cf-pages"},
                                for_rebuild=True)
    assert index.rebuild(_pages(5)) == 2
