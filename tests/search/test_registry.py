"""The backend registry: known names open, unknown names and missing settings fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import SEARCH_BACKEND_UNKNOWN, SEARCH_MISCONFIGURED, CasefileError
from search.base import SearchIndex
from search.registry import BackendOptions, backend_names, open_index, register_backend


def test_builtin_backends_are_registered() -> None:
    assert {"tantivy", "elasticsearch"} <= set(backend_names())


def test_open_tantivy(tmp_path: Path) -> None:
    index = open_index("tantivy", index_dir=tmp_path / "ix")
    assert index.name == "tantivy"
    assert isinstance(index, SearchIndex)
    index.close()


def test_unknown_backend() -> None:
    with pytest.raises(CasefileError) as info:
        open_index("solr")
    assert info.value.code == SEARCH_BACKEND_UNKNOWN.code
    assert "solr" in info.value.detail


@pytest.mark.parametrize("backend", ["tantivy", "elasticsearch"])
def test_missing_configuration(backend: str) -> None:
    with pytest.raises(CasefileError) as info:
        open_index(backend)
    assert info.value.code == SEARCH_MISCONFIGURED.code


def test_added_backend_registers_like_builtins(tmp_path: Path) -> None:
    opened: list[BackendOptions] = []

    def factory(options: BackendOptions) -> SearchIndex:
        opened.append(options)
        return open_index("tantivy", index_dir=options.index_dir)

    register_backend("test-extra", factory)
    index = open_index("test-extra", index_dir=tmp_path / "ix", es_index="x")
    assert opened == [BackendOptions(index_dir=tmp_path / "ix", es_index="x")]
    index.close()
