"""Issue #19 item 3: ppocr's detector scans only the inked part of a page, never losing a mark."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr import inkbox, ppocr
from ingest.ocr.inkbox import NO_INK, ink_box
from tests.support.render import font_path, render_page_image

# A4 shrunk to the detector's 960 px, as ``PpOcrEngine._detect_at`` hands it over
H, W = 960, 679


def page(paper: int = 255) -> np.ndarray:
    return np.full((H, W), paper, dtype=np.uint8)


def write_lines(image: np.ndarray, top: int, bottom: int, left: int, right: int, ink: int = 0) -> None:
    """Lines of character-like strokes: 14 px tall, 10 px apart, strokes 2 px wide."""
    for y in range(top, bottom - 14, 24):
        for x in range(left, right - 10, 16):
            image[y : y + 14, x : x + 2] = ink
            image[y + 6 : y + 8, x : x + 12] = ink


def test_the_box_holds_the_text_with_a_margin_in_whole_strides() -> None:
    image = page()
    write_lines(image, 120, 700, 100, 580)
    x0, y0, x1, y1 = ink_box(image)  # type: ignore[misc]
    assert x0 <= 100 - inkbox.MARGIN and x1 >= 580 + 0 and y0 <= 120 - inkbox.MARGIN
    assert y1 >= 700 - 24
    assert (x1 - x0) % inkbox.STRIDE == 0 and (y1 - y0) % inkbox.STRIDE == 0
    assert (x1 - x0) * (y1 - y0) < 0.7 * H * W  # the margins are left out


def test_a_page_number_in_the_corner_stays_inside() -> None:
    image = page()
    write_lines(image, 120, 400, 100, 580)
    image[900:914, 600:602] = 0  # "1" at the foot of the page, right
    image[900:902, 596:606] = 0
    x0, y0, x1, y1 = ink_box(image)  # type: ignore[misc]
    assert x1 >= 606 and y1 >= 914


def test_scattered_specks_do_not_stretch_the_box() -> None:
    clean = page()
    write_lines(clean, 200, 600, 150, 500)
    noisy = clean.copy()
    rng = np.random.default_rng(3)
    specks = rng.random(noisy.shape) < 0.01  # 1% of the pixels, everywhere
    noisy[specks] = rng.integers(0, 120, specks.sum())
    assert ink_box(noisy) == ink_box(clean)


def test_low_contrast_text_is_ink() -> None:
    image = page(paper=200)
    write_lines(image, 150, 500, 120, 560, ink=165)
    box = ink_box(image)
    assert box not in (None, NO_INK)
    assert box is not None
    x0, y0, x1, y1 = box
    assert x0 <= 120 and y0 <= 150 and x1 >= 550 and y1 >= 480


def test_a_blank_page_has_no_ink_even_when_grey_and_speckled() -> None:
    assert ink_box(page()) == NO_INK
    grey = page(paper=230)
    rng = np.random.default_rng(5)
    grey[rng.random(grey.shape) < 0.002] = 90
    assert ink_box(grey) == NO_INK


def test_ink_to_the_edges_is_the_whole_page() -> None:
    image = page()
    write_lines(image, 0, H, 0, W)
    assert ink_box(image) is None


@pytest.mark.parametrize("noise", [0.0, 0.04])
def test_ppocr_reads_a_short_page_and_its_page_number_the_same_with_the_box(
    ppocr_engine: ppocr.PpOcrEngine, noise: float
) -> None:
    scan = render_page_image("被告人李秀兰，女，1990年2月5日出生。", noise=noise, seed=2).convert("RGB")
    draw = ImageDraw.Draw(scan)
    draw.text((1380, 2180), "第 3 页", fill=(0, 0, 0), font=_font())
    try:
        ppocr_engine.crop_to_ink = False
        whole = [box.text for box in ppocr_engine.recognize(scan)]
        ppocr_engine.crop_to_ink = True
        cropped = [box.text for box in ppocr_engine.recognize(scan)]
    finally:
        ppocr_engine.crop_to_ink = ppocr.CROP_TO_INK
    assert any("李秀兰" in text for text in cropped)
    assert any("3" in text and "页" in text for text in cropped)  # the page number, in the margin
    assert len(cropped) == len(whole)


def test_ppocr_does_not_run_the_detector_on_a_blank_page(ppocr_engine: ppocr.PpOcrEngine) -> None:
    calls: list[tuple[int, ...]] = []
    detector = ppocr_engine._detector

    class Counting:
        def detect(self, image: np.ndarray) -> np.ndarray:
            calls.append(image.shape)
            return detector.detect(image)

    ppocr_engine._detector = Counting()  # type: ignore[assignment]
    try:
        assert ppocr_engine.recognize(Image.new("RGB", (1654, 2339), "white")) == []
        ppocr_engine.recognize(render_page_image("此页无正文").convert("RGB"))
    finally:
        ppocr_engine._detector = detector
    assert len(calls) == 1  # only the page with ink
    assert calls[0][0] * calls[0][1] < 0.5 * 960 * 679  # and only its inked part


def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path("uming"), 40)


@pytest.fixture(scope="module")
def ppocr_engine() -> ppocr.PpOcrEngine:
    if ppocr.unavailable_reason() is not None:
        pytest.fail(f"ppocr must be installed for this test: {ppocr.unavailable_reason()}")
    return ppocr.PpOcrEngine(threads=1)
