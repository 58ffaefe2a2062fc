"""Issue #19: ppocr's second reading reads a window around the unsure characters, not the line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ingest.ocr import ppocr
from ingest.ocr.linerec import Reading, ctc_decode, simplified_table

CHAR_PX = 48  # width of one character in the fake line crops


class WindowRecognizer:
    """Stands in for small rec: reads the characters a crop shows from the columns' marks."""

    def __init__(self, line: str, probability: float = 0.99) -> None:
        self.line = line
        self.probability = probability
        self.widths: list[int] = []

    def read(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        out = []
        for crop in crops:
            self.widths.append(crop.shape[1])
            # row 0 holds, in every column, the index of the character drawn there
            shown = dict.fromkeys(int(v) for v in crop[0, :, 0])
            text = "".join(self.line[i] for i in shown)
            out.append(Reading(text, (self.probability,) * len(text)))
        return out


class FixedRecognizer:
    """Stands in for tiny rec: one scripted reading per crop."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def read(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        return [self.reading for _ in crops]


def _line_crop(n: int) -> np.ndarray:
    crop = np.zeros((CHAR_PX, CHAR_PX * n, 3), dtype=np.uint8)
    crop[0, :, 0] = np.arange(CHAR_PX * n) // CHAR_PX
    return crop


def _tiny(text: str, probabilities: Sequence[float]) -> Reading:
    n = len(text)
    return Reading(text, tuple(probabilities), tuple((i + 0.5) / n for i in range(n)))


def _engine(first: FixedRecognizer, second: WindowRecognizer) -> ppocr.PpOcrEngine:
    engine = object.__new__(ppocr.PpOcrEngine)  # no models: only the reading policy is tested
    engine._rec = first  # type: ignore[assignment]
    engine._second = second  # type: ignore[assignment]
    return engine


def test_only_a_window_around_the_unsure_numeral_is_read_again() -> None:
    truth = "本院认为被告人张某犯盗窃罪判处有期徒刑二年并处罚金人民币二千元"
    misread = truth.replace("二千", "一千")
    at = misread.index("一千")
    probabilities = [0.99] * len(misread)
    probabilities[at] = 0.79  # tiny unsure of 二 read as 一 (the regression of issue #3)
    second = WindowRecognizer(truth)
    engine = _engine(FixedRecognizer(_tiny(misread, probabilities)), second)
    (line,) = engine._read([_line_crop(len(misread))])
    assert line.text == truth
    window = 2 * ppocr.CONTEXT + 1
    # the old second reading read the whole line (33 characters wide)
    assert second.widths == [CHAR_PX * min(window, len(misread) - at + ppocr.CONTEXT)]


def test_two_unsure_characters_far_apart_are_read_in_two_windows_and_spliced() -> None:
    truth = "二〇一九年三月五日被告人张某因涉嫌盗窃罪被刑事拘留同年四月二日被逮捕"
    misread = truth.replace("三月", "二月").replace("四月二日", "四月一日")
    probabilities = [0.99] * len(misread)
    probabilities[misread.index("二月")] = 0.6
    probabilities[misread.index("一日")] = 0.7
    second = WindowRecognizer(truth)
    (line,) = _engine(FixedRecognizer(_tiny(misread, probabilities)), second)._read(
        [_line_crop(len(misread))]
    )
    assert line.text == truth
    assert len(second.widths) == 2 and sum(second.widths) < CHAR_PX * len(misread) * 0.6


def test_a_line_mostly_unsure_is_read_again_whole() -> None:
    text = "罚金一千元"
    reading = _tiny(text, [0.99, 0.99, 0.6, 0.99, 0.99])
    assert ppocr.reread_windows(reading) == [(0, len(text))]


def test_a_reading_without_positions_is_read_again_whole() -> None:
    text = "本院认为被告人张某犯盗窃罪判处有期徒刑二年并处罚金人民币一千元"
    probabilities = (0.99,) * (len(text) - 3) + (0.79, 0.99, 0.99)
    assert ppocr.reread_windows(Reading(text, probabilities)) == [(0, len(text))]
    windows = ppocr.reread_windows(Reading(text, probabilities, tuple(range(len(text)))))
    assert windows == [(len(text) - 3 - ppocr.CONTEXT, len(text))]


def test_decoding_places_each_character_at_the_centre_of_its_steps() -> None:
    classes = ["", "二", "千", " "]
    steps = np.zeros((8, len(classes)), dtype=np.float32)
    for t, cls in enumerate([0, 1, 1, 0, 0, 2, 0, 0]):
        steps[t, cls] = 0.9
    reading = ctc_decode(steps, classes, simplified_table(classes), step_width=0.125)
    assert reading.text == "二千"
    # 二 fills steps 1-2 (0.125-0.375 of the width), 千 step 5 (0.625-0.75)
    assert reading.positions == pytest.approx((0.25, 0.6875))


def test_a_gap_where_tiny_read_no_character_is_read_again_with_the_unsure_one() -> None:
    """bench.ocr.reread: the windows lost the 、 tiny skipped and the whole line's reading added."""
    truth = "依法查获的称重记录、扣押清单及相关照片等证据予以证实本院予以确认"
    skipped = truth.index("、")
    misread = truth.replace("、", "").replace("确认", "确忍")
    n = len(truth)
    # tiny's characters stand where they are drawn; the 、 cell is left empty
    positions = tuple((i + 0.5) / n for i in range(n) if i != skipped)
    probabilities = [0.99] * len(misread)
    probabilities[-1] = 0.5
    tiny = Reading(misread, tuple(probabilities), positions)
    assert ppocr.reread_windows(tiny)[0][0] <= skipped - 1  # a window covers the gap
    (line,) = _engine(FixedRecognizer(tiny), WindowRecognizer(truth))._read([_line_crop(n)])
    assert line.text == truth
