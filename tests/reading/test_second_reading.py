"""ppocr's second reading: lines tiny rec was unsure of are read again by small rec (issue #3)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.ocr import ppocr
from ingest.ocr.linerec import Reading


class ScriptedRecognizer:
    """Stands in for a ``LineRecognizer``: returns the reading scripted for each crop's id."""

    def __init__(self, readings: dict[int, Reading]) -> None:
        self.readings = readings
        self.asked: list[int] = []

    def read(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        ids = [int(c[0, 0, 0]) for c in crops]
        self.asked.extend(ids)
        return [self.readings[i] for i in ids]


def _reading(text: str, weakest: float) -> Reading:
    """A reading whose first character has probability ``weakest`` and the others 0.99."""
    return Reading(text, (weakest,) + (0.99,) * (len(text) - 1) if text else ())


def _crop(ident: int) -> np.ndarray:
    crop = np.zeros((48, 200, 3), dtype=np.uint8)
    crop[0, 0, 0] = ident
    return crop


def _engine(first: ScriptedRecognizer, second: ScriptedRecognizer | None) -> ppocr.PpOcrEngine:
    engine = object.__new__(ppocr.PpOcrEngine)  # no models: only the reading policy is tested
    engine._rec = first  # type: ignore[assignment]
    engine._second = second  # type: ignore[assignment]
    return engine


def test_only_unsure_lines_are_read_again_and_the_second_reading_is_kept() -> None:
    unsure = ppocr.RECHECK_BELOW - 0.2
    first = ScriptedRecognizer({
        1: _reading("罚金人民币一千元", unsure),  # 二 read as 一, tiny unsure of it
        2: _reading("被告人张某", 0.97),
        3: _reading("", 0.0),
    })
    second = ScriptedRecognizer({1: _reading("罚金人民币二千元", 0.95)})
    lines = _engine(first, second)._read([_crop(1), _crop(2), _crop(3)])
    assert [line.text for line in lines] == ["罚金人民币二千元", "被告人张某", ""]
    assert second.asked == [1]


def test_a_numeral_tiny_is_not_quite_sure_of_is_read_again() -> None:
    """Regression #3: 并处罚金人民币二 read as …一 at 0.79 (everything else above 0.98)."""
    text = "并处罚金人民币一"
    probabilities = (0.99,) * 7 + (0.79,)
    line = Reading(text, probabilities)
    assert ppocr.needs_second_reading(line)
    sure = Reading(text, (0.99,) * 8)
    assert not ppocr.needs_second_reading(sure)
    # the same doubt on a character that is not a numeral is not worth a second reading
    other = Reading("并处罚金人民币元", probabilities)
    assert not ppocr.needs_second_reading(other)


def test_a_second_reading_that_finds_nothing_keeps_the_first() -> None:
    first = ScriptedRecognizer({1: _reading("一千", 0.3)})
    second = ScriptedRecognizer({1: _reading("", 0.0)})
    assert _engine(first, second)._read([_crop(1)])[0].text == "一千"


def test_engine_without_a_second_model_reads_once() -> None:
    first = ScriptedRecognizer({1: _reading("一千", 0.3)})
    assert _engine(first, None)._read([_crop(1)])[0].text == "一千"


def test_a_line_read_as_garbage_is_not_read_again() -> None:
    """Regression #3: a merged reading of an upside-down line hid that the page was turned."""
    garbage = Reading("日为2028289", (0.3,) * 4 + (0.7,) * 5)  # mean 0.52, weakest 0.3
    assert not ppocr.needs_second_reading(garbage)
