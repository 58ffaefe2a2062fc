"""core.textmap: the character table and offset map that nlp and search normalise with."""

from __future__ import annotations

import unicodedata

from core.textmap import CharTable, MappedText, keep_mapped, translate_mapped
from nlp.normalize import normalize as nlp_normalize
from search.analysis import analyse


def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def test_a_one_for_one_table_keeps_the_identity_map() -> None:
    mapped = translate_mapped("２０２１年ＡＢ", CharTable(_nfkc))
    assert mapped == MappedText("2021年AB", None, 7)
    assert mapped.span_to_orig(0, 4) == (0, 4)
    assert mapped.span_to_orig(7, 7) == (7, 7)


def test_characters_that_become_several_or_none_are_mapped_back() -> None:
    table = CharTable(lambda ch: None if ch == "\u200b" else _nfkc(ch))
    src = "㍿\u200b盗窃ﬁ"  # 株式会社, a zero-width space, a ligature
    mapped = translate_mapped(src, table)
    assert mapped.text == "株式会社盗窃fi"
    assert table.irregular == {"㍿", "\u200b", "ﬁ"}
    assert mapped.orig == [0, 0, 0, 0, 2, 3, 4, 4]
    start = mapped.text.index("盗窃")
    assert src[slice(*mapped.span_to_orig(start, start + 2))] == "盗窃"
    assert src[slice(*mapped.span_to_orig(start, len(mapped.text)))] == "盗窃ﬁ"


def test_keeping_characters_composes_the_maps() -> None:
    mapped = translate_mapped("㍿ 张 三", CharTable(_nfkc))
    kept = keep_mapped(mapped, [i for i, ch in enumerate(mapped.text) if not ch.isspace()])
    assert kept.text == "株式会社张三"
    assert kept.orig == [0, 0, 0, 0, 2, 4]
    assert kept.span_to_orig(4, 6) == (2, 5)
    identity = keep_mapped(translate_mapped("张 三", CharTable(_nfkc)), [0, 2])
    assert identity.orig == [0, 2] and identity.span_to_orig(1, 2) == (2, 3)


def test_nlp_and_search_map_back_through_the_same_machinery() -> None:
    src = "被 告 人\n張 小明，ﬁ"
    norm = nlp_normalize(src)
    assert isinstance(norm, MappedText)
    start = norm.text.index("張小明")
    assert src[slice(*norm.span_to_orig(start, start + 3))] == "張 小明"
    analysed = analyse(src)  # search folds 張 to 张 and the ligature to two letters
    assert analysed.compact == "被告人张小明fi"
    assert src[slice(*analysed.span(6, 8))] == "ﬁ"
