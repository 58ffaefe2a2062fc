"""The search contract: the same cases run against every backend (see conftest ``BACKENDS``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import INVALID_QUERY, SEARCH_UNAVAILABLE, CasefileError
from search.analysis import compact_term, normalize
from search.base import OUTDATED_HINT, PageRecord, SearchIndex, SearchQuery, SearchResults
from tests.search.conftest import BACKENDS, age_index, make_index, new_es_alias
from tests.search.corpus import (
    CASE_SECRET,
    CASE_THEFT,
    DRUNK_ID,
    DRUNK_P1,
    SECRET_ID,
    SECRET_P1,
    THEFT_ID,
    THEFT_P1,
    THEFT_P2,
    corpus,
)

TEXTS = {(1, 1): THEFT_P1, (1, 2): THEFT_P2, (2, 1): DRUNK_P1, (3, 1): SECRET_P1}


def run(index: SearchIndex, text: str, **kw: object) -> SearchResults:
    return index.search(SearchQuery(text, **kw))  # type: ignore[arg-type]


def pages(results: SearchResults) -> set[tuple[int, int]]:
    return {(h.document_id, h.page) for h in results.hits}


def assert_spans_cover(results: SearchResults, term: str) -> None:
    """Every hit highlights ``term``: some ``text[s:e]`` normalises to it."""
    want = compact_term(normalize(term))
    for hit in results.hits:
        text = TEXTS[(hit.document_id, hit.page)]
        found = [compact_term(normalize(text[s:e])) for s, e in hit.spans]
        assert any(want in f for f in found), (hit, found)
        for s, e in hit.snippet_spans:
            assert want in compact_term(normalize(hit.snippet[s:e])) or e - s < len(want)


# -- matching -------------------------------------------------------------------------------------


def test_two_char_name_matches(index: SearchIndex) -> None:
    r = run(index, "张某")
    assert pages(r) == {(2, 1)}
    assert_spans_cover(r, "张某")


def test_three_char_name_and_its_two_char_part(index: SearchIndex) -> None:
    assert pages(run(index, "王志勤")) == {(1, 1), (1, 2)}
    assert pages(run(index, "志勤")) == {(1, 1), (1, 2)}


def test_two_char_word_matches_everywhere(index: SearchIndex) -> None:
    r = run(index, "盗窃")
    assert pages(r) == {(1, 1), (1, 2), (3, 1)}
    assert r.total == 3
    assert_spans_cover(r, "盗窃")


def test_single_character_query(index: SearchIndex) -> None:
    assert pages(run(index, "女")) == {(2, 1)}


def test_unknown_word_finds_nothing(index: SearchIndex) -> None:
    r = run(index, "抢劫")
    assert r.total == 0 and r.hits == []


def test_phrase_with_spaces_matches_contiguous_text(index: SearchIndex) -> None:
    r = run(index, '"醉酒 驾驶 机动车"')
    assert pages(r) == {(2, 1)}
    assert_spans_cover(r, "醉酒驾驶机动车")


def test_phrase_order_matters(index: SearchIndex) -> None:
    assert run(index, '"机动车驾驶醉酒"').total == 0


def test_unbalanced_quote_is_tolerated(index: SearchIndex) -> None:
    assert pages(run(index, '"醉酒驾驶')) == {(2, 1)}


def test_and_is_default(index: SearchIndex) -> None:
    assert pages(run(index, "盗窃 电动车")) == {(1, 1)}
    assert pages(run(index, "盗窃 AND 电动车")) == {(1, 1)}


def test_or(index: SearchIndex) -> None:
    assert pages(run(index, "电动车 OR 机动车")) == {(1, 1), (2, 1)}
    assert pages(run(index, "被告人 电动车 OR 手机")) == {(1, 1), (3, 1)}


def test_not_and_minus(index: SearchIndex) -> None:
    assert pages(run(index, "盗窃 NOT 王志勤")) == {(3, 1)}
    assert pages(run(index, "盗窃 -王志勤")) == {(3, 1)}
    assert pages(run(index, '盗窃 -"认罪 认罚"')) == {(1, 1), (3, 1)}


def test_traditional_query_finds_simplified_text(index: SearchIndex) -> None:
    r = run(index, "醉酒駕駛機動車")
    assert pages(r) == {(2, 1)}
    assert_spans_cover(r, "醉酒驾驶机动车")


def test_simplified_query_finds_traditional_text(empty_index: SearchIndex) -> None:
    empty_index.add_pages([PageRecord(9, "X1", "t.pdf", 1, "被告人陳某駕駛車輛逃逸。")])
    assert pages(run(empty_index, "驾驶车辆")) == {(9, 1)}


def test_full_width_digits_and_letters_fold(index: SearchIndex) -> None:
    r = run(index, "150mg")
    assert pages(r) == {(2, 1)}
    hit = r.hits[0]
    assert any(DRUNK_P1[s:e] == "１５０ｍｇ" for s, e in hit.spans)
    assert pages(run(index, "１５０ＭＧ")) == {(2, 1)}


@pytest.mark.parametrize(
    "written",
    ["44060219850312271X", "44060219850312271x", "440602 19850312 271X", "440602-1985-0312-271X",
     "４４０６０２１９８５０３１２２７１Ｘ"],
)
def test_id_number_found_whatever_its_formatting(index: SearchIndex, written: str) -> None:
    r = run(index, written)
    assert pages(r) == {(1, 1)}
    assert_spans_cover(r, "44060219850312271x")


def test_id_number_written_with_spaces_in_text(empty_index: SearchIndex) -> None:
    empty_index.add_pages([PageRecord(8, "X2", "id.pdf", 1, "身份证：440602 19850312 271X。")])
    assert pages(run(empty_index, "44060219850312271X")) == {(8, 1)}


@pytest.mark.parametrize(
    "written",
    ["（2020）粤1973刑初123号", "(2020)粤1973刑初123号", "( 2020 ) 粤 1973 刑初 123 号",
     "〔2020〕粤1973刑初123号", "（２０２０）粤１９７３刑初１２３号"],
)
def test_case_number_found_whatever_its_formatting(index: SearchIndex, written: str) -> None:
    r = run(index, written)
    assert pages(r) == {(1, 1), (1, 2)}  # page 2 lacks it in text but is filed under it
    p1 = next(h for h in r.hits if h.page == 1)
    assert_spans_cover(SearchResults(1, 0, [p1], {}), "2020粤1973刑初123号")


# -- filters, facets, sorting ---------------------------------------------------------------------


def test_filters(index: SearchIndex) -> None:
    assert pages(run(index, "盗窃", case_number=CASE_THEFT)) == {(1, 1), (1, 2)}
    assert pages(run(index, "盗窃", case_number="(2020) 粤1973刑初123号")) == {(1, 1), (1, 2)}
    assert pages(run(index, "被告人", document_type="判决书")) == {(2, 1), (3, 1)}
    assert pages(run(index, "被告人", charge="诈骗罪")) == {(3, 1)}
    assert pages(run(index, "被告人", defendant="张某")) == {(2, 1)}
    assert pages(run(index, "被告人", date_from="2020-01-01")) == {(1, 1), (1, 2), (2, 1)}
    assert pages(run(index, "被告人", date_to="2020-06-01")) == {(1, 1), (1, 2), (3, 1)}
    assert pages(run(index, "被告人", date_from="2020-06-02", date_to="2021-12-31")) == {(2, 1)}


def test_facets_count_the_filtered_result_set(index: SearchIndex) -> None:
    r = run(index, "盗窃")
    assert r.facets["charge"] == {"盗窃罪": 3, "诈骗罪": 1}
    assert r.facets["document_type"] == {"起诉书": 2, "判决书": 1}
    assert r.facets["case_number"] == {CASE_THEFT: 2, "（2019）沪0115刑初88号": 1}
    assert r.facets["year"] == {"2020": 2, "2019": 1}
    r = run(index, "盗窃", document_type="判决书")
    assert r.facets["charge"] == {"盗窃罪": 1, "诈骗罪": 1}


def test_sort_by_date_newest_first(index: SearchIndex) -> None:
    r = run(index, "被告人", sort="date")
    assert [h.document_id for h in r.hits] == [2, 1, 1, 3]


def test_relevance_scores_descend(index: SearchIndex) -> None:
    scores = [h.score for h in run(index, "盗窃").hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


# -- permissions: a case outside allowed_case_ids must never leak -----------------------------------

ALLOWED = frozenset({THEFT_ID, DRUNK_ID})


@pytest.mark.parametrize(
    "text",
    ["盗窃", "被告人", "赵明远", "诈骗 OR 醉酒", "李某某", CASE_SECRET, "盗窃 -电动车", '"机密证人"'],
)
def test_permission_filter_never_leaks(index: SearchIndex, text: str) -> None:
    r = run(index, text, allowed_case_ids=ALLOWED)
    assert all(h.document_id != 3 for h in r.hits)
    assert r.total == len(run(index, text, allowed_case_ids=ALLOWED, limit=100).hits)
    assert CASE_SECRET not in r.facets["case_number"]
    assert "（2019）沪0115刑初88号" not in r.facets["case_number"]
    assert "诈骗罪" not in r.facets["charge"]
    assert "2019" not in r.facets["year"]


def test_permission_filter_wins_over_case_filter(index: SearchIndex) -> None:
    r = run(index, "被告人", case_number=CASE_SECRET, allowed_case_ids=ALLOWED)
    assert r.total == 0 and r.hits == [] and all(not v for v in r.facets.values())


def test_permission_filter_with_other_filters_sort_and_deep_pages(index: SearchIndex) -> None:
    r = run(index, "被告人", allowed_case_ids=ALLOWED, charge="诈骗罪")
    assert r.total == 0
    r = run(index, "被告人", allowed_case_ids=ALLOWED, sort="date", limit=10)
    assert {h.document_id for h in r.hits} == {1, 2}
    r = run(index, "被告人", allowed_case_ids=ALLOWED, offset=2, limit=5)
    assert r.total == 3 and [h.document_id for h in r.hits] != [3]


def test_empty_allowed_case_ids_sees_nothing(index: SearchIndex) -> None:
    r = run(index, "被告人", allowed_case_ids=frozenset())
    assert r.total == 0 and r.hits == [] and all(not v for v in r.facets.values())


def test_issue16_permission_is_the_case_id_not_a_look_alike_number(index: SearchIndex) -> None:
    """Another agency's case whose number folds to the same key is a different case."""
    look_alike = "(2020)粤1973刑初123号"  # half-width brackets: folds to CASE_THEFT
    other_case = 201
    index.add_pages([PageRecord(9, look_alike, "other.txt", 1, "被告人王志勤另案笔录，乙单位。",
                                case_id=other_case)])
    mine = run(index, "王志勤", allowed_case_ids=frozenset({THEFT_ID}), limit=100)
    assert pages(mine) == {(1, 1), (1, 2)} and mine.total == 2
    assert sum(mine.facets["case_number"].values()) == 2
    theirs = run(index, "王志勤", allowed_case_ids=frozenset({other_case}), limit=100)
    assert pages(theirs) == {(9, 1)} and theirs.total == 1
    # the case-number filter narrows within what the user may see, never beyond it
    assert pages(run(index, "被告人", case_number=CASE_THEFT, allowed_case_ids=frozenset({other_case}))) == {(9, 1)}
    assert pages(run(index, "王志勤", allowed_case_ids=frozenset({SECRET_ID}))) == set()
    # a page indexed without a case id is seen only by an unrestricted search
    index.add_pages([PageRecord(10, CASE_THEFT, "orphan.txt", 1, "王志勤孤页")])
    assert (10, 1) not in pages(run(index, "王志勤", allowed_case_ids=frozenset({THEFT_ID}), limit=100))
    assert (10, 1) in pages(run(index, "王志勤", limit=100))


def test_no_restriction_when_allowed_case_ids_is_none(index: SearchIndex) -> None:
    assert run(index, "被告人", allowed_case_ids=None).total == 4


# -- pagination ------------------------------------------------------------------------------------


def test_pagination_is_disjoint_and_complete(empty_index: SearchIndex) -> None:
    empty_index.add_pages(
        PageRecord(100 + i // 5, f"（2022）京01刑初{i // 5}号", "p.pdf", i % 5 + 1, f"第{i}页 共同犯罪 事实")
        for i in range(25)
    )
    seen: list[tuple[int, int]] = []
    for offset in (0, 10, 20):
        r = run(empty_index, "共同犯罪", limit=10, offset=offset)
        assert r.total == 25
        seen += [(h.document_id, h.page) for h in r.hits]
    assert len(seen) == 25 and len(set(seen)) == 25


def test_far_page_is_empty_not_an_error(index: SearchIndex) -> None:
    r = run(index, "被告人", limit=10, offset=10_000 * 10)
    assert r.hits == [] and r.total == 4
    r = run(index, "被告人", limit=10, offset=5)
    assert r.hits == [] and r.total == 4


# -- writes ----------------------------------------------------------------------------------------


def test_re_adding_a_page_replaces_it(index: SearchIndex) -> None:
    index.add_pages([corpus()[0]])
    assert run(index, "王志勤").total == 2
    changed = corpus()[0]
    changed.text = "被告人王志勤撤回供述。"
    index.add_pages([changed])
    assert run(index, "王志勤").total == 2
    assert run(index, "电动车").total == 0
    assert pages(run(index, "撤回供述")) == {(1, 1)}


def test_duplicates_within_one_batch_keep_the_last(empty_index: SearchIndex) -> None:
    first = PageRecord(5, "X3", "d.pdf", 1, "第一稿")
    second = PageRecord(5, "X3", "d.pdf", 1, "第二稿")
    empty_index.add_pages([first, second])
    assert run(empty_index, "第一稿").total == 0
    assert run(empty_index, "第二稿").total == 1


def test_delete_removes_every_page_of_a_document(index: SearchIndex) -> None:
    index.delete_document(1)
    assert run(index, "王志勤").total == 0
    assert index.document_ids() == {2, 3}
    index.delete_document(999)  # unknown ids are not an error
    assert index.document_ids() == {2, 3}


def test_document_ids_and_clear(index: SearchIndex) -> None:
    assert index.document_ids() == {1, 2, 3}
    index.clear()
    assert index.document_ids() == set()
    assert run(index, "被告人").total == 0


def test_rebuild_replaces_every_page(index: SearchIndex) -> None:
    assert index.rebuild([PageRecord(7, "X7", "r.pdf", 1, "重建后的唯一一页。")]) == 1
    assert index.document_ids() == {7}
    assert pages(run(index, "唯一一页")) == {(7, 1)}
    assert run(index, "被告人").total == 0


def test_a_search_during_a_rebuild_sees_the_old_pages(index: SearchIndex) -> None:
    before = pages(run(index, "被告人"))
    seen: list[set[tuple[int, int]]] = []

    def records() -> Iterator[PageRecord]:
        yield PageRecord(7, "X7", "r.pdf", 1, "重建后的唯一一页：被告人。")
        seen.append(pages(run(index, "被告人")))
        yield PageRecord(8, "X8", "r.pdf", 1, "重建后的第二页。")

    index.rebuild(records())
    assert seen == [before]
    assert pages(run(index, "被告人")) == {(7, 1)}


def test_a_failed_rebuild_leaves_the_old_pages(index: SearchIndex) -> None:
    before = pages(run(index, "被告人"))

    def records() -> Iterator[PageRecord]:
        yield PageRecord(7, "X7", "r.pdf", 1, "重建后的唯一一页：被告人。")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(records())
    assert pages(run(index, "被告人")) == before and index.document_ids() == {1, 2, 3}


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_index_of_an_older_schema_is_refused_until_rebuilt(backend: str, tmp_path: Path) -> None:
    """Issue #6: refused with the reindex hint; ``casefile reindex`` (a rebuild) makes it current."""
    alias = new_es_alias()
    index = make_index(backend, tmp_path, es_index=alias)
    try:
        index.add_pages(corpus())
        index.close()
        age_index(backend, tmp_path, alias)
        with pytest.raises(CasefileError) as info:
            make_index(backend, tmp_path, es_index=alias)
        assert info.value.code == SEARCH_UNAVAILABLE.code and info.value.hint == OUTDATED_HINT

        index = make_index(backend, tmp_path, es_index=alias, for_rebuild=True)
        with pytest.raises(CasefileError) as info:
            run(index, "盗窃")
        assert info.value.hint == OUTDATED_HINT
        assert index.rebuild(corpus()[:2]) == 2
        assert pages(run(index, "王志勤")) == {(1, 1), (1, 2)}
        index.close()
        index = make_index(backend, tmp_path, es_index=alias)
        assert index.document_ids() == {1}
        index.close()
    finally:
        if backend == "elasticsearch":  # whatever state the test left it in
            leftover = make_index(backend, tmp_path, es_index=alias, for_rebuild=True)
            leftover.drop()  # type: ignore[attr-defined]
            leftover.close()


# -- spans and snippets ----------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["盗窃", "王志勤", "张某", "醉酒驾驶", "150mg", "刑事判决书"])
def test_spans_point_at_the_matched_text(index: SearchIndex, term: str) -> None:
    r = run(index, term)
    assert r.hits
    assert_spans_cover(r, term)
    for hit in r.hits:
        assert "\n" not in hit.snippet
        assert hit.snippet in TEXTS[(hit.document_id, hit.page)].replace("\n", " ")


# -- bad queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "*", "**", "，。", "\x00盗窃", "盗窃\x1b", "-盗窃", "NOT 盗窃"])
def test_bad_queries_raise_invalid_query(index: SearchIndex, text: str) -> None:
    with pytest.raises(CasefileError) as info:
        run(index, text)
    assert info.value.code == INVALID_QUERY.code


@pytest.mark.parametrize("kw", [{"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"date_from": "去年"},
                                {"sort": "random"}])
def test_bad_parameters_raise_invalid_query(index: SearchIndex, kw: dict[str, object]) -> None:
    with pytest.raises(CasefileError) as info:
        run(index, "盗窃", **kw)
    assert info.value.code == INVALID_QUERY.code


def test_huge_query_is_rejected_quickly(index: SearchIndex) -> None:
    started = time.perf_counter()
    for text in ("盗" * 10_000, "盗窃 " * 5_000, '"' + "a" * 10_000):
        with pytest.raises(CasefileError) as info:
            run(index, text)
        assert info.value.code == INVALID_QUERY.code
    assert time.perf_counter() - started < 1.0


def test_facets_list_the_most_frequent_values_up_to_their_size(empty_index: SearchIndex) -> None:
    from search.base import FACET_SIZES

    n_cases = FACET_SIZES["case_number"] + 5
    empty_index.add_pages(
        PageRecord(200 + i, f"（2023）京01刑初{i}号", "f.pdf", page, f"第{page}页 共同犯罪")
        for i in range(n_cases) for page in range(1, 2 + (i == 0))
    )
    r = run(empty_index, "共同犯罪")
    assert r.total == n_cases + 1
    assert len(r.facets["case_number"]) == FACET_SIZES["case_number"]
    assert r.facets["case_number"]["（2023）京01刑初0号"] == 2  # the biggest case is never cut
