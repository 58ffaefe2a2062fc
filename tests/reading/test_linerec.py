"""Line recognition: CTC decoding and the preference for simplified forms (issue #3)."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.ocr.linerec import ctc_decode, simplified_of, simplified_table

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
    text, confidence, weakest, _ = ctc_decode(steps, CLASSES, simplified_table(CLASSES))
    assert text == "盗窃窃"
    assert confidence == pytest.approx((0.9 + 0.7 + 0.9) / 3)
    assert weakest == pytest.approx(0.7)


def test_look_alike_traditional_form_is_read_simplified() -> None:
    """Regression #3: PP-OCRv6 tiny read 盗窃 as 盜窃 (盜 0.6, 盗 0.4 at the same step)."""
    steps = _steps({"盜": 0.6, "盗": 0.4}, {}, {"窃": 0.9})
    text, confidence, weakest, _ = ctc_decode(steps, CLASSES, simplified_table(CLASSES))
    assert text == "盗窃"
    assert confidence == pytest.approx((1.0 + 0.9) / 2)
    assert weakest == pytest.approx(0.9)  # 盜 and 盗 together are one sure character


def test_traditional_form_the_model_is_sure_of_stays() -> None:
    steps = _steps({"禕": 0.95, "祎": 0.04})
    assert ctc_decode(steps, CLASSES, simplified_table(CLASSES))[0] == "禕"


def test_gb2312_character_is_never_replaced() -> None:
    steps = _steps({"著": 0.5, "着": 0.45})
    assert ctc_decode(steps, CLASSES, simplified_table(CLASSES))[0] == "著"


def test_line_of_blanks_reads_empty() -> None:
    assert ctc_decode(_steps({}, {}), CLASSES, simplified_table(CLASSES)) == ("", 0.0, 0.0, ())
