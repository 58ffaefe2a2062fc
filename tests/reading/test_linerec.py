"""Line recognition: CTC decoding and the preference for simplified forms (issue #3)."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.ocr.linerec import Reading, ctc_decode, merge_readings, simplified_of, simplified_table

CLASSES = ["", "盗", "盜", "窃", "禕", "祎", "著", "着", " "]


def _steps(*rows: dict[str, float]) -> np.ndarray:
    """One probability row per CTC step; what a row leaves out goes to the blank."""
    steps = np.zeros((len(rows), len(CLASSES)), dtype=np.float32)
    for t, row in enumerate(rows):
        for ch, p in row.items():
            steps[t, CLASSES.index(ch)] = p
        steps[t, 0] = 1.0 - sum(row.values())
    return steps


def test_traditional_forms_outside_gb2312_map_to_their_simplified_class() -> None:
    pairs = {CLASSES[t]: CLASSES[s] for t, s in simplified_of(CLASSES).items()}
    # 著 is GB2312 (显著, 著作): simplified text uses it, so it is never replaced
    assert pairs == {"盜": "盗", "禕": "祎"}


def test_decoding_merges_repeats_and_drops_blanks() -> None:
    steps = _steps({"盗": 0.9}, {"盗": 0.8}, {}, {"窃": 0.7}, {}, {"窃": 0.9})
    reading = ctc_decode(steps, CLASSES, simplified_table(CLASSES))
    assert reading.text == "盗窃窃"
    assert reading.confidence == pytest.approx((0.9 + 0.7 + 0.9) / 3)
    assert reading.weakest == pytest.approx(0.7)


def test_look_alike_traditional_form_is_read_simplified() -> None:
    """Regression #3: PP-OCRv6 tiny read 盗窃 as 盜窃 (盜 0.6, 盗 0.4 at the same step)."""
    steps = _steps({"盜": 0.6, "盗": 0.4}, {}, {"窃": 0.9})
    reading = ctc_decode(steps, CLASSES, simplified_table(CLASSES))
    assert reading.text == "盗窃"
    assert reading.confidence == pytest.approx((1.0 + 0.9) / 2)
    assert reading.weakest == pytest.approx(0.9)  # 盜 and 盗 together are one sure character


def test_traditional_form_the_model_is_sure_of_stays() -> None:
    steps = _steps({"禕": 0.95, "祎": 0.04})
    assert ctc_decode(steps, CLASSES, simplified_table(CLASSES))[0] == "禕"


def test_gb2312_character_is_never_replaced() -> None:
    steps = _steps({"著": 0.5, "着": 0.45})
    assert ctc_decode(steps, CLASSES, simplified_table(CLASSES))[0] == "著"


def test_line_of_blanks_reads_empty() -> None:
    empty = ctc_decode(_steps({}, {}), CLASSES, simplified_table(CLASSES))
    assert empty == ("", (), ()) and empty.confidence == empty.weakest == 0.0


def _reading(text: str, *probabilities: float) -> Reading:
    return Reading(text, probabilities)


def test_merge_takes_the_surer_character_where_the_readings_differ() -> None:
    tiny = _reading("罚金一千元", 0.99, 0.99, 0.79, 0.99, 0.99)
    small = _reading("罚金二千元", 0.99, 0.99, 0.98, 0.99, 0.99)
    assert merge_readings(tiny, small).text == "罚金二千元"
    # the other way round: small unsure of a traditional form, tiny sure of the simplified one
    tiny = _reading("被盗", 0.99, 0.9)
    small = _reading("被盜", 0.99, 0.55)
    assert merge_readings(tiny, small).text == "被盗"


def test_merge_keeps_a_character_only_the_first_model_read_when_it_was_sure() -> None:
    """Regression #3: PP-OCRv6 small drops 〇 from dates (二〇一九 → 二一九); tiny reads it."""
    tiny = _reading("二〇一九年", 0.99, 0.7, 0.99, 0.99, 0.99)
    small = _reading("二一九年", 0.99, 0.99, 0.99, 0.99)
    merged = merge_readings(tiny, small)
    assert merged.text == "二〇一九年"
    assert merged.weakest == pytest.approx(0.7)
    # a stray mark tiny was unsure of is dropped
    tiny = _reading("罚金·元", 0.99, 0.99, 0.3, 0.99)
    assert merge_readings(tiny, _reading("罚金元", 0.99, 0.99, 0.99)).text == "罚金元"


def test_merge_adds_a_character_only_the_second_model_read_when_it_was_sure() -> None:
    tiny = _reading("证人证言情况说明", *(0.99,) * 8)
    small = _reading("证人证言、情况说明", *(0.99,) * 4, 0.95, *(0.99,) * 4)
    assert merge_readings(tiny, small).text == "证人证言、情况说明"
    unsure = _reading("证人证言、情况说明", *(0.99,) * 4, 0.4, *(0.99,) * 4)
    assert merge_readings(tiny, unsure).text == "证人证言情况说明"


def test_merge_with_an_empty_second_reading_keeps_the_first() -> None:
    tiny = _reading("一千", 0.6, 0.3)
    assert merge_readings(tiny, Reading("", ())) == tiny
