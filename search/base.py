"""The search contract: what is indexed, what is asked, what comes back, and the backend Protocol.

Every backend (tantivy embedded, Elasticsearch, any added later) implements ``SearchIndex`` and is
held to the same contract tests (``tests/search/test_contract.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic_settings import BaseSettings

from core.errors import SEARCH_UNAVAILABLE, CasefileError


@dataclass
class PageRecord:
    """One page of one document, as indexed; ``(document_id, page)`` identifies it."""

    document_id: int
    case_number: str
    filename: str
    page: int  # 1-based
    text: str  # the page text; spans in hits are offsets into THIS text
    document_type: str | None = None
    agency: str | None = None  # owning agency (for facets/permissions later)
    charges: list[str] = field(default_factory=list)  # facet values from extracted facts
    defendants: list[str] = field(default_factory=list)
    date: str | None = None  # ISO date of the document if known (for range filter/sort)
    # The case's database id: permissions filter on it, never on the (folded) case number, which
    # two agencies may share. 0 = no case: such a page is found only by an unrestricted search.
    case_id: int = 0


@dataclass
class SearchQuery:
    """A full-text query with filters; filters are applied inside the engine's query."""

    text: str
    case_number: str | None = None  # search within the cases of this number
    # Permission filter: the database ids of the cases the user may see; None = no restriction.
    allowed_case_ids: frozenset[int] | None = None
    document_type: str | None = None
    charge: str | None = None
    defendant: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 10
    offset: int = 0


@dataclass
class SearchHit:
    """One matching page; offsets are Python ``str`` indices (code points)."""

    document_id: int
    case_number: str
    filename: str
    page: int
    score: float
    snippet: str  # plain text around the best match (no markup)
    snippet_spans: list[tuple[int, int]]  # highlighted ranges within snippet
    spans: list[tuple[int, int]]  # matched ranges within the page text


@dataclass
class SearchResults:
    """A page of hits, the total over everything the user may see, and facet counts."""

    total: int
    took_ms: float
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]  # {"charge": {...}, ...}, top values per FACET_SIZES
    # True when no page matched exactly and these are the pages one OCR error away from a long
    # unquoted term (see ``search.analysis.one_error_variants``): the UI says so.
    approximate: bool = False


FACET_NAMES: tuple[str, ...] = ("charge", "document_type", "case_number", "year")
# Each facet lists its most frequent values only: the 20 cases with most matching pages (the
# bigger the list, the slower every query: it is counted on every search), 50 of the others.
FACET_SIZES: dict[str, int] = {"charge": 50, "document_type": 50, "case_number": 20, "year": 50}


OUTDATED_HINT = "索引版本已过期：请运行 casefile reindex 重建索引。"


def outdated_index(detail: str) -> CasefileError:
    """The error of every backend for an index built with an older schema than this code's.

    Opening such an index fails with it unless opened for a rebuild (``open_index(..., for_rebuild=True)``),
    and so does every method but ``rebuild`` and ``close`` of an index opened that way.
    """
    return CasefileError(SEARCH_UNAVAILABLE, detail, hint=OUTDATED_HINT)


@runtime_checkable
class SearchIndex(Protocol):
    """A page index. Methods raise ``CasefileError`` (``INVALID_QUERY``, ``SEARCH_UNAVAILABLE``).

    Opening an index built with an older schema raises ``outdated_index`` (see there).
    """

    name: str
    # Whether a search runs in this process with no network round trip (the API then runs it on
    # its event loop; a remote backend's searches go to a worker thread).
    in_process: bool

    def add_pages(self, records: Iterable[PageRecord]) -> int:
        """Index pages; re-adding a ``(document_id, page)`` replaces it. Returns the count added."""
        ...

    def delete_document(self, document_id: int) -> None:
        """Remove every page of a document (no error if it is not indexed)."""
        ...

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a query; totals and facets count only what the filters allow."""
        ...

    def document_ids(self) -> set[int]:
        """Every indexed document id (for drift checks against the database)."""
        ...

    def clear(self) -> None:
        """Remove every page."""
        ...

    def rebuild(self, records: Iterable[PageRecord]) -> int:
        """Replace every page by ``records``, in the current schema; returns the count indexed.

        The only method that works on an index of an older schema opened for a rebuild. Built
        beside the index in use and swapped in at the end: searches meanwhile see the old pages,
        and a rebuild that fails leaves them.
        """
        ...

    def close(self) -> None:
        """Release resources; the object is unusable afterwards."""
        ...


@dataclass(frozen=True)
class BackendSpec:
    """How a backend module in ``search/backends/`` declares a backend: ``BACKENDS = (BackendSpec(...),)``.

    ``options`` is the backend's own settings class (pydantic-settings, its own environment prefix,
    e.g. ``CASEFILE_ES_``); ``open(index_dir, options, for_rebuild)`` opens the index, where
    ``index_dir`` is the data folder's index directory (``None`` if the caller has none) and may
    raise ``CasefileError(SEARCH_MISCONFIGURED)``. The module must be cheap to import: the backend's
    library loads in ``open``.
    """

    name: str
    options: type[BaseSettings]
    open: Callable[[Path | None, Any, bool], SearchIndex]
