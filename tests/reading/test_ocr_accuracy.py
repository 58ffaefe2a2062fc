"""Real OCR (the default engine, ppocr) on pages rendered from fictional case-file text."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from ingest.reading import sniff
from ingest.reading.documents import open_document, read_file
from tests.reading.conftest import INDICTMENT, assert_offsets
from tests.support import render
from tests.support.textmetrics import cer, edit_distance

MAX_CER = 0.02


def test_edit_distance_counts_each_operation() -> None:
    assert edit_distance("被告人王志勤", "被告人王志勤") == 0
    assert edit_distance("被告人王志勤", "被告人王忐勤") == 1  # substitution
    assert edit_distance("被告人王志勤", "被告人王勤") == 1  # deletion
    assert edit_distance("", "abc") == 3
    assert cer("abcd", "abed") == 0.25


def _check_boxes(page) -> None:  # noqa: ANN001
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert 0 < line.confidence <= 1


@pytest.mark.slow
def test_scanned_indictment_is_read_back(tmp_path: Path, ppocr) -> None:  # noqa: ANN001
    reference = "\n".join(INDICTMENT)
    pdf = render.render_scanned_pdf([reference], tmp_path / "scan.pdf")
    with open_document(pdf, sniff.PDF) as reader:
        started = time.perf_counter()
        page = reader.read_page(1, ppocr)
        elapsed = time.perf_counter() - started
        ink = np.asarray(reader.page_image(1).convert("L")) < 128
    rate = cer(reference, page.text)
    print(f"ppocr: CER {rate:.4f}, {elapsed:.2f} s/page")
    assert page.source == "ocr"
    assert rate < MAX_CER, page.text
    # Names and numbers wrapped over lines come back whole; paragraphs stay apart.
    assert "欧阳明远" in page.text and "320102198711230519" in page.text
    assert page.text.count("\n") == 2
    _check_boxes(page)
    assert_offsets(page)
    # Boxes sit on the text in the page image, and no text lies outside them.
    covered = np.zeros_like(ink)
    for line in page.lines:
        x0, y0, x1, y1 = (round(v) for v in line.bbox)
        assert ink[y0:y1, x0:x1].mean() > 0.05, line
        covered[max(y0 - 4, 0) : y1 + 4, max(x0 - 4, 0) : x1 + 4] = True
    assert (ink & ~covered).sum() == 0
    # A span found in the text maps to a box around that text on the page image.
    start = page.text.index("320102198711230519")
    boxes = page.boxes_for_span(start, start + 18)
    assert boxes and all(page.width > b[0] < b[2] for b in boxes)


@pytest.mark.slow
def test_noisy_skewed_kai_scan(tmp_path: Path, ppocr) -> None:  # noqa: ANN001
    reference = INDICTMENT[0]
    img = render.render_image(
        reference, tmp_path / "scan.png", fmt="PNG", font="ukai", noise=0.01, skew=1.0
    )
    (page,) = read_file(img, ppocr)
    assert cer(reference, page.text) < MAX_CER, page.text
    _check_boxes(page)
    assert_offsets(page)


@pytest.mark.slow
def test_exif_rotated_photo_and_tiff_are_ocred_upright(tmp_path: Path, ppocr) -> None:  # noqa: ANN001
    reference = INDICTMENT[2]
    jpg = render.render_exif_rotated_jpeg(reference, tmp_path / "phone.jpg", orientation=8)
    (page,) = read_file(jpg, ppocr)
    assert cer(reference, page.text) < MAX_CER, page.text
    tif = render.render_tiff([INDICTMENT[1], reference], tmp_path / "scan.tif")
    with open_document(tif, sniff.TIFF) as reader:
        second = reader.read_page(2, ppocr)
    assert cer(reference, second.text) < MAX_CER, second.text


@pytest.mark.slow
@pytest.mark.parametrize("text", ["此致", "第3页", "2024年5月6日"])
def test_short_isolated_text_is_found(ppocr, text: str) -> None:  # noqa: ANN001
    """Regression: with detection at 1280 px or more, a lone short word on a page was missed."""
    from ingest.reading.ocrpage import ocr_page

    page = ocr_page(render.render_page_image(text), ppocr, number=1)
    assert page.text == text


@pytest.mark.slow
@pytest.mark.parametrize("font", ["uming", "ukai"])
def test_issue3_look_alike_traditional_forms_are_read_simplified(ppocr, font: str) -> None:  # noqa: ANN001
    """Regression #3: PP-OCRv6 tiny rec read 盗窃 as 盜窃 (uming) and 奥 as 奧 (ukai)."""
    from ingest.reading.ocrpage import ocr_page

    text = "被告人张某盗窃他人财物，其行为已构成盗窃罪。澳门奥运会"
    page = ocr_page(render.render_page_image(text, font=font), ppocr, number=1)
    assert page.text == text
