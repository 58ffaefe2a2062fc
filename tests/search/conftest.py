"""Fixtures: one fresh index per test for every backend in ``BACKENDS``."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.base import SearchIndex
from search.registry import open_index
from tests.search.corpus import corpus

ES_SKIP_REASON = "CASEFILE_ES_URL not set: Elasticsearch contract tests need a server"
BACKENDS = ["tantivy", pytest.param("elasticsearch", marks=pytest.mark.es)]


def make_index(backend: str, tmp_path: Path, *, es_index: str | None = None,
               for_rebuild: bool = False) -> SearchIndex:
    """Open an index of ``backend`` (skips Elasticsearch without a server, saying why).

    A new empty one, unless ``es_index`` names an Elasticsearch alias (or ``tmp_path`` holds a
    tantivy index) opened before.
    """
    if backend == "elasticsearch":
        url = os.environ.get("CASEFILE_ES_URL")
        if not url:
            pytest.skip(ES_SKIP_REASON)
        return open_index("elasticsearch", options={"url": url, "index": es_index or new_es_alias()},
                          for_rebuild=for_rebuild)
    return open_index(backend, index_dir=tmp_path / "index", for_rebuild=for_rebuild)


def new_es_alias() -> str:
    return f"casefile-test-{uuid.uuid4().hex[:12]}"


def age_index(backend: str, tmp_path: Path, es_index: str) -> None:
    """Mark the index opened by ``make_index`` with these arguments as built by an older schema."""
    if backend == "elasticsearch":
        from elasticsearch import Elasticsearch

        from search.elasticsearch_dsl import SCHEMA_VERSION as ES_SCHEMA

        with Elasticsearch(os.environ["CASEFILE_ES_URL"]) as es:
            es.indices.put_mapping(index=es_index, meta={"casefile_schema_version": ES_SCHEMA - 1})
        return
    from search.tantivy_index import SCHEMA_VERSION as TANTIVY_SCHEMA

    (tmp_path / "index" / "current" / "casefile-search.json").write_text(json.dumps({"schema_version": TANTIVY_SCHEMA - 1}))


@pytest.fixture(params=BACKENDS)
def empty_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """Yield an empty index; Elasticsearch test indices are dropped afterwards."""
    index = make_index(request.param, tmp_path)
    yield index
    drop = getattr(index, "drop", None)
    if drop is not None:
        drop()
    index.close()


@pytest.fixture
def index(empty_index: SearchIndex) -> SearchIndex:
    """Return an index holding ``tests.search.corpus.corpus()``."""
    assert empty_index.add_pages(corpus()) == 4
    return empty_index
