"""The backend registry: known names open, unknown names and missing settings fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import SEARCH_BACKEND_UNKNOWN, SEARCH_MISCONFIGURED, CasefileError
from search.backends.elasticsearch import ElasticsearchOptions
from search.backends.tantivy import TantivyOptions, open_tantivy
from search.base import BackendSpec, SearchIndex
from search.registry import (
    BACKEND_REGISTRY,
    backend_names,
    backend_options,
    open_index,
    register_backend,
)


def test_builtin_backends_are_registered() -> None:
    assert {"tantivy", "elasticsearch"} <= set(backend_names())


def test_open_tantivy(tmp_path: Path) -> None:
    index = open_index("tantivy", index_dir=tmp_path / "ix")
    assert index.name == "tantivy"
    assert isinstance(index, SearchIndex)
    index.close()


def test_unknown_backend_is_refused_with_the_known_names() -> None:
    with pytest.raises(CasefileError) as info:
        open_index("solr")
    assert info.value.code == SEARCH_BACKEND_UNKNOWN.code
    assert "solr" in info.value.detail and "solr" in info.value.message
    assert "CASEFILE_SEARCH_BACKEND" in info.value.hint
    assert "tantivy" in info.value.hint and "elasticsearch" in info.value.hint


@pytest.mark.parametrize("backend", ["tantivy", "elasticsearch"])
def test_missing_configuration(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEFILE_ES_URL", raising=False)
    with pytest.raises(CasefileError) as info:
        open_index(backend)
    assert info.value.code == SEARCH_MISCONFIGURED.code


def test_elasticsearch_options_come_from_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_ES_URL", "http://es.example:9200")
    monkeypatch.setenv("CASEFILE_ES_INDEX", "pages-a")
    options = backend_options("elasticsearch")
    assert isinstance(options, ElasticsearchOptions)
    assert (options.url, options.index) == ("http://es.example:9200", "pages-a")
    assert backend_options("elasticsearch", {"index": "pages-b"}).index == "pages-b"  # type: ignore[attr-defined]


def test_refused_options_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEFILE_ES_URL", raising=False)
    with pytest.raises(CasefileError) as info:
        backend_options("elasticsearch")
    assert info.value.code == SEARCH_MISCONFIGURED.code
    assert "CASEFILE_ES_URL" in info.value.hint


def test_options_of_another_backend_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        open_index("tantivy", index_dir=tmp_path / "ix", options=ElasticsearchOptions(url="http://x"))


def test_added_backend_registers_like_builtins(tmp_path: Path) -> None:
    opened: list[tuple[Path | None, bool]] = []

    def open_extra(index_dir: Path | None, options: TantivyOptions, for_rebuild: bool) -> SearchIndex:
        opened.append((index_dir, for_rebuild))
        return open_tantivy(index_dir, options, for_rebuild)

    register_backend(BackendSpec("test-extra", TantivyOptions, open_extra))
    try:
        index = open_index("test-extra", index_dir=tmp_path / "ix")
        assert opened == [(tmp_path / "ix", False)]
        index.close()
    finally:
        BACKEND_REGISTRY.unregister("test-extra")
    assert "test-extra" not in backend_names()
