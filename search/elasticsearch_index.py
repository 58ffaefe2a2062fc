"""``ElasticsearchIndex``: the server backend, through the official ``elasticsearch`` 8.x client.

Searches and writes go through an alias (default ``casefile-pages``) that points at one physical
index ``<alias>-v<schema>-<suffix>``, created with this code's settings and mappings (an index
template holds them too). ``rebuild`` fills a new physical index and swaps the alias atomically, so
a reindex never shows an empty index; pages written by another process while it runs go to the old
index and are lost with it (``casefile check`` reports them).

Opening reads the mappings behind the alias once: an index of an older schema
(``_meta.casefile_schema_version``) is refused as tantivy refuses one (``search.base.outdated_index``),
so queries cost no extra round trip.

Writes are bulk requests with ``refresh`` (default ``wait_for``: a write is searchable when the
call returns, as with tantivy). Client errors are translated into ``CasefileError`` in
``_translate_errors`` and only there. Mappings and queries are built in ``search.elasticsearch_dsl``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

from core.errors import SEARCH_UNAVAILABLE, CasefileError
from search.analysis import analyse
from search.base import (
    FACET_NAMES,
    PageRecord,
    SearchHit,
    SearchQuery,
    SearchResults,
    outdated_index,
)
from search.elasticsearch_dsl import (
    SCHEMA_VERSION,
    build_request,
    index_mappings,
    index_settings,
    index_template,
    to_document,
)
from search.highlight import find_spans, make_snippet
from search.prepare import prepare_page
from search.query_parser import Term
from search.validation import check_query

BULK_CHUNK = 500


class ElasticsearchIndex:
    """A ``SearchIndex`` on an Elasticsearch 8.x cluster; ``index`` names the alias it uses."""

    name = "elasticsearch"
    in_process = False

    def __init__(
        self,
        url: str,
        index: str = "casefile-pages",
        *,
        refresh: bool | str = "wait_for",
        client: Any = None,
        request_timeout_s: float = 10.0,
        for_rebuild: bool = False,
    ) -> None:
        """Connect and make sure the alias exists; see ``search.base.outdated_index`` for an old one.

        ``for_rebuild``: an index of an older schema is accepted, to be replaced by ``rebuild``.
        """
        if client is None:
            from elasticsearch import Elasticsearch  # lazy: optional dependency

            client = Elasticsearch(url, request_timeout=request_timeout_s)
        self._es = client
        self._alias = index  # an alias: the physical index behind it changes on rebuild
        self._refresh = refresh
        self._for_rebuild = for_rebuild
        self._outdated: str | None = None  # what is wrong with an old index opened for a rebuild
        self._closed = False
        with self._translate_errors("open"):
            self._open()

    # -- errors --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _translate_errors(self, action: str) -> Iterator[None]:
        """Map client and transport errors to ``SEARCH_UNAVAILABLE``; re-raise anything else."""
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        try:
            yield
        except (ApiError, TransportError) as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"elasticsearch {action} failed: {e}") from e

    # -- alias and physical indices --------------------------------------------------------------

    def _open(self) -> None:
        """Install the template; create the alias with its first index, or check the schema behind it."""
        self._es.indices.put_index_template(name=f"{self._alias}-template", **_client_kwargs(index_template(self._alias)))
        if not self._es.indices.exists_alias(name=self._alias):
            self._create_first()
            return
        mappings = _body(self._es.indices.get_mapping(index=self._alias))
        found = {physical: body.get("mappings", {}).get("_meta", {}).get("casefile_schema_version")
                 for physical, body in mappings.items()}
        old = {physical: version for physical, version in sorted(found.items()) if version != SCHEMA_VERSION}
        if not old:
            return
        detail = f"elasticsearch alias {self._alias} holds schema {old}, expected {SCHEMA_VERSION}"
        if not self._for_rebuild:
            raise outdated_index(detail)
        self._outdated = detail

    def _create_first(self) -> None:
        """Create the alias's first physical index together with the alias.

        The name is fixed, so two processes opening a new alias at once create one index, not two
        behind one alias (which would refuse every write).
        """
        from elasticsearch import BadRequestError

        first = f"{self._alias}-v{SCHEMA_VERSION}-first"
        try:
            self._es.indices.create(index=first, settings=index_settings(), mappings=index_mappings(),
                                    aliases={self._alias: {}})
        except BadRequestError as e:
            if e.message != "resource_already_exists_exception":
                raise
            # created (with the alias, in the same request) by another process just now
            if not self._es.indices.exists_alias(name=self._alias):
                raise CasefileError(SEARCH_UNAVAILABLE, f"elasticsearch index {first} exists without the "
                                    f"alias {self._alias}: delete it or add the alias") from e

    def _create_physical(self) -> str:
        """Create an empty physical index for ``rebuild``, outside the alias."""
        physical = f"{self._alias}-v{SCHEMA_VERSION}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 10**6}"
        # Mappings given here, not left to the template: an older process may have put its own.
        self._es.indices.create(index=physical, settings=index_settings(), mappings=index_mappings())
        return physical

    def _ready(self) -> None:
        """Refuse use after ``close`` or of an outdated index (no round trip: checked at open)."""
        if self._closed:
            raise CasefileError(SEARCH_UNAVAILABLE, "ElasticsearchIndex used after close()")
        if self._outdated is not None:
            raise outdated_index(self._outdated)

    def physical_indices(self) -> list[str]:
        """Return the physical indices the alias points at (one, except during a swap)."""
        with self._translate_errors("get alias"):
            return sorted(_body(self._es.indices.get_alias(name=self._alias)))

    def rebuild(self, records: Iterable[PageRecord]) -> int:
        """Reindex into a new physical index, swap the alias atomically, drop the old one.

        Works on an outdated index opened ``for_rebuild`` and makes it current.
        """
        if self._closed:
            raise CasefileError(SEARCH_UNAVAILABLE, "ElasticsearchIndex used after close()")
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        with self._translate_errors("rebuild"):
            old = self.physical_indices()
            new = self._create_physical()
            try:
                count = self._bulk(new, records)
                self._es.indices.refresh(index=new)
            except BaseException:
                # a half-filled index outside the alias would only take disk space
                with contextlib.suppress(ApiError, TransportError):
                    self._es.indices.delete(index=new)
                raise
            actions: list[dict[str, Any]] = [{"remove": {"index": o, "alias": self._alias}} for o in old]
            actions.append({"add": {"index": new, "alias": self._alias}})
            self._es.indices.update_aliases(actions=actions)
            for o in old:
                self._es.indices.delete(index=o)
        self._outdated = None
        return count

    def drop(self) -> None:
        """Delete the alias's physical indices and the template (tests and teardown)."""
        with self._translate_errors("drop"):
            for physical in self.physical_indices():
                self._es.indices.delete(index=physical)
            self._es.indices.delete_index_template(name=f"{self._alias}-template")

    # -- writing ---------------------------------------------------------------------------------

    def _bulk(self, target: str, records: Iterable[PageRecord]) -> int:
        """Index ``records`` into ``target`` in chunks; pages the server rejects are an error."""
        from elasticsearch import helpers
        from elasticsearch.helpers import BulkIndexError

        def actions() -> Iterator[dict[str, Any]]:
            for record in records:
                prepared = prepare_page(record)
                yield {"_op_type": "index", "_index": target, "_id": prepared.key, "_source": to_document(prepared)}

        try:
            ok, _ = helpers.bulk(self._es, actions(), chunk_size=BULK_CHUNK, refresh=self._refresh,
                                 raise_on_error=True)
        except BulkIndexError as e:
            raise CasefileError(SEARCH_UNAVAILABLE, f"bulk indexing rejected {len(e.errors)} pages: "
                                f"{e.errors[:3]}") from e
        return int(ok)

    def add_pages(self, records: Iterable[PageRecord]) -> int:
        """Index pages (``_id`` = ``document_id:page``, so re-adding replaces)."""
        self._ready()
        with self._translate_errors("bulk"):
            return self._bulk(self._alias, records)

    def delete_document(self, document_id: int) -> None:
        """Remove every page of ``document_id``."""
        self._delete_by_query({"term": {"document_id": int(document_id)}}, f"document {document_id}")

    def clear(self) -> None:
        """Remove every page."""
        self._delete_by_query({"match_all": {}}, "every page")

    def _delete_by_query(self, query: dict[str, Any], what: str) -> None:
        """Delete what ``query`` matches; pages left behind (failed, or rewritten meanwhile) are an error."""
        self._ready()
        with self._translate_errors("delete"):
            resp = _body(self._es.delete_by_query(index=self._alias, query=query, refresh=True,
                                                  conflicts="proceed"))
        failures, conflicts = resp.get("failures") or [], int(resp.get("version_conflicts") or 0)
        if failures or conflicts:
            raise CasefileError(SEARCH_UNAVAILABLE, f"elasticsearch delete of {what} left pages behind: "
                                f"{conflicts} rewritten meanwhile, failures {failures[:3]}")

    def close(self) -> None:
        """Close the client's connections; later calls raise ``SEARCH_UNAVAILABLE``."""
        self._closed = True
        self._es.close()

    # -- reading ---------------------------------------------------------------------------------

    def document_ids(self) -> set[int]:
        """Every document id, paged through a composite aggregation (any number of documents)."""
        self._ready()
        ids: set[int] = set()
        after: dict[str, Any] | None = None
        with self._translate_errors("document_ids"):
            while True:
                composite: dict[str, Any] = {"size": 10_000, "sources": [{"id": {"terms": {"field": "document_id"}}}]}
                if after:
                    composite["after"] = after
                resp = _body(self._es.search(index=self._alias, size=0, aggs={"ids": {"composite": composite}}))
                agg = resp["aggregations"]["ids"]
                ids.update(int(b["key"]["id"]) for b in agg["buckets"])
                after = agg.get("after_key")
                if not agg["buckets"] or after is None:
                    return ids

    def search(self, query: SearchQuery) -> SearchResults:
        """Run ``query``; see ``SearchIndex.search``."""
        started = time.perf_counter()
        self._ready()
        checked = check_query(query)
        if checked.allowed_ids is not None and not checked.allowed_ids:
            return SearchResults(0, _ms(started), [], {name: {} for name in FACET_NAMES})
        terms = checked.parsed.positive_terms()
        with self._translate_errors("search"):
            resp = _body(self._es.search(index=self._alias, **_client_kwargs(build_request(checked))))
            approximate = False
            if int(resp["hits"]["total"]["value"]) == 0 and any(t.variants for t in terms):
                # No page says it exactly: show the pages one OCR error away, and say so.
                request = build_request(checked, tolerant=True)
                near = _body(self._es.search(index=self._alias, **_client_kwargs(request)))
                if int(near["hits"]["total"]["value"]):
                    resp, approximate = near, True
        hits = [self._hit(h, terms) for h in resp["hits"]["hits"]]
        aggs = resp.get("aggregations", {})
        facets = {name: {str(b["key"]): int(b["doc_count"]) for b in aggs.get(name, {}).get("buckets", [])}
                  for name in FACET_NAMES}
        return SearchResults(int(resp["hits"]["total"]["value"]), _ms(started), hits, facets,
                             approximate=approximate)

    def _hit(self, hit: dict[str, Any], terms: list[Term]) -> SearchHit:
        src = hit["_source"]
        text = src["text"]
        spans = find_spans(analyse(text), terms)
        snippet, snippet_spans = make_snippet(text, spans)
        return SearchHit(
            document_id=int(src["document_id"]),
            case_number=src["case_number"],
            filename=src["filename"],
            page=int(src["page"]),
            score=float(hit.get("_score") or 0.0),
            snippet=snippet,
            snippet_spans=snippet_spans,
            spans=spans,
        )


def _body(response: Any) -> dict[str, Any]:
    """Return the JSON body of a client response (``ObjectApiResponse`` is not a ``dict``)."""
    body = getattr(response, "body", response)
    return dict(body)


_RENAMED = {"from": "from_", "_source": "source", "_meta": "meta"}


def _client_kwargs(body: dict[str, Any]) -> dict[str, Any]:
    """Return a JSON body as keyword arguments of the 8.x client (which renames a few keys)."""
    return {_RENAMED.get(k, k): v for k, v in body.items()}


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
