"""Text-layer PDFs of every shape the readers meet, and pdfplumber's reading of them as reference.

pdfplumber read text layers until issue #19 item 4 moved the reader to PDFium
(``ingest.reading.pdftext``); ``plumber_page_text`` is that old reading, kept so the test and
``bench/textlayer/compare.py`` can check that PDFium gives the same characters and boxes.
All text is fictional.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.reading.pdftext import PageText
from ingest.reading.types import Line, PageContent
from tests.support import render

# Fictional text written for these PDFs (no real person, case or ID number).
CJK_PAGE = (
    "被告人欧阳明远，男，1987年11月23日出生，公民身份号码320102198711230519，汉族，高中文化。"
    "经依法审查查明：2022年9月至2023年5月间，被告人冒充某银行工作人员，骗取被害人人民币共计"
    "十二万三千元。本院认为，其行为触犯了《中华人民共和国刑法》第二百六十六条。"
)
LATIN_PAGE = "Case No. 2024-17: the defendant's statement, page 3 of 12 (exhibit B-4)."
MIXED_PAGE = "案号（2024）苏0102刑初17号 Exhibit B-4：银行流水 p. 12, total 123,000.00 元"


def plumber_page_text(page: Any, scale: float) -> PageText:
    """What pdfplumber reads of ``page`` (a ``pdfplumber.page.Page``), as ``PageText``."""
    x_off, y_off = float(page.bbox[0]), float(page.bbox[1])
    chars = [
        (ch["text"], [
            (ch["x0"] - x_off) * scale, (ch["top"] - y_off) * scale,
            (ch["x1"] - x_off) * scale, (ch["bottom"] - y_off) * scale,
        ])
        for ch in page.chars
    ]
    area = float(page.width * page.height) or 1.0
    covered = sum(
        max(0.0, float(im["x1"] - im["x0"])) * max(0.0, float(im["bottom"] - im["top"]))
        for im in page.images
    )
    return PageText(chars, float(page.width) * scale, float(page.height) * scale, min(covered / area, 1.0))


def with_crop_box(src: Path, dst: Path, box: tuple[float, float, float, float]) -> Path:
    """Copy of ``src`` whose every page shows only ``box`` (left, bottom, right, top; points)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(src))
    try:
        for page in document:
            page.set_cropbox(*box)
            page.close()
        document.save(str(dst))
    finally:
        document.close()
    return dst


def without_tounicode(src: Path, dst: Path) -> Path:
    """Copy of ``src`` whose fonts lost their ToUnicode maps (the key renamed, offsets kept)."""
    dst.write_bytes(src.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    return dst


def image_in_form_pdf(path: Path, text: str) -> Path:
    """A scan drawn through a Form XObject, scaled to half the page, with a few words over it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = 595.44, 841.68
    scan = render.render_page_image(text, dpi=72, seed=3)
    c = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    c.beginForm("scan")
    c.drawImage(ImageReader(scan), 0, 0, width=width, height=height)
    c.endForm()
    c.saveState()
    c.translate(width / 4, height / 4)
    c.scale(0.5, 0.5)  # the form's matrix: the image covers a quarter of the page
    c.doForm("scan")
    c.restoreState()
    c.setFont("Helvetica", 10)
    c.drawString(72, 72, "page 3")
    c.showPage()
    c.save()
    return path


def searchable_pdf(path: Path, angle: int) -> Path:
    """A blank scan with one invisible line running at ``angle`` (as ``make_searchable_pdf`` writes)."""
    from PIL import Image

    from ingest.searchable_pdf import make_searchable_pdf

    text = CJK_PAGE[:24]
    box = [100.0, 100.0, 900.0, 140.0] if angle in (0, 180) else [100.0, 100.0, 140.0, 900.0]
    page = PageContent(1, 1000, 1000, "ocr", text, [Line(text, box, 0.9, 0, len(text), angle)])
    path.write_bytes(make_searchable_pdf([Image.new("L", (1000, 1000), 255)], [page], dpi=200))
    return path


def generated_pdfs(folder: Path) -> Iterator[tuple[str, Path]]:
    """(name, path) of every kind of text-layer PDF the tests build, written into ``folder``."""
    pages = [CJK_PAGE, LATIN_PAGE, MIXED_PAGE]
    for font in render.FONTS:
        yield font, render.render_text_pdf(pages, folder / f"{font}.pdf", font=font)
    for turn in (90, 180, 270):
        yield f"rotate-{turn}", render.render_text_pdf(
            pages, folder / f"rotate-{turn}.pdf", page_rotation=turn
        )
    yield "mixed-scan", render.render_text_pdf(pages, folder / "mixed.pdf", scanned_pages={1})
    yield "garbage-layer", render.render_text_pdf([CJK_PAGE], folder / "garbage.pdf", garbage_layer_pages={0})
    yield "bad-ocr-layer", render.render_text_pdf([CJK_PAGE], folder / "bad.pdf", bad_ocr_layer_pages={0})
    plain = render.render_text_pdf(pages, folder / "plain.pdf")
    yield "crop-box", with_crop_box(plain, folder / "crop.pdf", (40.0, 60.0, 560.0, 800.0))
    turned = render.render_text_pdf(pages, folder / "turned-plain.pdf", page_rotation=90)
    yield "crop-box-rotate-90", with_crop_box(turned, folder / "crop-90.pdf", (30.0, 50.0, 580.0, 780.0))
    yield "no-tounicode", without_tounicode(plain, folder / "no-tounicode.pdf")
    yield "image-in-form", image_in_form_pdf(folder / "form.pdf", CJK_PAGE)
    for angle in (0, 90, 180, 270):
        yield f"searchable-{angle}", searchable_pdf(folder / f"searchable-{angle}.pdf", angle)


def open_plumber(data: bytes | Path) -> Any:
    """Open ``data`` (bytes or a path) with pdfplumber."""
    import pdfplumber

    return pdfplumber.open(io.BytesIO(data) if isinstance(data, bytes) else data)
