"""Contract: every real OCR engine reads the same rendered pages to the same expectations.

Upright and turned by a quarter either way (issue #3), whichever way the engine copes with a
turned page (``OcrEngine.upright_only``).

Runs against ppocr, ppocr-small, paddleocr (marker ``paddle``) and tesseract. An engine that
setup.sh installs fails here in CI when it is missing (``real_engine``), never skips silently.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from ingest.reading.ocrpage import ocr_page
from tests.reading.conftest import INDICTMENT, REAL_ENGINES, assert_offsets, real_engine
from tests.support import render
from tests.support.textmetrics import normalized_cer

# Tesseract's chi_sim model is the weakest engine: ~2% on this page (look-alikes such as
# 骗/驴); a broken engine, a lost line or CJK spaces left in would each exceed this.
MAX_CER = 0.04


@pytest.fixture(scope="module")
def indictment_page() -> Image.Image:
    """One clean A4 scan (uming, 200 DPI) of the fictional indictment."""
    return render.render_page_image("\n".join(INDICTMENT))


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_ENGINES)
def test_indictment_scan_is_read_back(name: str, indictment_page: Image.Image) -> None:
    engine = real_engine(name)
    page = ocr_page(indictment_page, engine, number=1)
    rate = normalized_cer("\n".join(INDICTMENT), page.text)
    print(f"{name}: normalised CER {rate:.4f}")
    assert rate <= MAX_CER, page.text
    assert "欧阳明远" in page.text and "320102198711230519" in page.text
    # one line of text per printed line: no CJK spaces left, no line split or lost
    assert not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", page.text.replace("\n", ""))
    assert len(page.lines) == 10, [line.text for line in page.lines]
    assert_offsets(page)
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert 0 <= line.confidence <= 1


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 270])
@pytest.mark.parametrize("name", REAL_ENGINES)
def test_issue3_page_turned_by_a_quarter_is_read_back(
    name: str, turn: int, indictment_page: Image.Image
) -> None:
    """Every engine, whether its boxes show the turn (ppocr) or it reads only upright pages."""
    scan = indictment_page.rotate(turn, expand=True)
    page = ocr_page(scan, real_engine(name), number=1)
    rate = normalized_cer("\n".join(INDICTMENT), page.text)
    print(f"{name} turned {turn}: normalised CER {rate:.4f}")
    assert rate <= MAX_CER, page.text
    assert len(page.lines) == 10, [line.text for line in page.lines]
    assert_offsets(page)
    assert (page.width, page.height) == scan.size
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert y1 - y0 > x1 - x0, line  # boxes on the scan as given: the lines run down it
        assert line.angle == turn  # up the scan for 90, down it for 270


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_ENGINES)
def test_lone_date_at_foot_of_page_is_found(name: str) -> None:
    page = ocr_page(render.render_page_image("2024年5月6日"), real_engine(name), number=1)
    assert page.text == "2024年5月6日"


@pytest.mark.parametrize("name", REAL_ENGINES)
def test_blank_page_reads_as_empty(name: str) -> None:
    page = ocr_page(Image.new("L", (1654, 2339), 255), real_engine(name), number=1)
    assert page.text == "" and page.lines == []
