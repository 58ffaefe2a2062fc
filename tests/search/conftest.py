"""Fixtures: one fresh index per test for every backend in ``BACKENDS``."""

from __future__ import annotations

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


def make_index(backend: str, tmp_path: Path) -> SearchIndex:
    """Open a new empty index of ``backend`` (skips Elasticsearch without a server, saying why)."""
    if backend == "elasticsearch":
        url = os.environ.get("CASEFILE_ES_URL")
        if not url:
            pytest.skip(ES_SKIP_REASON)
        return open_index("elasticsearch", es_url=url, es_index=f"casefile-test-{uuid.uuid4().hex[:12]}")
    return open_index(backend, index_dir=tmp_path / "index")


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
