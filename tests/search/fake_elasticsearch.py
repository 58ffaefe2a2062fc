"""An in-memory Elasticsearch behind the real 8.x client, at its transport seam (a node class).

It answers the REST calls ``ElasticsearchIndex`` makes (templates, applied to new indices;
indices, aliases, mappings, strict bulk writes, delete-by-query, refresh, and ``_search`` for the
document-id aggregation) the way a server does, including its errors, so the client builds real requests and parses real responses. Searches
other than the aggregation answer ``FakeCluster.search_response``: ranking is the server's job and
is held to the contract tests against a real server (``CASEFILE_ES_URL``).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node._base import NodeApiResponse

from search.elasticsearch_index import ElasticsearchIndex


@dataclass
class FakeCluster:
    """The server's state, and every request it answered as ``(method, path)``."""

    indices: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"mappings", "docs"}
    aliases: dict[str, set[str]] = field(default_factory=dict)  # alias -> physical indices
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    search_response: dict[str, Any] = field(
        default_factory=lambda: {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}})
    searches: list[dict[str, Any]] = field(default_factory=list)  # bodies of _search requests
    fail_with: Exception | None = None  # raised by the transport for the next request
    delete_response_extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"version_conflicts": 1}
    before_request: Callable[[str, str], None] | None = None  # (method, path): what happens meanwhile

    def client(self) -> Any:
        """A real ``Elasticsearch`` client whose only node is this cluster."""
        from elasticsearch import Elasticsearch

        cluster = self

        class Node(_FakeNode):
            pass

        Node.cluster = cluster
        return Elasticsearch("http://fake-es:9200", node_class=Node, max_retries=0)

    def open(self, alias: str = "cf-pages", **kwargs: Any) -> ElasticsearchIndex:
        return ElasticsearchIndex("http://fake-es:9200", alias, client=self.client(), **kwargs)

    def resolve(self, name: str) -> list[str]:
        """Physical indices named by ``name`` (an alias or an index); 404 if none."""
        if name in self.aliases:
            return sorted(self.aliases[name])
        if name in self.indices:
            return [name]
        raise _Error(404, "index_not_found_exception", f"no such index [{name}]")

    def docs(self, alias: str) -> dict[str, dict[str, Any]]:
        """Every ``_id -> _source`` behind ``alias``."""
        return {i: d for physical in self.resolve(alias) for i, d in self.indices[physical]["docs"].items()}

    def age(self, alias: str, version: int | None) -> None:
        """Mark the physical indices behind ``alias`` as built with schema ``version`` (None: no _meta)."""
        for physical in self.resolve(alias):
            mappings = self.indices[physical]["mappings"]
            mappings.pop("_meta", None)
            if version is not None:
                mappings["_meta"] = {"casefile_schema_version": version}


class _Error(Exception):
    def __init__(self, status: int, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.kind, self.reason = status, kind, reason


class _FakeNode(BaseNode):
    cluster: FakeCluster
    _CLIENT_META_HTTP_CLIENT = ("fake", "1")

    def perform_request(self, method: str, target: str, body: bytes | None = None,
                        headers: HttpHeaders | None = None, request_timeout: Any = None) -> NodeApiResponse:
        url = urlsplit(target)
        path = [unquote(p) for p in url.path.strip("/").split("/") if p]
        self.cluster.requests.append((method, "/" + "/".join(path)))
        if self.cluster.before_request is not None:
            self.cluster.before_request(method, "/" + "/".join(path))
        if self.cluster.fail_with is not None:
            error, self.cluster.fail_with = self.cluster.fail_with, None
            raise error
        try:
            status, answer = _route(self.cluster, method, path, parse_qs(url.query), body or b"")
        except _Error as e:
            status, answer = e.status, {"error": {"type": e.kind, "reason": e.reason,
                                                  "root_cause": [{"type": e.kind, "reason": e.reason}]},
                                        "status": e.status}
        meta = ApiResponseMeta(status=status, http_version="1.1", duration=0.0, node=self.config,
                               headers=HttpHeaders({"x-elastic-product": "Elasticsearch",
                                                    "content-type": "application/json"}))
        return NodeApiResponse(meta, b"" if method == "HEAD" else json.dumps(answer).encode())


def _route(c: FakeCluster, method: str, path: list[str], params: dict[str, list[str]],
           raw: bytes) -> tuple[int, Any]:
    body = json.loads(raw) if raw and not path[-1:] == ["_bulk"] else {}
    match method, path:
        case ("POST" | "PUT"), ["_bulk"]:
            return 200, _bulk(c, raw)
        case "PUT", ["_index_template", name]:
            c.templates[name] = body
            return 200, {"acknowledged": True}
        case "DELETE", ["_index_template", name]:
            c.templates.pop(name, None)
            return 200, {"acknowledged": True}
        case "HEAD", ["_alias", name]:
            return (200 if name in c.aliases else 404), {}
        case "GET", ["_alias", name]:
            if name not in c.aliases:
                raise _Error(404, "aliases_not_found_exception", f"alias [{name}] missing")
            return 200, {physical: {"aliases": {name: {}}} for physical in c.aliases[name]}
        case "PUT", [name]:
            if name in c.indices or name in c.aliases:
                raise _Error(400, "resource_already_exists_exception", f"index [{name}] already exists")
            c.indices[name] = {"mappings": _mappings_for(c, name, body.get("mappings", {})), "docs": {}}
            for alias in body.get("aliases", {}):
                c.aliases.setdefault(alias, set()).add(name)
            return 200, {"acknowledged": True, "index": name}
        case "DELETE", [name]:
            for physical in c.resolve(name):
                del c.indices[physical]
                for members in c.aliases.values():
                    members.discard(physical)
            c.aliases = {a: m for a, m in c.aliases.items() if m}
            return 200, {"acknowledged": True}
        case "POST", ["_aliases"]:
            for action in body["actions"]:
                (kind, spec), = action.items()
                c.resolve(spec["index"])
                if kind == "add":
                    c.aliases.setdefault(spec["alias"], set()).add(spec["index"])
                else:
                    c.aliases.get(spec["alias"], set()).discard(spec["index"])
            c.aliases = {a: m for a, m in c.aliases.items() if m}
            return 200, {"acknowledged": True}
        case "GET", [name, "_mapping"]:
            return 200, {physical: {"mappings": c.indices[physical]["mappings"]} for physical in c.resolve(name)}
        case "POST", [name, "_refresh"]:
            c.resolve(name)
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        case "POST", [name, "_delete_by_query"]:
            return 200, _delete_by_query(c, name, body["query"])
        case "POST", [name, "_search"]:
            c.resolve(name)
            c.searches.append(body)
            return 200, _search(c, name, body)
    raise _Error(400, "fake_unsupported", f"the fake does not answer {method} /{'/'.join(path)} {params}")


def _mappings_for(c: FakeCluster, name: str, requested: dict[str, Any]) -> dict[str, Any]:
    """The matching template of highest priority, overridden by the create request's mappings."""
    matching = [t for t in c.templates.values()
                if any(fnmatch.fnmatchcase(name, pattern) for pattern in t.get("index_patterns", []))]
    template = max(matching, key=lambda t: t.get("priority", 0), default={})
    mappings = json.loads(json.dumps(template.get("template", {}).get("mappings", {})))
    properties = {**mappings.get("properties", {}), **requested.get("properties", {})}
    mappings.update(json.loads(json.dumps(requested)))
    if properties:
        mappings["properties"] = properties
    return dict(mappings)


def _bulk(c: FakeCluster, raw: bytes) -> dict[str, Any]:
    lines = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
    items = []
    for action, source in zip(lines[::2], lines[1::2], strict=True):
        (op, meta), = action.items()
        physical = c.resolve(meta["_index"])
        if len(physical) != 1:
            items.append({op: {"_index": meta["_index"], "_id": meta["_id"], "status": 400, "error": {
                "type": "illegal_argument_exception", "reason": "no write index is defined for alias"}}})
            continue
        unknown = set(source) - set(c.indices[physical[0]]["mappings"].get("properties", {}))
        if unknown:  # the mappings are strict
            items.append({op: {"_index": physical[0], "_id": meta["_id"], "status": 400, "error": {
                "type": "strict_dynamic_mapping_exception", "reason": f"unknown fields {sorted(unknown)}"}}})
            continue
        c.indices[physical[0]]["docs"][meta["_id"]] = source
        items.append({op: {"_index": physical[0], "_id": meta["_id"], "status": 201, "result": "created"}})
    return {"took": 1, "errors": any(next(iter(i.values()))["status"] >= 300 for i in items), "items": items}


def _matches(source: dict[str, Any], query: dict[str, Any]) -> bool:
    if "match_all" in query:
        return True
    (field_name, value), = query["term"].items()
    return bool(source.get(field_name) == value)


def _delete_by_query(c: FakeCluster, name: str, query: dict[str, Any]) -> dict[str, Any]:
    deleted = 0
    for physical in c.resolve(name):
        docs = c.indices[physical]["docs"]
        for key in [k for k, source in docs.items() if _matches(source, query)]:
            del docs[key]
            deleted += 1
    return {"deleted": deleted, "version_conflicts": 0, "failures": [], **c.delete_response_extra}


def _search(c: FakeCluster, name: str, body: dict[str, Any]) -> dict[str, Any]:
    composite = body.get("aggs", {}).get("ids", {}).get("composite")
    if composite is None:
        return c.search_response
    ids = sorted({int(source["document_id"]) for physical in c.resolve(name)
                  for source in c.indices[physical]["docs"].values()})
    after = composite.get("after", {}).get("id")
    page = [i for i in ids if after is None or i > after][: composite["size"]]
    result: dict[str, Any] = {"buckets": [{"key": {"id": i}, "doc_count": 1} for i in page]}
    if page:
        result["after_key"] = {"id": page[-1]}
    return {"hits": {"total": {"value": len(ids)}, "hits": []}, "aggregations": {"ids": result}}

