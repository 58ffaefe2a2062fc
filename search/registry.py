"""Search backends by name: built-in and added ones register the same way.

``open_index("tantivy", index_dir=...)`` or ``open_index("elasticsearch", es_url=...)``. A factory
may decline missing configuration by raising ``CasefileError(SEARCH_MISCONFIGURED)``; an unknown
name raises ``CasefileError(SEARCH_BACKEND_UNKNOWN)``. Backends are imported only when opened.
An index built with an older schema is refused (``search.base.outdated_index``) unless opened
``for_rebuild``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import SEARCH_BACKEND_UNKNOWN, SEARCH_MISCONFIGURED, CasefileError
from search.base import SearchIndex


@dataclass(frozen=True)
class BackendOptions:
    """Everything ``open_index`` was given; each factory takes what it needs."""

    index_dir: Path | None = None
    es_url: str | None = None
    es_index: str = "casefile-pages"
    for_rebuild: bool = False  # accept an index of an older schema: the caller rebuilds it


BackendFactory = Callable[[BackendOptions], SearchIndex]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``open_index(name, ...)`` call ``factory``; re-registering a name replaces it."""
    _BACKENDS[name] = factory


def backend_names() -> list[str]:
    """Return the registered backend names, sorted."""
    return sorted(_BACKENDS)


def open_index(
    backend: str,
    *,
    index_dir: Path | None = None,
    es_url: str | None = None,
    es_index: str = "casefile-pages",
    for_rebuild: bool = False,
) -> SearchIndex:
    """Open (creating if needed) the index of ``backend``.

    ``for_rebuild``: an index of an older schema is accepted instead of refused; only its
    ``rebuild`` works until that has run (``casefile reindex``).
    """
    factory = _BACKENDS.get(backend)
    if factory is None:
        raise CasefileError(
            SEARCH_BACKEND_UNKNOWN, f"unknown search backend {backend!r}; known: {backend_names()}"
        )
    return factory(BackendOptions(index_dir=index_dir, es_url=es_url, es_index=es_index,
                                  for_rebuild=for_rebuild))


def _open_tantivy(options: BackendOptions) -> SearchIndex:
    if options.index_dir is None:
        raise CasefileError(SEARCH_MISCONFIGURED, "the tantivy backend needs index_dir")
    from search.tantivy_index import TantivyIndex

    return TantivyIndex(options.index_dir, for_rebuild=options.for_rebuild)


def _open_elasticsearch(options: BackendOptions) -> SearchIndex:
    if not options.es_url:
        raise CasefileError(SEARCH_MISCONFIGURED, "the elasticsearch backend needs es_url")
    from search.elasticsearch_index import ElasticsearchIndex

    return ElasticsearchIndex(options.es_url, options.es_index, for_rebuild=options.for_rebuild)


register_backend("tantivy", _open_tantivy)
register_backend("elasticsearch", _open_elasticsearch)
