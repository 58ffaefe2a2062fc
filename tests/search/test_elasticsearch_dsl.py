"""Elasticsearch mappings, documents and queries checked as data (no client, no server).

``ElasticsearchIndex`` itself is tested in ``test_elasticsearch_index.py`` against an in-memory
cluster; the contract tests run against a real server when CASEFILE_ES_URL is set.
"""

from __future__ import annotations

import json
from typing import Any

from search.base import PageRecord, SearchQuery
from search.elasticsearch_dsl import (
    build_query,
    build_request,
    index_mappings,
    index_settings,
    index_template,
    term_clause,
    to_document,
)
from search.prepare import prepare_page
from search.query_parser import parse_query
from search.validation import MAX_RESULT_WINDOW, check_query


def test_analysis_needs_no_plugins() -> None:
    analysis = index_settings()["analysis"]
    bigram = analysis["analyzer"]["cjk_bigram_text"]
    assert bigram["tokenizer"] == "standard"
    assert bigram["filter"] == ["cjk_width", "lowercase", "cjk_bigram"]
    assert "cjk_bigram" not in analysis["analyzer"]["cjk_unigram_text"]["filter"]
    text = json.dumps(analysis)
    for plugin in ("icu", "ik_", "smartcn", "stconvert", "pinyin"):
        assert plugin not in text


def test_mappings_are_strict_and_complete() -> None:
    m = index_mappings()
    assert m["dynamic"] == "strict"
    props = m["properties"]
    assert props["body"]["fields"]["uni"]["analyzer"] == "cjk_unigram_text"
    assert props["text"]["index"] is False
    for keyword in ("case_key", "charge", "defendant", "document_type", "year", "ids"):
        assert props[keyword]["type"] == "keyword"
    assert props["case_id"]["type"] == "long"  # the permission filter (issue 16)
    template = index_template("casefile-pages")
    assert template["index_patterns"] == ["casefile-pages-v*"]
    assert template["template"]["mappings"] == m


def test_document_carries_normalised_joined_body_and_original_text() -> None:
    text = "被告人王志勤，男。（２０２０）粤1973刑初123号 身份证 440602 19850312 271X 駕駛"
    record = PageRecord(7, "(2020)粤1973刑初123号", "a.pdf", 3, text, charges=["盗窃罪"], date="2020-06-01",
                        case_id=41)
    doc = to_document(prepare_page(record))
    assert doc["text"] == text
    assert doc["body"] == "被告人王志勤男 2020 粤 1973 刑初 123 号身份证 440602 19850312 271x 驾驶"
    assert doc["ids"] == ["44060219850312271x"]
    assert doc["case_key"] == "（2020）粤1973刑初123号" and doc["case_id"] == 41
    assert doc["charge"] == ["盗窃罪"] and doc["year"] == "2020" and doc["date_ord"] == 20200601
    assert set(doc) <= set(index_mappings()["properties"])


def _clause(text: str) -> dict[str, Any]:
    return term_clause(parse_query(text).groups[0][0])


def test_term_clauses_pick_the_field_by_plan() -> None:
    phrase = {"match_phrase": {"body": {"query": "张某"}}}
    clause = _clause("张某")
    assert clause == phrase or clause["bool"]["must"] == [phrase]
    assert _clause("盗窃")["bool"]["should"] == [{"term": {"words": "盗窃"}}]  # whole-word boost
    assert _clause("女") == {"match_phrase": {"body.uni": {"query": "女"}}}
    assert _clause("刑初123号") == {"match_phrase": {"body.uni": {"query": "刑初 123 号"}}}
    assert _clause('"醉酒 駕駛"') == {"match_phrase": {"body": {"query": "醉酒驾驶"}}}


def test_case_number_and_id_clauses_have_alternatives() -> None:
    case = _clause("( 2020 ) 粤 1973 刑初 123 号")
    assert {"term": {"case_key": "（2020）粤1973刑初123号"}} in case["bool"]["should"]
    ident = _clause("440602-1985-0312-271X")
    assert {"term": {"ids": "44060219850312271x"}} in ident["bool"]["should"]
    assert {"match_phrase": {"body": {"query": "44060219850312271x"}}} in ident["bool"]["should"]


def test_long_unquoted_term_also_matches_its_one_error_variants() -> None:
    term = parse_query("被告人梁某某主动").groups[0][0]
    should = term_clause(term, tolerant=True)["bool"]["should"]
    assert should[0] == {"match_phrase": {"body": {"query": "被告人梁某某主动"}}}
    # 人 misread: both pieces must be there; a lone ideograph piece is left to the other one
    assert {"bool": {"must": [{"match_phrase": {"body": {"query": "被告"}}},
                              {"match_phrase": {"body": {"query": "梁某某主动"}}}]}} in should
    assert {"match_phrase": {"body": {"query": "告人梁某某主动"}}} in should
    assert term_clause(term) == should[0]  # the first try is exact
    quoted = parse_query('"被告人梁某某主动"').groups[0][0]
    assert "should" not in json.dumps(term_clause(quoted, tolerant=True))


def test_filters_are_unscored_and_permission_filter_is_the_case_ids() -> None:
    checked = check_query(SearchQuery(
        "盗窃 OR 诈骗 -电动车", allowed_case_ids=frozenset({12, 3}),
        charge="盗窃罪", date_from="2020-01-01"))
    q = build_query(checked)["bool"]
    assert len(q["must"]) == 1 and len(q["must"][0]["bool"]["should"]) == 2
    assert len(q["must_not"]) == 1
    assert {"terms": {"case_id": [3, 12]}} in q["filter"]
    assert {"term": {"charge": "盗窃罪"}} in q["filter"]
    assert {"range": {"date_ord": {"gte": 20200101}}} in q["filter"]


def test_request_pages_sorts_and_facets() -> None:
    body = build_request(check_query(SearchQuery("盗窃", limit=20, offset=40, sort="date")))
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)
    assert body["sort"][0] == {"date_ord": {"order": "desc"}}
    assert set(body["aggs"]) == {"charge", "document_type", "case_number", "year"}
    assert body["aggs"]["case_number"]["terms"]["field"] == "case_key"
    far = build_request(check_query(SearchQuery("盗窃", offset=MAX_RESULT_WINDOW)))
    assert (far["from"], far["size"]) == (0, 0)
