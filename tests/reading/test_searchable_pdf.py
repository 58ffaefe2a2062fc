"""Searchable PDF: the scan with an invisible text layer that pdfplumber reads back in place.

Upright scans and scans turned by 90/180/270 degrees, whose text layer runs along the turned
lines (``Line.angle``).
"""

from __future__ import annotations

import io
import itertools
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from core.errors import FONT_MISSING, CasefileError
from ingest.reading.ocrpage import ocr_page
from ingest.reading.types import Line, PageContent
from ingest.searchable_pdf import make_searchable_pdf, shown_turn
from tests.reading.conftest import INDICTMENT, SHORT_PAGE
from tests.support import render

DPI = 200
TOLERANCE_PT = 0.5  # rounding in the PDF's number formatting


def _along(char: dict[str, Any], angle: int) -> float:
    """How far along a line running at ``angle`` a character sits (PDF points, grows with the text)."""
    return {0: char["x0"], 90: -char["bottom"], 180: -char["x1"], 270: char["top"]}[angle]


def shown(box: list[float], turn: int, width: float, height: float) -> list[float]:
    """``box`` (top-left origin, on a ``width`` x ``height`` page) where the page turned ``turn``° clockwise shows it."""
    x0, y0, x1, y1 = box
    corners = [(x0, y0), (x1, y1)]
    moved = {
        0: corners,
        90: [(height - y, x) for x, y in corners],
        180: [(width - x, height - y) for x, y in corners],
        270: [(y, width - x) for x, y in corners],
    }[turn]
    (ax, ay), (bx, by) = moved
    return [min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)]


def assert_chars_fill_their_lines(pdf_page: Any, page: PageContent, k: float, turn: int | None = None) -> None:
    """Each line's characters, in the order drawn, spell it, lie in its box and run its way.

    pdfplumber reports a page as shown, turned by its /Rotate: so are the boxes and directions.
    ``turn``: how far the page is shown turned from the image its boxes are in; by default its
    /Rotate, which must then be ``shown_turn(page)`` (a grafted page may carry a /Rotate of its own).
    """
    if turn is None:
        turn = pdf_page.rotation
        assert turn == shown_turn(page)
    width, height = page.width * k, page.height * k
    chars = [c for c in pdf_page.chars if c["text"].strip()]
    taken = 0
    for line in page.lines:
        x0, y0, x1, y1 = shown([v * k for v in line.bbox], turn, width, height)
        angle = (line.angle - turn) % 360
        ink = line.text.replace(" ", "")  # spaces draw no glyph box worth checking
        mine = chars[taken : taken + len(ink)]
        taken += len(ink)
        assert "".join(c["text"] for c in mine) == ink
        for c in mine:
            assert x0 - TOLERANCE_PT <= c["x0"] < c["x1"] <= x1 + TOLERANCE_PT, (c, line)
            assert y0 - TOLERANCE_PT <= c["top"] < c["bottom"] <= y1 + TOLERANCE_PT, (c, line)
            assert c["upright"] == (angle in (0, 180))
        steps = [_along(b, angle) - _along(a, angle) for a, b in itertools.pairwise(mine)]
        assert all(step > 0 for step in steps), (line, steps)
    assert taken == len(chars)


def pdfium_text(data: bytes, index: int) -> str:
    """The text of page ``index`` as pdfium extracts it for copy and search (line breaks removed)."""
    document = pdfium.PdfDocument(data)
    try:
        text = document[index].get_textpage().get_text_range()
    finally:
        document.close()
    return text.replace("\r", "").replace("\n", "")


def poppler_text(data: bytes) -> str:
    """The text of the first page as poppler's pdftotext extracts it (line breaks removed)."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=data,
                         capture_output=True, check=True).stdout.decode("utf-8")
    return "".join(out.split())


def selected_text(data: bytes, bbox: list[float], image_height: int) -> str:
    """What pdfium copies from the region of the first page over ``bbox`` (image pixels)."""
    k = 72 / DPI
    x0, y0, x1, y1 = (v * k for v in bbox)
    page_h = image_height * k
    document = pdfium.PdfDocument(data)
    try:
        text = document[0].get_textpage().get_text_bounded(x0, page_h - y1, x1, page_h - y0)
    finally:
        document.close()
    return text.replace("\r", "").replace("\n", "")


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
            assert_chars_fill_their_lines(pdf_page, page, k)
        # a search in a viewer finds a number that the scan wraps over two lines
        first = pdf.pages[0].extract_text().replace("\n", "")
        assert "320102198711230519" in first and "欧阳明远" in first


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_scan_gets_its_text_layer_along_the_turned_lines(ppocr, turn: int) -> None:  # noqa: ANN001
    """The scan is kept as scanned, turned; the invisible text runs along its lines."""
    scan = render.render_page_image("\n".join(INDICTMENT), dpi=DPI).rotate(turn, expand=True)
    page = ocr_page(scan, ppocr, number=1)
    assert {line.angle for line in page.lines} == {turn}
    data = make_searchable_pdf([scan], [page], dpi=DPI)
    k = 72 / DPI
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        (pdf_page,) = pdf.pages
        assert pdf_page.rotation == turn  # shown upright; the scan itself is kept as scanned
        size = (scan.width * k, scan.height * k)  # a quarter turn shows it the other way round
        assert (pdf_page.width, pdf_page.height) == pytest.approx(size if turn == 180 else size[::-1])
        assert_chars_fill_their_lines(pdf_page, page, k)
        # the whole page reads in order, so a viewer's search finds what wraps over two lines
        assert pdf_page.extract_text().replace("\n", "") == page.text.replace("\n", "")
    assert pdfium_text(data, 0) == page.text.replace("\n", "")
    assert poppler_text(data) == page.text.replace("\n", "")
    # selecting a line on the scan copies that line (pdfium, as a viewer reads a selection)
    assert [selected_text(data, line.bbox, scan.height) for line in page.lines] == [
        line.text for line in page.lines
    ]


@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_line_is_drawn_the_way_it_runs(angle: int) -> None:
    # a 700 x 40 px line of seven characters, lying or standing in a 1000 x 1000 scan
    box = [100.0, 100.0, 800.0, 140.0] if angle in (0, 180) else [100.0, 100.0, 140.0, 800.0]
    line = Line(SHORT_PAGE[:7], box, 0.9, 0, 7, angle)
    page = PageContent(1, 1000, 1000, "ocr", SHORT_PAGE[:7], [line])
    data = make_searchable_pdf([Image.new("L", (1000, 1000), 255)], [page], dpi=DPI)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert_chars_fill_their_lines(pdf.pages[0], page, 72 / DPI)
        for c in pdf.pages[0].chars:  # each glyph fills the line's thickness: 40 px
            assert min(c["x1"] - c["x0"], c["bottom"] - c["top"]) == pytest.approx(40 * 72 / DPI, abs=0.1)
    assert pdfium_text(data, 0) == selected_text(data, box, 1000) == SHORT_PAGE[:7]


def test_line_at_an_odd_angle_is_refused() -> None:
    line = Line(SHORT_PAGE[:6], [20, 40, 380, 80], 0.9, 0, 6, 45)
    page = PageContent(1, 400, 200, "ocr", SHORT_PAGE[:6], [line])
    with pytest.raises(ValueError, match="angle"):
        make_searchable_pdf([Image.new("L", (400, 200), 255)], [page], dpi=DPI)


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


def test_issue17_scan_streams_are_not_ascii85_encoded() -> None:
    """The pure-Python ASCII85 of reportlab put a 300-page scan's searchable PDF near the child's limit."""
    from reportlab import rl_config

    noise = Image.effect_noise((400, 200), 64).convert("L")
    line = Line(SHORT_PAGE[:6], [20, 40, 380, 80], 0.9, 0, 6)
    data = make_searchable_pdf([noise], [PageContent(1, 400, 200, "ocr", SHORT_PAGE[:6], [line])], dpi=DPI)
    assert b"ASCII85Decode" not in data and b"/FlateDecode" in data
    assert rl_config.useA85  # reportlab's setting is back as it was for other PDFs
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[0].images) == 1 and "".join(c["text"] for c in pdf.pages[0].chars) == SHORT_PAGE[:6]


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
