"""The embedded tantivy backend: an index folder under the data directory, no options of its own."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import SEARCH_MISCONFIGURED, CasefileError
from search.base import BackendSpec, SearchIndex


class TantivyOptions(BaseSettings):
    """None yet; the index lives in the data folder (``CASEFILE_DATA_DIR``/index)."""

    model_config = SettingsConfigDict(env_prefix="CASEFILE_TANTIVY_", extra="forbid")


def open_tantivy(index_dir: Path | None, options: TantivyOptions, for_rebuild: bool) -> SearchIndex:
    """Open (creating if needed) the index in ``index_dir``."""
    if index_dir is None:
        raise CasefileError(SEARCH_MISCONFIGURED, "the tantivy backend needs index_dir")
    from search.tantivy_index import TantivyIndex

    return TantivyIndex(index_dir, for_rebuild=for_rebuild)


BACKENDS = (BackendSpec("tantivy", TantivyOptions, open_tantivy),)
