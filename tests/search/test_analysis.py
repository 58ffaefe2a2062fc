"""Normalisation, token streams, query plans, query grammar and highlighting, without an index."""

from __future__ import annotations

import pytest

from core.errors import INVALID_QUERY, CasefileError
from search.analysis import (
    analyse,
    canonical_case_number,
    index_streams,
    joined_units,
    normalize,
    normalize_with_offsets,
    pack_analysis,
    query_plan,
    units,
    unpack_analysis,
)
from search.highlight import find_spans, make_snippet
from search.query_parser import MAX_QUERY_CHARS, MAX_TERM_CHARS, MAX_TERMS, parse_query

# -- normalisation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [("１２３ＡＢＣ", "123abc"), ("駕駛機動車", "驾驶机动车"), ("（２０２０）", "(2020)"), ("王\u200b志勤", "王志勤")],
)
def test_normalize(raw: str, want: str) -> None:
    assert normalize(raw) == want


def test_offsets_survive_expanding_and_vanishing_characters() -> None:
    text = "ﬁ㈠王\u200b志"  # ligature -> 2 chars, parenthesised 一 -> 3 chars, zero-width -> nothing
    norm, source = normalize_with_offsets(text)
    assert norm == "fi(一)王志"
    assert source is not None and [text[i] for i in source] == ["ﬁ", "ﬁ", "㈠", "㈠", "㈠", "王", "志"]
    assert normalize_with_offsets("王志勤")[1] is None  # one-to-one: no map needed


def test_case_number_canonical_form() -> None:
    for written in ["(2020)粤1973刑初123号", "（2020）粤1973刑初123号", "〔2020〕粤1973刑初123号",
                    " ( 2020 ) 粤 1973 刑初 123 号 ", "（２０２０）粤１９７３刑初１２３号"]:
        assert canonical_case_number(written) == "（2020）粤1973刑初123号"


# -- token streams ---------------------------------------------------------------------------------


def test_units_ignore_separators() -> None:
    assert units(normalize("( 2020 ) 粤 1973 刑初 123 号")) == ["2020", "粤", "1973", "刑", "初", "123", "号"]
    assert units(normalize("（2020）粤1973刑初123号")) == ["2020", "粤", "1973", "刑", "初", "123", "号"]


def test_streams_line_up_position_by_position() -> None:
    s = index_streams(normalize("被告人张某，2021年醉酒驾驶。"))
    uni, pairs = s.uni.split(" "), s.pairs.split(" ")
    assert len(uni) == len(pairs)
    assert uni[:5] == ["被", "告", "人", "张", "某"]
    assert pairs[:5] == ["被告", "告人", "人张", "张某", "某"]  # 某 precedes "2021": stays single
    assert "2021" in pairs and "醉酒" in pairs


def test_spaced_id_numbers_are_joined_in_their_own_stream() -> None:
    assert index_streams(normalize("身份证 440602 19850312 271X")).ids == "44060219850312271x"
    assert index_streams(normalize("身份证44060219850312271X")).ids == ""  # already one unit
    assert index_streams(normalize("电话 138 1234 5678")).ids == ""


def test_joined_units_touch_only_between_cjk() -> None:
    assert joined_units(["王", "志", "2020", "年", "x", "号"]) == "王志 2020 年 x 号"


# -- query plans -----------------------------------------------------------------------------------


def test_plan_two_char_word_is_one_pair() -> None:
    plan = query_plan("张某")
    assert plan is not None and (plan.field, plan.tokens) == ("pairs", ((0, "张某"),))


def test_plan_longer_word_is_phrase_of_pairs() -> None:
    plan = query_plan("王志勤")
    assert plan is not None and plan.tokens == ((0, "王志"), (1, "志勤"))


def test_plan_lone_cjk_uses_unigrams() -> None:
    plan = query_plan("刑初123号")
    assert plan is not None and plan.field == "uni"
    assert plan.tokens == ((0, "刑"), (1, "初"), (2, "123"), (3, "号"))


def test_plan_mixed_without_lone_cjk_keeps_gaps() -> None:
    plan = query_plan("2020年度")
    assert plan is not None and (plan.field, plan.tokens) == ("pairs", ((0, "2020"), (1, "年度")))
    plan = query_plan("醉驾2021")  # 驾 before digits may be single or paired on a page: a gap
    assert plan is not None and plan.tokens == ((0, "醉驾"), (2, "2021"))


def test_plan_spaced_id_number_is_one_token() -> None:
    plan = query_plan(normalize("440602 19850312 271X"))
    assert plan is not None and plan.id_number == "44060219850312271x"
    assert plan.tokens == ((0, "44060219850312271x"),)


def test_plan_of_punctuation_is_none() -> None:
    assert query_plan("*，。") is None


# -- query grammar ---------------------------------------------------------------------------------


def _shape(text: str) -> tuple[list[list[str]], list[str]]:
    q = parse_query(text)
    return [[t.compact for t in g] for g in q.groups], [t.compact for t in q.excluded]


@pytest.mark.parametrize(
    ("text", "groups", "excluded"),
    [
        ("盗窃 电动车", [["盗窃"], ["电动车"]], []),
        ("盗窃 AND 电动车", [["盗窃"], ["电动车"]], []),
        ("被告人 电动车 OR 手机", [["被告人"], ["电动车", "手机"]], []),
        ("a OR b OR c", [["a", "b", "c"]], []),
        ("盗窃 NOT 抢劫", [["盗窃"]], ["抢劫"]),
        ("盗窃 -抢劫 -\"入户 盗窃\"", [["盗窃"]], ["抢劫", "入户盗窃"]),
        ('"醉酒 驾驶', [["醉酒驾驶"]], []),  # unbalanced quote runs to the end
        ('盗窃 "', [["盗窃"]], []),
        ("OR 盗窃 OR", [["盗窃"]], []),  # dangling operators are ignored
        ("盗窃 and 抢劫", [["盗窃"], ["and"], ["抢劫"]], []),  # operators are upper-case only
        ("盗窃 * ，", [["盗窃"]], []),
        ("2020-01-01", [["20200101"]], []),  # a hyphen inside a word is not a negation
    ],
)
def test_grammar(text: str, groups: list[list[str]], excluded: list[str]) -> None:
    assert _shape(text) == (groups, excluded)


def test_case_numbers_and_ids_are_kept_together() -> None:
    assert _shape("( 2020 ) 粤 1973 刑初 123 号 王某") == ([["2020粤1973刑初123号"], ["王某"]], [])
    assert parse_query("(2020)粤1973刑初123号").groups[0][0].case_key == "（2020）粤1973刑初123号"
    assert _shape("440602 19850312 271X 张某") == ([["44060219850312271x"], ["张某"]], [])


@pytest.mark.parametrize("text", ["", " ", "*", "\"\"", "-盗窃", "NOT 盗窃", "盗窃\x00", "\x07", "，"])
def test_invalid_queries(text: str) -> None:
    with pytest.raises(CasefileError) as info:
        parse_query(text)
    assert info.value.code == INVALID_QUERY.code
    assert info.value.message and info.value.hint


def test_limits() -> None:
    longest = " ".join(["盗" * 99] * 5)  # the longest query is several long terms (issue #16)
    assert len(longest) == MAX_QUERY_CHARS - 1
    parse_query(longest + "盗")
    with pytest.raises(CasefileError):
        parse_query(longest + "盗盗")
    parse_query("盗" * MAX_TERM_CHARS)
    with pytest.raises(CasefileError):
        parse_query("盗" * (MAX_TERM_CHARS + 1))
    parse_query(" ".join(["盗窃"] * MAX_TERMS))
    with pytest.raises(CasefileError):
        parse_query(" ".join(["盗窃"] * (MAX_TERMS + 1)))


# -- highlighting ----------------------------------------------------------------------------------


def test_spans_map_back_through_normalisation() -> None:
    text = "被告人　張　某，ＩＤ：４４０６０２１９８５０３１２２７１Ｘ"
    terms = parse_query("张某 44060219850312271x").positive_terms()
    spans = find_spans(analyse(text), terms)
    assert [text[s:e] for s, e in spans] == ["張　某", "４４０６０２１９８５０３１２２７１Ｘ"]


@pytest.mark.parametrize(
    "text",
    [
        "被告人　張　某，ＩＤ：４４０６０２１９８５０３１２２７１Ｘ",  # normal form one to one
        "㍿ﬁ某公司，负责人王某",  # characters whose normal form is longer: a source index
        "",
        "盗窃" * 40_000 + "。被告人张某",  # offsets past 16 bits
    ],
    ids=["one-to-one", "longer-normal-form", "empty", "huge-page"],
)
def test_a_stored_analysis_finds_what_analysing_the_text_again_finds(text: str) -> None:
    analysed = analyse(text)
    stored = unpack_analysis(text, pack_analysis(analysed))
    assert stored.compact == analysed.compact
    assert list(stored.compact_index) == list(analysed.compact_index)
    assert (stored.source_index is None) == (analysed.source_index is None)
    assert list(stored.source_index or []) == list(analysed.source_index or [])
    terms = parse_query("张某 公司 盗窃 fi 株式会社").positive_terms()
    assert find_spans(stored, terms) == find_spans(analysed, terms)


def test_alphanumeric_terms_do_not_match_inside_longer_runs() -> None:
    terms = parse_query("123").positive_terms()
    assert find_spans(analyse("编号1234与123号"), terms) == [(7, 10)]


def test_snippet_centres_on_the_densest_matches_and_flattens_lines() -> None:
    text = "开头" * 200 + "\n盗窃电动车，\n再次盗窃" + "结尾" * 200
    spans = find_spans(analyse(text), parse_query("盗窃").positive_terms())
    snippet, snippet_spans = make_snippet(text, spans, width=60)
    assert len(snippet) == 60 and "\n" not in snippet
    assert [snippet[s:e] for s, e in snippet_spans] == ["盗窃", "盗窃"]
