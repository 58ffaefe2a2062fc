"""Issue #19 item 3: ppocr detects a page at the smallest size its text allows."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.ocr import detsize, ppocr
from ingest.ocr.detsize import is_enough, needed_side, text_height


def line(x: float, y: float, width: float, height: float) -> list[tuple[float, float]]:
    """A horizontal box, clockwise from top-left."""
    return [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]


def test_text_height_is_the_mean_of_the_lower_half_of_the_box_heights() -> None:
    boxes = [line(0, 0, 300, 20), line(0, 30, 300, 20), line(0, 60, 40, 10), line(0, 90, 300, 20)]
    assert text_height(boxes) == pytest.approx(15.0)  # (10 + 20) / 2


def test_a_tall_box_is_a_line_turned_by_a_quarter_its_height_is_its_width() -> None:
    assert text_height([line(0, 0, 18, 400)]) == pytest.approx(18.0)


def test_no_box_has_no_text_height() -> None:
    assert text_height([]) is None


@pytest.mark.parametrize(
    ("height", "side", "expected"),
    [
        (20.0, 960, 736),  # 960 * 15 / 20 = 720, up to a multiple of 32
        (16.0, 736, 704),  # 736 * 15 / 16 = 690
        (10.0, 640, 960),  # 960 would be needed: never above the old fixed size
        (40.0, 960, 576),  # large text: not below the smallest size measured
        (None, 640, 960),  # nothing found: the full size, small text may hide there
    ],
)
def test_needed_side_keeps_the_text_tall_enough(
    height: float | None, side: int, expected: int
) -> None:
    assert needed_side(height, side, max_side=960) == expected


def test_needed_side_of_a_small_image_is_the_image() -> None:
    assert needed_side(40.0, 400, max_side=400) == 400


def test_a_detection_is_kept_when_its_text_is_tall_enough_or_it_ran_at_full_size() -> None:
    assert is_enough(detsize.ACCEPT_TEXT_PX, 640, 960)
    assert not is_enough(detsize.ACCEPT_TEXT_PX - 1, 640, 960)
    assert not is_enough(None, 640, 960)
    assert is_enough(None, 960, 960)


class FakeDetection:
    """Stands in for ``PpOcrEngine._detect_at``: boxes whose height scales with the size."""

    def __init__(self, page_text_px: float) -> None:
        self.page_text_px = page_text_px  # text height on the full page
        self.sides: list[int] = []

    def __call__(self, full: np.ndarray, side: int) -> np.ndarray:
        self.sides.append(side)
        h = self.page_text_px
        return np.array([line(100, 100 + 3 * h * i, 1200, h) for i in range(10)], dtype=np.float32)


def engine_with(detect: FakeDetection, *, adaptive: bool = True) -> ppocr.PpOcrEngine:
    engine = object.__new__(ppocr.PpOcrEngine)  # no models: detection is faked
    engine.adaptive_detection = adaptive
    engine._detect_at = detect  # type: ignore[method-assign]
    return engine


PAGE = np.zeros((2338, 1654, 3), dtype=np.uint8)  # A4 at 200 DPI


def test_page_of_large_text_is_detected_once_below_the_fixed_size() -> None:
    detect = FakeDetection(page_text_px=50.0)  # 50 * 800 / 2338 = 17.1 px at the first size
    engine = engine_with(detect)
    assert len(engine._detect(PAGE)) == 10
    assert detect.sides == [detsize.START_SIDE]


def test_page_of_small_text_is_detected_again_at_most_at_the_fixed_size() -> None:
    detect = FakeDetection(page_text_px=36.0)  # 12.3 px at 800: too small
    engine = engine_with(detect)
    engine._detect(PAGE)
    # 800 * 15 / 12.3 = 974: the fixed size
    assert detect.sides == [detsize.START_SIDE, ppocr.DET_MAX_SIDE]


def test_page_of_text_a_little_too_small_is_detected_again_below_the_fixed_size() -> None:
    detect = FakeDetection(page_text_px=39.0)  # 13.3 px at 800
    engine = engine_with(detect)
    engine._detect(PAGE)
    # 800 * 15 / 13.3 = 900 -> 928
    assert detect.sides == [detsize.START_SIDE, 928]


def test_a_page_reads_the_same_whatever_was_read_before_it() -> None:
    # issue #19 (--jobs): the size chosen for a page may not depend on earlier pages
    detect = FakeDetection(page_text_px=39.0)
    engine = engine_with(detect)
    engine._detect(PAGE)
    detect.page_text_px = 60.0
    engine._detect(PAGE)
    detect.page_text_px = 39.0
    engine._detect(PAGE)
    assert detect.sides == [detsize.START_SIDE, 928, detsize.START_SIDE, detsize.START_SIDE, 928]


def test_without_adaptive_detection_every_page_is_detected_at_the_fixed_size() -> None:
    detect = FakeDetection(page_text_px=60.0)
    engine = engine_with(detect, adaptive=False)
    engine._detect(PAGE)
    engine._detect(PAGE)
    assert detect.sides == [ppocr.DET_MAX_SIDE, ppocr.DET_MAX_SIDE]
