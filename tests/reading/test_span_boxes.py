"""A span's box sits on its characters even when the line mixes CJK and narrower digits."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from ingest.ocr.registry import get_engine
from ingest.reading.documents import open_document
from tests.support.render import render_text_pdf

TEXT = "被告人周海涛，男，1990年4月12日出生，公民身份号码360102199004121231，汉族。"


def test_issue7_evidence_box_on_the_name_in_a_line_with_digits(tmp_path: Path) -> None:
    pdf = render_text_pdf([TEXT], tmp_path / "a.pdf")
    with open_document(pdf, "application/pdf", dpi=200) as reader:
        page = reader.read_page(1, get_engine("null"))
    scale = 200 / 72
    with pdfplumber.open(pdf) as document:
        chars = [c for c in document.pages[0].chars if c["text"].strip()]
    for word in ("周海涛", "1990年4月12日", "汉族"):
        start = page.text.index(word)
        [(x0, _y0, x1, _y1)] = page.boxes_for_span(start, start + len(word))
        first = next(i for i in range(len(chars)) if "".join(c["text"] for c in chars[i:i + len(word)]) == word)
        true_x0 = chars[first]["x0"] * scale
        true_x1 = chars[first + len(word) - 1]["x1"] * scale
        em = (chars[first]["x1"] - chars[first]["x0"]) * scale
        assert abs(x0 - true_x0) < 0.35 * em and abs(x1 - true_x1) < 0.35 * em, (word, x0, x1, true_x0, true_x1)


def test_low_confidence_lines_flagged_for_review() -> None:
    from ingest.reading.types import LOW_CONFIDENCE, Line, PageContent

    page = PageContent(1, 100, 100, "ocr", "清楚\n模糊", [
        Line("清楚", [0, 0, 50, 10], 0.99, 0, 2),
        Line("模糊", [0, 20, 50, 30], LOW_CONFIDENCE - 0.1, 3, 5),
    ])
    assert [line["needs_review"] for line in page.to_dict()["lines"]] == [False, True]  # type: ignore[index]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_span_box_follows_the_direction_of_a_turned_line(turn: int) -> None:
    """On a page scanned turned, a span's box lies where its characters are along the line."""
    from ingest.reading.textlayer import turn_box
    from ingest.reading.types import Line, PageContent

    width, height, box = 1654, 2339, [180.0, 180.0, 1470.0, 230.0]
    text = "被告人周海涛1990年4月12日出生"
    upright = PageContent(1, width, height, "ocr", text, [Line(text, box, 0.99, 0, len(text))])
    turned_line = Line(text, turn_box(box, turn, width, height), 0.99, 0, len(text), angle=turn)
    turned = PageContent(1, height, width, "ocr", text, [turned_line])
    for word in ("被告人", "周海涛", "1990年4月", "出生"):
        start = text.index(word)
        [upright_box] = upright.boxes_for_span(start, start + len(word))
        [turned_box] = turned.boxes_for_span(start, start + len(word))
        assert turned_box == pytest.approx(turn_box(upright_box, turn, width, height), abs=0.11)
