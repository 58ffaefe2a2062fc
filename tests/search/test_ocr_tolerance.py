"""Issue #6: an OCR'd page is found by a phrase of what it really says (every backend).

Pages below carry the OCR misreadings seen in bench/search/ocr_pages.py (己 read as 已, 梁 as 粱)
and the other kinds a CTC recogniser makes (a character misread, a repeated one dropped, one
added). The query is what the prosecutor remembers: the true text. Near matches are shown only
when no page matches exactly, flagged ``approximate``.
"""

from __future__ import annotations

import pytest

from search.analysis import (
    TOLERANT_MIN_CHARS,
    analyse,
    fold,
    index_streams,
    normalize,
    one_error_variants,
    query_plan,
    variant_tokens,
)
from search.base import PageRecord, SearchIndex, SearchQuery
from search.highlight import find_spans
from search.query_parser import parse_query

TRUE = "被告人梁某某主动投案自首并退还赃款"
OCR_PAGES = {
    1: "经审理查明：被告人粱某某主动投案自首并退还赃款。",  # confusable: folded, found even quoted
    2: "经审理查明：被告人梁某某主动投寨自首并退还赃款。",  # one character misread (案 -> 寨)
    3: "经审理查明：被告人梁某主动投案自首并退还赃款。",  # a repeated character dropped
    4: "经审理查明：被告人梁某某主动投案，自首首并退还赃款。",  # one character added
    5: "经审理查明：被告人梁某某主动到公安机关投案，未退还赃款。",  # really different: no match
    6: "证人张某称，被告人李某某曾向其借款。",  # the two-character name must stay exact
    7: "证人张其称，被告人李某某曾向其借款。",
}


def _records() -> list[PageRecord]:
    return [PageRecord(document_id=n, case_number=f"（2022）粤0101刑初{n}号", filename=f"d{n}.pdf", page=1,
                       text=text) for n, text in OCR_PAGES.items()]


@pytest.fixture
def ocr_index(empty_index: SearchIndex) -> SearchIndex:
    """An index of the OCR'd pages above."""
    empty_index.add_pages(_records())
    return empty_index


def _found(index: SearchIndex, text: str) -> set[int]:
    return {h.document_id for h in index.search(SearchQuery(text, limit=20)).hits}


def _search(index: SearchIndex, text: str) -> tuple[set[int], bool]:
    r = index.search(SearchQuery(text, limit=20))
    return {h.document_id for h in r.hits}, r.approximate


def test_exact_match_first(ocr_index: SearchIndex) -> None:
    assert _search(ocr_index, TRUE) == ({1}, False)  # 粱 is folded to 梁: page 1 says it exactly


def test_without_exact_match_one_ocr_error_is_tolerated(ocr_index: SearchIndex) -> None:
    ocr_index.delete_document(1)
    assert _search(ocr_index, TRUE) == ({2, 3, 4}, True)
    r = ocr_index.search(SearchQuery(TRUE))
    assert r.total == 3 and sum(r.facets["case_number"].values()) == 3  # facets of what is shown


def test_quoted_phrase_is_exact(ocr_index: SearchIndex) -> None:
    ocr_index.delete_document(1)
    assert _search(ocr_index, f'"{TRUE}"') == (set(), False)


def test_nothing_near_either_is_not_approximate(ocr_index: SearchIndex) -> None:
    assert _search(ocr_index, "被害人钱某某报案称其手机被盗") == (set(), False)


def test_two_character_name_stays_exact(ocr_index: SearchIndex) -> None:
    assert _search(ocr_index, "张某") == ({6}, False)
    assert _search(ocr_index, "王某") == (set(), False)


def test_excluded_term_is_exact(ocr_index: SearchIndex) -> None:
    assert _found(ocr_index, f"退还赃款 -{TRUE}") == {2, 3, 4, 5}  # only 1 says it exactly


def test_one_error_match_is_highlighted(ocr_index: SearchIndex) -> None:
    ocr_index.delete_document(1)
    hit = next(h for h in ocr_index.search(SearchQuery(TRUE)).hits if h.document_id == 2)
    text = OCR_PAGES[2]
    assert [text[s:e] for s, e in hit.spans] == ["被告人梁某某主动投寨自首并退还赃款"]


# -- analysis, without an index ---------------------------------------------------------------------


def test_confusables_fold_in_streams_and_compact_text() -> None:
    assert fold("自已粱某") == "自己梁某"
    assert index_streams(normalize("自已")).pairs == index_streams(normalize("自己")).pairs
    assert analyse("自已").compact == "自己" and analyse("自已").text == "自已"  # offsets kept
    assert normalize("自已") == "自已"  # facet values and snippets are not rewritten
    # letters read as digits inside a run: 150mg/100ml read as 150mg/100m1, oppo as 0pp0
    assert index_streams(normalize("100ml oppo")).uni == index_streams(normalize("100m1 0pp0")).uni


def test_only_long_unquoted_words_get_variants() -> None:
    assert parse_query("取保候审").groups[0][0].variants == ()  # a legal term: exact
    assert parse_query("张某").groups[0][0].variants == ()
    assert parse_query(f'"{TRUE}"').groups[0][0].variants == ()
    assert parse_query("44060219850312271X").groups[0][0].variants == ()  # an ID number: exact
    assert len(parse_query("被告人梁某某").groups[0][0].variants) > 0
    assert TOLERANT_MIN_CHARS == len("被告人梁某某")
    assert len(parse_query("挣了300元钱").groups[0][0].variants) > 0  # 7 characters, 5 units
    assert parse_query("2020年3月").groups[0][0].variants == ()  # 7 characters, 4 units: a date


def test_variants_pin_the_gap() -> None:
    plan = query_plan(normalize("甲乙丙丁戊己"))
    assert plan is not None
    phrases = {variant_tokens(v) for v in one_error_variants(plan)}
    # 丙 misread: 甲乙 at 0, then 丁戊 戊己 at 3 and 4 (a slot left for the misread character)
    assert ("pairs", ((0, "甲乙"), (3, "丁戊"), (4, "戊己"))) in phrases
    # 丙 dropped: the slot closes
    assert ("pairs", ((0, "甲乙"), (2, "丁戊"), (3, "戊己"))) in phrases
    # 乙 misread leaves 甲 alone: on unigrams, so 甲 still counts
    assert ("uni", ((0, "甲"), (2, "丙"), (3, "丁"), (4, "戊"), (5, "己"))) in phrases
    # every variant keeps all but one unit: no bag-of-bigrams explosion
    for field, tokens in phrases:
        assert len(tokens) >= (5 if field == "uni" else 3)
    # a term with an ideograph between numbers is found on unigrams, one unit at a time
    dated = query_plan(normalize("2017年4月14日下午"))
    assert dated is not None and dated.field == "uni"
    assert ("uni", ((0, "2017"), (1, "年"), (2, "4"), (3, "月"), (4, "14"), (5, "日"), (6, "下")))\
        in {variant_tokens(v) for v in one_error_variants(dated)}


def test_near_match_highlight_needs_a_near_match() -> None:
    term = parse_query(TRUE).groups[0][0]
    assert find_spans(analyse(OCR_PAGES[5]), [term]) == []
