"""Elasticsearch index template, documents and queries as plain data (no client, no server).

Analysis choice: Chinese is handled without plugins (no IK, no ICU, no smartcn). Python does
what ES cannot do built-in, exactly as for tantivy: NFKC, traditional→simplified (OpenCC),
lower-case, and joining units so CJK characters touch and everything else is space-separated
(``search.analysis.joined_units``). The ``body`` field then uses the ``standard`` tokenizer
(one token per ideograph, alphanumeric words) with ``cjk_width`` + ``lowercase`` + ``cjk_bigram``:
adjacent ideographs become overlapping bigrams, so a 2-character word such as 张某 is one exact
token and longer words are phrases of bigrams. ``body.uni`` is a unigram subfield (no bigram
filter) for 1-character queries and terms with an isolated ideograph, mirroring the ``uni``
stream of tantivy (``search.analysis.query_plan`` picks the field). ``words`` holds jieba words
(whitespace analyzer) to rank whole-word matches higher; ``ids`` holds ID numbers the page
writes with spaces. Filters and facets use canonical keyword values computed in Python.

OCR tolerance: confusable characters are folded in Python before ES sees the text, as for
tantivy. A term's one-error variants (``Term.variants``) become ``should`` clauses that require
each piece as a phrase; unlike tantivy's, they do not pin the pieces' distance (``match_phrase``
cannot express a gap of exactly one position), so they are a little looser.
"""

from __future__ import annotations

from typing import Any

from search.analysis import is_cjk, joined_units, query_word
from search.base import FACET_SIZES
from search.prepare import PreparedPage
from search.query_parser import Term
from search.validation import MAX_RESULT_WINDOW, CheckedQuery

# 2: OCR-confusable characters folded in body; 3: each page's case id, the permission filter
SCHEMA_VERSION = 3
FACET_FIELDS = {"charge": "charge", "document_type": "document_type", "case_number": "case_key", "year": "year"}
SOURCE_FIELDS = ["document_id", "case_number", "filename", "page", "text"]


def index_settings(shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Return index settings with the analysis chain described in the module docstring."""
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "max_result_window": MAX_RESULT_WINDOW,
        "analysis": {
            "analyzer": {
                "cjk_bigram_text": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "lowercase", "cjk_bigram"],
                },
                "cjk_unigram_text": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "lowercase"],
                },
            },
        },
    }


def index_mappings() -> dict[str, Any]:
    """Strict mappings: an unknown field is an error, not a silently guessed type."""
    keyword = {"type": "keyword"}
    return {
        "dynamic": "strict",
        "_meta": {"casefile_schema_version": SCHEMA_VERSION},
        "properties": {
            "document_id": {"type": "long"},
            "page": {"type": "integer"},
            "case_number": {"type": "keyword", "index": False},
            "case_key": keyword,
            "case_id": {"type": "long"},
            "filename": {"type": "keyword", "index": False},
            "text": {"type": "text", "index": False},  # the original page, for snippets and spans
            "body": {
                "type": "text",
                "analyzer": "cjk_bigram_text",
                "fields": {"uni": {"type": "text", "analyzer": "cjk_unigram_text"}},
            },
            "words": {"type": "text", "analyzer": "whitespace"},
            "ids": keyword,
            "document_type": keyword,
            "agency": keyword,
            "charge": keyword,
            "defendant": keyword,
            "year": keyword,
            "date_ord": {"type": "integer"},
        },
    }


def index_template(alias: str) -> dict[str, Any]:
    """Body of ``PUT _index_template/<alias>-template`` for physical indices ``<alias>-v*``."""
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 500,
        "template": {"settings": index_settings(), "mappings": index_mappings()},
        "_meta": {"casefile_schema_version": SCHEMA_VERSION},
    }


def to_document(prepared: PreparedPage) -> dict[str, Any]:
    """Return the ``_source`` of one page; ``_id`` is ``prepared.key`` so re-adding replaces."""
    r = prepared.record
    doc: dict[str, Any] = {
        "document_id": r.document_id,
        "page": r.page,
        "case_number": r.case_number,
        "case_key": prepared.case_key,
        "case_id": r.case_id,
        "filename": r.filename,
        "text": r.text,
        "body": joined_units(prepared.uni.split(" ")) if prepared.uni else "",
        "words": prepared.words,
        "charge": prepared.charges,
        "defendant": prepared.defendants,
        "date_ord": prepared.date_ord,
    }
    if prepared.ids:
        doc["ids"] = prepared.ids.split(" ")
    if prepared.document_type:
        doc["document_type"] = prepared.document_type
    if prepared.agency:
        doc["agency"] = prepared.agency
    if prepared.date_ord:
        doc["year"] = str(prepared.date_ord // 10000)
    return doc


def term_clause(term: Term, *, tolerant: bool = False) -> dict[str, Any]:
    """Return the clause finding one query term (see ``search.analysis.query_plan``).

    With ``tolerant`` the term's OCR variants match too (the second try of a search that found
    nothing exactly; never for excluded terms).
    """
    plan = term.plan
    field = "body.uni" if plan.field == "uni" else "body"
    clause: dict[str, Any] = {"match_phrase": {field: {"query": joined_units(plan.units)}}}
    alternatives = [clause]
    if plan.id_number is not None:
        alternatives.append({"term": {"ids": plan.id_number}})
    if term.case_key is not None:
        alternatives.append({"term": {"case_key": term.case_key}})
    if len(alternatives) > 1:
        return {"bool": {"should": alternatives, "minimum_should_match": 1}}
    if tolerant and term.variants:
        for variant in term.variants:
            # a lone ideograph is no evidence (and body has no unigrams): the other piece decides
            pieces = [{"match_phrase": {"body": {"query": joined_units(piece)}}}
                      for _offset, piece in variant if len(piece) > 1 or not is_cjk(piece[0])]
            alternatives.append(pieces[0] if len(pieces) == 1 else {"bool": {"must": pieces}})
        clause = {"bool": {"should": alternatives, "minimum_should_match": 1}}
    word = query_word(term.compact)
    if word is None:
        return clause
    return {"bool": {"must": [clause], "should": [{"term": {"words": word}}]}}


def build_query(checked: CheckedQuery, *, tolerant: bool = False) -> dict[str, Any]:
    """Return the ``query`` part: text clauses scored, filters in ``filter`` (never scored, cached)."""
    must = []
    for group in checked.parsed.groups:
        clauses = [term_clause(t, tolerant=tolerant) for t in group]
        must.append(clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}})
    filters: list[dict[str, Any]] = []
    for field, value in (("case_key", checked.case_key), ("document_type", checked.document_type),
                         ("charge", checked.charge), ("defendant", checked.defendant)):
        if value is not None:
            filters.append({"term": {field: value}})
    if checked.allowed_ids is not None:
        filters.append({"terms": {"case_id": sorted(checked.allowed_ids)}})
    if checked.date_from is not None or checked.date_to is not None:
        rng: dict[str, int] = {"gte": checked.date_from if checked.date_from is not None else 1}
        if checked.date_to is not None:
            rng["lte"] = checked.date_to
        filters.append({"range": {"date_ord": rng}})
    query: dict[str, Any] = {"must": must, "filter": filters}
    if checked.parsed.excluded:
        query["must_not"] = [term_clause(t) for t in checked.parsed.excluded]
    return {"bool": query}


def build_request(checked: CheckedQuery, *, tolerant: bool = False) -> dict[str, Any]:
    """Return the whole ``_search`` body: query, page, exact total, sort and facet aggregations."""
    beyond = checked.beyond_window
    body: dict[str, Any] = {
        "query": build_query(checked, tolerant=tolerant),
        "from": 0 if beyond else checked.offset,
        "size": 0 if beyond else checked.limit,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "aggs": {name: {"terms": {"field": field, "size": FACET_SIZES[name]}}
                 for name, field in FACET_FIELDS.items()},
    }
    if checked.sort == "date":
        body["sort"] = [{"date_ord": {"order": "desc"}}, {"document_id": {"order": "asc"}},
                        {"page": {"order": "asc"}}]
    return body
