"""Searchable PDF: the scan with an invisible text layer that pdfplumber reads back in place."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from core.errors import FONT_MISSING, CasefileError
from ingest.reading.ocrpage import ocr_page
from ingest.reading.types import Line, PageContent
from ingest.searchable_pdf import make_searchable_pdf
from tests.reading.conftest import INDICTMENT, SHORT_PAGE
from tests.support import render

DPI = 200
TOLERANCE_PT = 0.5  # rounding in the PDF's number formatting


@pytest.mark.slow
def test_ocred_scan_becomes_searchable_with_text_over_its_lines(ppocr) -> None:  # noqa: ANN001
    images = [render.render_page_image(t, dpi=DPI, seed=i) for i, t in enumerate(INDICTMENT[:2])]
    pages = [ocr_page(img, ppocr, number=i + 1) for i, img in enumerate(images)]
    data = make_searchable_pdf(images, pages, dpi=DPI)
    k = 72 / DPI
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2
        for pdf_page, page, image in zip(pdf.pages, pages, images, strict=True):
            assert abs(pdf_page.width - image.width * k) < 0.1
            assert len(pdf_page.images) == 1  # the scan itself, full page
            text = pdf_page.extract_text().replace("\n", "")
            assert text == page.text.replace("\n", "")
            chars = [c for c in pdf_page.chars if c["text"].strip()]
            taken = 0
            for line in page.lines:
                x0, y0, x1, y1 = (v * k for v in line.bbox)
                ink = line.text.replace(" ", "")  # spaces draw no glyph box worth checking
                mine = chars[taken : taken + len(ink)]
                taken += len(ink)
                assert "".join(c["text"] for c in mine) == ink
                for c in mine:
                    assert x0 - TOLERANCE_PT <= c["x0"] < c["x1"] <= x1 + TOLERANCE_PT, (c, line)
                    assert y0 - TOLERANCE_PT <= c["top"] < c["bottom"] <= y1 + TOLERANCE_PT
            assert taken == len(chars)
        # a search in a viewer finds a number that the scan wraps over two lines
        first = pdf.pages[0].extract_text().replace("\n", "")
        assert "320102198711230519" in first and "欧阳明远" in first


def test_text_layer_is_invisible_render_mode_3(tmp_path: Path) -> None:
    image = Image.new("L", (400, 200), 255)
    line = Line(SHORT_PAGE[:6], [20, 40, 380, 80], 0.9, 0, 6)
    page = PageContent(1, 400, 200, "ocr", SHORT_PAGE[:6], [line])
    data = make_searchable_pdf([image], [page], dpi=DPI)
    with pdfplumber.open(io.BytesIO(data)) as doc:
        content = b"".join(s.get_data() for s in doc.pages[0].page_obj.contents)
    assert b"3 Tr" in content  # invisible text, as OCRmyPDF writes it
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(data)
    # a viewer's copy/search goes through ToUnicode: poppler must read the characters back
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert SHORT_PAGE[:6] in out.stdout.replace(" ", "")


def test_page_without_lines_keeps_just_the_image() -> None:
    image = Image.new("L", (400, 200), 255)
    data = make_searchable_pdf([image], [PageContent(1, 400, 200, "ocr", "")], dpi=DPI)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].chars == [] and len(pdf.pages[0].images) == 1


def test_missing_cjk_font_names_the_package(tmp_path: Path) -> None:
    image = Image.new("L", (400, 200), 255)
    with pytest.raises(CasefileError) as info:
        make_searchable_pdf(
            [image], [PageContent(1, 400, 200, "ocr", "")], dpi=DPI, font_paths=[tmp_path / "x.ttc"]
        )
    assert info.value.code == FONT_MISSING.code
    assert "apt-get install fonts-arphic-uming" in info.value.hint


def test_images_and_pages_must_pair_up() -> None:
    with pytest.raises(ValueError):
        make_searchable_pdf([Image.new("L", (10, 10), 255)], [], dpi=DPI)
