"""The searchable PDF of a JPEG upload carries the JPEG's own bytes, shown the way its EXIF says."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps

from ingest.reading.types import Line, PageContent
from ingest.searchable_pdf import JpegScan, jpeg_scan, make_searchable_pdf
from tests.reading.test_searchable_pdf import pdfium_text
from tests.support import render

DPI = 200
TEXT = "被告人李秀兰，女，1990年2月5日出生，公民身份号码110101199002050028。"


def _photo(path: Path, orientation: int | None) -> Path:
    """A page photographed and stored with EXIF ``orientation`` (its pixels turned to match)."""
    upright = render.render_page_image(TEXT, dpi=DPI).convert("RGB")
    # what a camera stores for each orientation: the upright page turned back
    stored = {None: upright, 1: upright, 3: upright.rotate(180, expand=True),
              6: upright.rotate(90, expand=True), 8: upright.rotate(-90, expand=True),
              2: upright.transpose(Image.Transpose.FLIP_LEFT_RIGHT)}[orientation]
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=85, exif=exif)
    return path


def _page(scan: JpegScan) -> PageContent:
    """The page as the reader gives it: upright, one line over the text's top left."""
    line = Line(text="被告人李秀兰", bbox=[190.0, 190.0, 520.0, 250.0], confidence=0.99, start=0, end=6)
    return PageContent(number=1, width=scan.width, height=scan.height, source="ocr", text="被告人李秀兰",
                       lines=[line])


@pytest.mark.parametrize("orientation", [None, 1, 3, 6, 8])
def test_the_jpeg_itself_is_the_page_and_shows_upright(tmp_path: Path, orientation: int | None) -> None:
    path = _photo(tmp_path / "IMG_20260301_101500.jpg", orientation)
    scan = jpeg_scan(path)
    assert scan is not None
    upright = ImageOps.exif_transpose(Image.open(path)).convert("L")
    assert (scan.width, scan.height) == upright.size
    data = make_searchable_pdf([scan], [_page(scan)], dpi=DPI)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert image.read_raw_bytes() == path.read_bytes()  # the file's bytes, not re-encoded
    # as a viewer shows it: the upright page (JPEG loss and resampling aside)
    document = pdfium.PdfDocument(data)
    try:
        shown = document[0].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        document.close()
    assert shown.size[0] - upright.size[0] in (0, 1) and shown.size[1] - upright.size[1] in (0, 1)  # rounded up
    w, h = upright.size
    # the ink where the upright page has it (a page is mostly paper: compare the ink, not the mean)
    ink_shown, ink_upright = np.asarray(shown)[:h, :w] < 128, np.asarray(upright) < 128
    overlap = (ink_shown & ink_upright).sum() / (ink_shown | ink_upright).sum()
    assert overlap > 0.5, overlap
    assert pdfium_text(data, 0) == "被告人李秀兰"


def test_a_mirrored_or_cmyk_jpeg_is_not_drawn_as_it_is(tmp_path: Path) -> None:
    assert jpeg_scan(_photo(tmp_path / "mirrored.jpg", 2)) is None
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (200, 300), (0, 0, 0, 0)).save(cmyk, "JPEG")
    assert jpeg_scan(cmyk) is None
    png = tmp_path / "page.jpg"  # named .jpg, a PNG inside
    Image.new("L", (200, 300), 255).save(png, "PNG")
    assert jpeg_scan(png) is None


@pytest.mark.parametrize(("size", "drawn_as_is"), [((1654, 2338), True), ((827, 1169), False)])
def test_render_job_draws_a_jpeg_upload_from_its_bytes(tmp_path: Path, size: tuple[int, int], drawn_as_is: bool) -> None:
    """The render child uses the file itself when the page was read at the file's size, else renders."""
    from ingest import render_job
    from ingest.page_images import page_image_file, searchable_pdf_file

    path = _photo(tmp_path / "IMG_0001.jpg", 6)
    width, height = size
    page = {"number": 1, "width": width, "height": height, "source": "ocr", "text": "", "lines": []}
    job = {"job": "searchable", "pages": [page], "original": str(path), "media_type": "image/jpeg",
           "sha256": "f" * 64, "pages_dir": str(tmp_path / "pages"), "dpi": DPI, "max_pages": 10,
           "max_pixels": 10**9, "memory_mb": 0}
    render_job.build_searchable(job)
    data = searchable_pdf_file(tmp_path / "pages", "f" * 64).read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert (image.read_raw_bytes() == path.read_bytes()) is drawn_as_is
    # nothing rendered to the page cache when the file itself was used
    assert page_image_file(tmp_path / "pages", "f" * 64, 1).exists() is not drawn_as_is
