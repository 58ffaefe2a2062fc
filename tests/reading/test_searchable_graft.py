"""The searchable PDF of an uploaded PDF: its own pages, untouched, with the OCR text grafted on.

A clerk's scanner PDF holds JPEG or JBIG2 scans at the scanner's resolution; the searchable PDF
must show exactly those (not a 200 DPI re-rendering, several times larger) with the invisible
text over each line, turned pages shown upright, and the 卷内目录 as bookmarks.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
from PIL import Image

from core.errors import PDF_DAMAGED, CasefileError
from ingest.reading.documents import open_document
from ingest.reading.types import Line, PageContent, PageSource
from ingest.searchable_pdf import graft_text_layer, shown_turn
from tests.reading.conftest import INDICTMENT
from tests.reading.test_searchable_pdf import assert_chars_fill_their_lines, pdfium_text
from tests.support import render

DPI = 200
K = 72 / DPI  # points per pixel of the rendering the boxes are in


def _scans() -> list[Image.Image]:
    """Two upright pages and one scanned turned by a quarter (counter-clockwise)."""
    pages = [render.render_page_image(text, dpi=DPI, seed=i) for i, text in enumerate(INDICTMENT[:2])]
    return [*pages, render.render_page_image(INDICTMENT[2], dpi=DPI).rotate(90, expand=True)]


@pytest.fixture(scope="module")
def scanner_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scanner's PDF: one JPEG image per page at 200 DPI, nothing else."""
    path = tmp_path_factory.mktemp("graft") / "IMG_0001.pdf"
    first, *rest = _scans()
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return path


@pytest.fixture(scope="module")
def turned_by_its_page_tree(scanner_pdf: Path) -> Path:
    """The same file with /Rotate 90 on its page tree (inherited by every page), as some scanners write."""
    path = scanner_pdf.with_name("IMG_0002.pdf")
    with pikepdf.open(scanner_pdf) as pdf:
        pdf.Root.Pages.Rotate = 90
        pdf.save(path)
    return path


def _graft(original: Path, pages: list[PageContent], **kwargs: Any) -> bytes:
    out = io.BytesIO()
    graft_text_layer(original, pages, out, **kwargs)
    return out.getvalue()


def _read(path: Path, engine: Any) -> list[PageContent]:
    with open_document(path, "application/pdf", dpi=DPI, max_pages=10, max_pixels=10**9) as reader:
        return [reader.read_page(n, engine) for n in range(1, reader.page_count + 1)]


def _images(path: Path | io.BytesIO) -> list[list[bytes]]:
    """Each page's image streams as stored (still encoded)."""
    with pikepdf.open(path) as pdf:
        return [[image.read_raw_bytes() for image in page.get_images().values()] for page in pdf.pages]


def assert_text_over_its_lines(data: bytes, pages: list[PageContent]) -> None:
    """Every page reads as OCR read it, each character inside its line's box as the page is shown."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == len(pages)
        for pdf_page, page in zip(pdf.pages, pages, strict=True):
            assert pdf_page.extract_text().replace("\n", "") == page.text.replace("\n", "")
            turn = shown_turn(page)  # how the page is shown, from the frame the boxes are in
            width, height = page.width * K, page.height * K
            assert (pdf_page.width, pdf_page.height) == pytest.approx(
                (width, height) if turn in (0, 180) else (height, width), abs=1
            )
            assert_chars_fill_their_lines(pdf_page, page, K, turn)


@pytest.mark.slow
def test_scanner_pdf_keeps_its_scans_and_gets_text_over_every_line(scanner_pdf: Path, ppocr: Any) -> None:
    pages = _read(scanner_pdf, ppocr)
    assert [shown_turn(page) for page in pages] == [0, 0, 90]
    data = _graft(scanner_pdf, pages)
    assert _images(io.BytesIO(data)) == _images(scanner_pdf)  # the scans byte for byte
    assert len(data) < scanner_pdf.stat().st_size * 1.5  # the text layer adds little
    assert_text_over_its_lines(data, pages)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert [p.rotation for p in pdf.pages] == [0, 0, 90]  # the turned scan shown upright
    assert "320102198711230519" in pdfium_text(data, 0)  # a number the scan wraps over two lines


@pytest.mark.slow
def test_a_page_tree_rotation_is_kept_and_the_text_follows_it(turned_by_its_page_tree: Path, ppocr: Any) -> None:
    pages = _read(turned_by_its_page_tree, ppocr)
    # shown by its /Rotate 90, the first two scans lie on their side: OCR reads them turned
    assert [shown_turn(page) for page in pages] == [270, 270, 0]
    data = _graft(turned_by_its_page_tree, pages)
    assert _images(io.BytesIO(data)) == _images(turned_by_its_page_tree)
    assert_text_over_its_lines(data, pages)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # 90 + 270: upright again; the third was upright already with the inherited 90
        assert [p.rotation for p in pdf.pages] == [0, 0, 90]


def _page(number: int, source: PageSource = "ocr", text: str = "被告人张三") -> PageContent:
    line = Line(text=text, bbox=[200.0, 300.0, 700.0, 340.0], confidence=0.99, start=0, end=len(text))
    return PageContent(number=number, width=1655, height=2338, source=source, text=text, lines=[line])


def test_only_the_pages_asked_for_in_their_order_with_bookmarks(scanner_pdf: Path) -> None:
    pages = [_page(3, text="第三页"), _page(1, text="第一页")]
    data = _graft(scanner_pdf, pages, outline=[("起诉意见书", 3), ("讯问笔录", 1)])
    originals = _images(scanner_pdf)
    assert _images(io.BytesIO(data)) == [originals[2], originals[0]]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
        with pdf.open_outline() as outline:
            titles = [(item.title, item.destination[0]) for item in outline.root]  # type: ignore[index]
        assert titles == [("起诉意见书", pdf.pages[0].obj), ("讯问笔录", pdf.pages[1].obj)]
    assert pdfium_text(data, 0) == "第三页"


def test_a_page_with_its_own_text_layer_gets_no_second_one(scanner_pdf: Path) -> None:
    data = _graft(scanner_pdf, [_page(1, source="text-layer"), _page(2)])
    assert pdfium_text(data, 0) == ""  # the scan has no text of its own, and none was added
    assert pdfium_text(data, 1) == "被告人张三"


def test_a_bookmark_to_a_missing_page_is_refused(scanner_pdf: Path) -> None:
    with pytest.raises(ValueError, match="bookmarks point at pages"):
        _graft(scanner_pdf, [_page(1)], outline=[("起诉书", 2)])


def test_a_file_that_is_no_pdf_is_a_damaged_pdf(tmp_path: Path) -> None:
    broken = tmp_path / "IMG_0003.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    with pytest.raises(CasefileError) as caught:
        _graft(broken, [_page(1)])
    assert caught.value.code == PDF_DAMAGED.code


def test_render_job_draws_a_pdf_qpdf_cannot_open(
    scanner_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF that PDFium read but qpdf refuses still gets its searchable PDF, drawn from renderings."""
    from ingest import render_job, searchable_pdf
    from ingest.page_images import page_image_file, searchable_pdf_file

    def refuses(original: Path, *args: Any, **kwargs: Any) -> None:
        raise CasefileError(PDF_DAMAGED, f"{original.name}: qpdf says no")

    monkeypatch.setattr(searchable_pdf, "graft_text_layer", refuses)
    page = _page(1)
    job = {"job": "searchable", "original": str(scanner_pdf), "media_type": "application/pdf",
           "pages": [{"number": 1, "width": page.width, "height": page.height, "source": "ocr",
                      "text": page.text, "lines": [vars(line) for line in page.lines]}],
           "sha256": "e" * 64, "pages_dir": str(tmp_path / "pages"), "dpi": DPI, "max_pages": 10,
           "max_pixels": 10**9, "memory_mb": 0}
    render_job.build_searchable(job)
    assert page_image_file(tmp_path / "pages", "e" * 64, 1).exists()  # rendered, then drawn
    data = searchable_pdf_file(tmp_path / "pages", "e" * 64).read_bytes()
    assert pdfium_text(data, 0) == "被告人张三"
