"""The Elasticsearch backend; its options come from ``CASEFILE_ES_URL`` and ``CASEFILE_ES_INDEX``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from search.base import BackendSpec, SearchIndex


class ElasticsearchOptions(BaseSettings):
    """Where the cluster is and which alias holds the pages."""

    model_config = SettingsConfigDict(env_prefix="CASEFILE_ES_", extra="forbid")

    url: str = Field(min_length=1, description="e.g. http://127.0.0.1:9200 (CASEFILE_ES_URL)")
    index: str = Field(default="casefile-pages", description="the alias of the pages (CASEFILE_ES_INDEX)")


def open_elasticsearch(
    index_dir: Path | None, options: ElasticsearchOptions, for_rebuild: bool
) -> SearchIndex:
    """Connect to the cluster at ``options.url`` (the options refuse an empty one)."""
    from search.elasticsearch_index import ElasticsearchIndex

    return ElasticsearchIndex(options.url, options.index, for_rebuild=for_rebuild)


BACKENDS = (BackendSpec("elasticsearch", ElasticsearchOptions, open_elasticsearch),)
