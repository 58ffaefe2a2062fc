"""Reading order and paragraphs from boxes (no OCR: fragments are given)."""

from __future__ import annotations

import math

from core.cjk import remove_cjk_spaces
from ingest.reading.layout import Fragment, lay_out_page, plain_text_page
from tests.reading.conftest import assert_offsets

H = 40  # line height in pixels, about one character
LEFT, RIGHT = 100, 1500


def _page(fragments: list[Fragment]):
    return lay_out_page(fragments, number=1, width=1654, height=2339, source="ocr")


def _line(text: str, row: int, *, x0: float = LEFT, x1: float = RIGHT) -> Fragment:
    y = 100 + row * 60
    return Fragment(text, [x0, y, x1, y + H], 0.95)


def test_wrapped_lines_of_one_paragraph_join_without_separator() -> None:
    page = _page(
        [
            _line("公诉机关指控，被告人王", 0, x0=LEFT + 2 * H),
            _line("志勤于2024年5月6日在某小区盗窃，身份证号11010519850312", 1),
            _line("0417。", 2, x1=LEFT + 3 * H),
        ]
    )
    assert page.text == "公诉机关指控，被告人王志勤于2024年5月6日在某小区盗窃，身份证号110105198503120417。"
    assert "王志勤" in page.text and "110105198503120417" in page.text
    assert_offsets(page)
    assert [ln.text for ln in page.lines][0] == "公诉机关指控，被告人王"


def test_indent_short_line_and_gap_start_paragraphs() -> None:
    page = _page(
        [
            _line("起诉书", 0, x0=700, x1=820),  # centred title
            _line("被告人甲，男，汉族，住某市某区。因涉嫌盗窃罪被刑事拘留，现羁押于某", 1, x0=LEFT + 2 * H),
            _line("看守所。", 2, x1=LEFT + 4 * H),  # ends short: paragraph ends here
            _line("经依法审查查明：被告人甲于某日在某地盗窃他人手机一部，价值人民币三千", 3),
            _line("元。", 4, x1=LEFT + 2 * H),
            _line("此致", 7, x1=LEFT + 2 * H),  # after a large gap
        ]
    )
    assert page.text.split("\n") == [
        "起诉书",
        "被告人甲，男，汉族，住某市某区。因涉嫌盗窃罪被刑事拘留，现羁押于某看守所。",
        "经依法审查查明：被告人甲于某日在某地盗窃他人手机一部，价值人民币三千元。",
        "此致",
    ]
    assert_offsets(page)


def test_fragments_are_put_in_reading_order_whatever_the_engine_order() -> None:
    frags = [
        Fragment("第二行右", [800, 160, 1500, 200], 0.9),
        Fragment("第一行右", [800, 100, 1500, 140], 0.9),
        Fragment("第二行左", [100, 160, 780, 200], 0.9),
        Fragment("第一行左", [100, 100, 780, 140], 0.9),
    ]
    assert _page(frags).text == "第一行左第一行右第二行左第二行右"


def test_slightly_skewed_lines_keep_their_fragments_together() -> None:
    # A 2° skew: each 300 px fragment sits ~10 px lower than its left neighbour.
    slope = math.tan(math.radians(2))
    frags = []
    for row, words in enumerate([["甲一", "甲二", "甲三", "甲四"], ["乙一", "乙二", "乙三", "乙四"]]):
        for k, word in enumerate(words):
            x0 = LEFT + 350 * k
            y0 = 100 + 60 * row + x0 * slope
            frags.append(Fragment(word, [x0, y0, x0 + 300, y0 + H], 0.9))
    page = _page(list(reversed(frags)))
    assert page.text == "甲一甲二甲三甲四乙一乙二乙三乙四"
    assert len(page.lines) == 2


def test_spaces_between_chinese_removed_latin_spaces_kept() -> None:
    assert remove_cjk_spaces("被 告 人 王 志 勤 ， 男") == "被告人王志勤，男"
    assert remove_cjk_spaces("2024 年 5 月") == "2024年5月"
    assert remove_cjk_spaces("iPhone 13 Pro 手机") == "iPhone 13 Pro手机"
    frags = [
        Fragment("Huawei", [100, 100, 300, 140], 0.9),
        Fragment("Mate", [320, 100, 450, 140], 0.9),
        Fragment("手 机", [470, 100, 550, 140], 0.9),
    ]
    assert _page(frags).text == "Huawei Mate手机"


def test_wrapped_latin_words_keep_a_space_digits_do_not() -> None:
    page = _page([_line("型号为 Galaxy", 0), _line("Note 的手机 1234", 1), _line("5678", 2, x1=300)])
    assert page.text == "型号为Galaxy Note的手机12345678"
    assert_offsets(page)


def test_line_confidence_and_box_are_the_fragments() -> None:
    page = _page([Fragment("甲乙", [10, 10, 90, 50], 0.5), Fragment("丙丁戊己", [100, 12, 300, 52], 1.0)])
    (line,) = page.lines
    assert line.bbox == [10, 10, 300, 52]
    assert abs(line.confidence - (0.5 * 2 + 1.0 * 4) / 6) < 1e-3


def test_empty_page() -> None:
    page = _page([Fragment("  ", [0, 0, 10, 10], 0.3)])
    assert page.text == "" and page.lines == []


def test_plain_text_page_offsets() -> None:
    page = plain_text_page("起诉书\n\n被告人张三，男。\nline three", number=2)
    assert page.source == "text-layer" and page.width == 0 and page.number == 2
    assert [ln.text for ln in page.lines] == ["起诉书", "被告人张三，男。", "line three"]
    assert all(ln.bbox == [0, 0, 0, 0] and ln.confidence == 1.0 for ln in page.lines)
    assert_offsets(page)


def test_page_content_round_trips_through_its_dict() -> None:
    from ingest.reading.types import Line, PageContent

    page = PageContent(3, 100, 200, "ocr", "甲乙", [Line("甲乙", [1.0, 2.0, 3.0, 4.0], 0.5, 0, 2)])
    again = PageContent.from_dict(page.to_dict())
    assert again == page
    assert again.to_dict()["lines"][0]["needs_review"] is True
    turned = PageContent(3, 200, 100, "ocr", "甲乙", [Line("甲乙", [1.0, 2.0, 3.0, 40.0], 0.9, 0, 2, 90)])
    assert PageContent.from_dict(turned.to_dict()).lines[0].angle == 90


def test_page_stored_before_lines_had_an_angle_reads_as_upright() -> None:
    from types import SimpleNamespace

    from ingest.reading.types import Line, PageContent
    from ingest.stages import _line_dict, page_content

    old_line = {"text": "甲乙", "bbox": [1.0, 2.0, 30.0, 4.0], "confidence": 0.9, "start": 0, "end": 2}
    row = SimpleNamespace(number=1, width=100, height=50, source="ocr", text="甲乙", lines=[old_line])
    assert page_content(row).lines[0].angle == 0  # type: ignore[arg-type]
    turned = Line("甲乙", [1.0, 2.0, 3.0, 40.0], 0.9, 0, 2, 270)
    row.lines = [_line_dict(turned)]  # as the reading stage stores a line
    assert page_content(row).lines == [turned]  # type: ignore[arg-type]
    page = {"number": 1, "width": 100, "height": 50, "source": "ocr", "text": "甲乙",
            "lines": [old_line | {"needs_review": False}]}
    assert PageContent.from_dict(page).lines[0].angle == 0
