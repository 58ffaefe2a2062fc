"""The text layer as PDFium reads it: what pdfplumber read, on the page as PDFium renders it (issue #19)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from ingest.reading import sniff
from ingest.reading.documents import open_document
from ingest.reading.pdfium_lock import PDFIUM_LOCK
from ingest.reading.pdftext import PageText, read_page_text
from ingest.reading.textlayer import char_fragments, text_layer_problem
from tests.support.textlayer_pdfs import generated_pdfs, open_plumber, plumber_page_text

SCALE = 200 / 72
# pdfminer takes a glyph's box from the descent up by one font size, PDFium from the font's
# descent to its ascent: the same where ascent - descent is one em (the Arphic fonts), up to
# ~0.15 of a character's height apart where it is not (WenQuanYi, Helvetica); their advance
# widths differ by up to 1 px over a line.
LOOSER_FONTS = {"wqy", "image-in-form"}
# A font without a code-to-Unicode map: CJK glyphs are (cid:N) in both, but each decodes the
# Latin codes of a simple font differently (both garbage); the verdict is compared, not the text.
OWN_DECODING = {"garbage-layer", "no-tounicode"}
# pdfplumber measures a crop-boxed page from its media box, off the rendering: those are checked
# against the rendered glyphs instead (test_issue19_character_boxes_lie_on_the_rendered_glyphs).
NOT_COMPARABLE = {"crop-box", "crop-box-rotate-90"}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return dict(generated_pdfs(tmp_path_factory.mktemp("textlayer")))


def pdfium_pages(path: Path, scale: float = SCALE) -> list[PageText]:
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(path))
        try:
            pages = []
            for index in range(len(document)):
                page = document[index]
                try:
                    pages.append(read_page_text(page, scale))
                finally:
                    page.close()
            return pages
        finally:
            document.close()


def plumber_pages(path: Path) -> list[PageText]:
    with open_plumber(path) as document:
        return [plumber_page_text(page, SCALE) for page in document.pages]


def page_text(layer: PageText) -> str:
    """The page text ``PdfReader`` lays out of ``layer``."""
    from ingest.reading.layout import lay_out_page

    fragments, turn = char_fragments(layer.chars, layer.width, layer.height)
    page = lay_out_page(fragments, number=1, width=round(layer.width), height=round(layer.height),
                        source="text-layer", angle=(-turn) % 360)
    return page.text


def _where(char: tuple[str, list[float]]) -> tuple[int, int]:
    """A character's place, to the nearest 4 px: row, then column."""
    box = char[1]
    return round((box[1] + box[3]) / 8), round((box[0] + box[2]) / 8)


def _names(tmp: Path) -> list[str]:
    return [name for name, _ in generated_pdfs(tmp)]


CASES = [
    "uming", "ukai", "wqy", "rotate-90", "rotate-180", "rotate-270", "mixed-scan",
    "garbage-layer", "bad-ocr-layer", "crop-box", "crop-box-rotate-90", "no-tounicode",
    "image-in-form", "searchable-0", "searchable-90", "searchable-180", "searchable-270",
]


def test_every_generated_pdf_is_checked(tmp_path: Path) -> None:
    assert sorted(_names(tmp_path)) == sorted(CASES)


@pytest.mark.parametrize("name", [c for c in CASES if c not in NOT_COMPARABLE])
def test_issue19_pdfium_reads_the_characters_pdfplumber_read(pdfs: dict[str, Path], name: str) -> None:
    old_pages, new_pages = plumber_pages(pdfs[name]), pdfium_pages(pdfs[name])
    assert len(new_pages) == len(old_pages)
    for old, new in zip(old_pages, new_pages, strict=True):
        assert (new.width, new.height) == pytest.approx((old.width, old.height), abs=0.01)
        assert new.image_coverage == pytest.approx(old.image_coverage, abs=0.01)
        old_verdict, new_verdict = (
            text_layer_problem(
                "".join(f.text for f in char_fragments(p.chars, p.width, p.height)[0]),
                image_coverage=p.image_coverage,
            )
            for p in (old, new)
        )
        assert (new_verdict is None) == (old_verdict is None), (old_verdict, new_verdict)
        if name in OWN_DECODING:
            continue
        assert page_text(new) == page_text(old)
        # PDFium may list a page's text objects in another order than they are drawn (a page
        # turned by /Rotate 90): the same characters, matched by position
        for (text, a), (new_text, b) in zip(sorted(old.chars, key=_where), sorted(new.chars, key=_where), strict=True):
            assert new_text == text
            height = a[3] - a[1]
            tolerance_x, tolerance_y = (2.0, 0.2 * height) if name in LOOSER_FONTS else (1.0, 1.0)
            assert b[0] == pytest.approx(a[0], abs=tolerance_x), (text, a, b)
            assert b[2] == pytest.approx(a[2], abs=tolerance_x), (text, a, b)
            assert b[1] == pytest.approx(a[1], abs=tolerance_y), (text, a, b)
            assert b[3] == pytest.approx(a[3], abs=tolerance_y), (text, a, b)


@pytest.mark.parametrize(
    "name", ["uming", "rotate-90", "rotate-180", "rotate-270", "crop-box", "crop-box-rotate-90"]
)
def test_issue19_character_boxes_lie_on_the_rendered_glyphs(pdfs: dict[str, Path], name: str) -> None:
    """Boxes are where PDFium draws the glyphs: /Rotate turned, the crop box's corner the origin."""
    scale = 100 / 72
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(pdfs[name]))
        try:
            page = document[0]
            bitmap = page.render(scale=scale)
            ink = np.asarray(bitmap.to_pil().convert("L")) < 128
            bitmap.close()
            layer = read_page_text(page, scale)
            page.close()
        finally:
            document.close()
    assert (layer.width, layer.height) == pytest.approx((ink.shape[1], ink.shape[0]), abs=1.0)
    covered = np.zeros_like(ink)
    height, width = ink.shape
    glyphs = [(text, box) for text, box in layer.chars if not text.isspace()]
    # the pages turned by a quarter also carry text beyond the page's edge, not drawn
    inside = [(t, b) for t, b in glyphs if b[0] >= 0 and b[1] >= 0 and b[2] <= width and b[3] <= height]
    assert len(inside) > 50
    for text, (x0, y0, x1, y1) in glyphs:
        rows = slice(max(int(y0) - 1, 0), max(int(np.ceil(y1)) + 1, 0))
        columns = slice(max(int(x0) - 1, 0), max(int(np.ceil(x1)) + 1, 0))
        assert ink[rows, columns].any() or (text, [x0, y0, x1, y1]) not in inside, (text, (x0, y0, x1, y1))
        covered[rows, columns] = True
    assert ink[covered].sum() / ink.sum() > 0.99  # no glyph drawn outside the boxes


def test_issue19_crop_box_moves_the_boxes_by_its_corner(pdfs: dict[str, Path]) -> None:
    """The crop box (40, 60)-(560, 800) pt of an 841.68 pt page: boxes move left 40 and up 41.68 pt."""
    whole, cropped = pdfium_pages(pdfs["uming"])[0], pdfium_pages(pdfs["crop-box"])[0]
    assert (cropped.width, cropped.height) == pytest.approx((520 * SCALE, 740 * SCALE))
    dx, dy = 40 * SCALE, (841.68 - 800) * SCALE
    for (text, a), (_, b) in zip(whole.chars, cropped.chars, strict=True):
        assert b == pytest.approx([a[0] - dx, a[1] - dy, a[2] - dx, a[3] - dy], abs=0.1), text


def test_issue19_glyphs_without_unicode_are_spelled_cid_and_the_page_is_ocred(
    pdfs: dict[str, Path],
) -> None:
    (layer, *_) = pdfium_pages(pdfs["no-tounicode"])
    (old, *_) = plumber_pages(pdfs["no-tounicode"])
    # the glyphs PDFium cannot map are ones pdfminer could not either, spelled alike (pdfminer
    # gives up on a few more, which PDFium decodes through the font's built-in encoding)
    unmapped = [(i, t) for i, (t, _) in enumerate(layer.chars) if t.startswith("(cid:")]
    assert len(unmapped) > 30 and len(layer.chars) == len(old.chars)
    assert all(old.chars[i][0] == t for i, t in unmapped)
    fragments, _ = char_fragments(layer.chars, layer.width, layer.height)
    problem = text_layer_problem("".join(f.text for f in fragments))
    assert problem is not None and "cid" in problem
    with open_document(pdfs["no-tounicode"], sniff.PDF) as reader:
        assert reader.read_without_ocr(1) is None
    with open_document(pdfs["uming"], sniff.PDF) as reader:
        page = reader.read_without_ocr(1)
        assert page is not None and page.source == "text-layer"


def test_issue19_an_image_drawn_through_a_form_counts_where_the_form_puts_it(pdfs: dict[str, Path]) -> None:
    (layer,) = pdfium_pages(pdfs["image-in-form"])
    assert layer.image_coverage == pytest.approx(0.25, abs=0.01)  # scaled by half, both ways


def test_issue19_sideways_text_is_read_in_a_turned_frame(pdfs: dict[str, Path]) -> None:
    """Text drawn upright on a page shown turned by /Rotate 90 runs down the rendering."""
    (layer, *_) = pdfium_pages(pdfs["rotate-90"])
    _, turn = char_fragments(layer.chars, layer.width, layer.height)
    assert turn == 90
    with open_document(pdfs["rotate-90"], sniff.PDF) as turned, open_document(pdfs["uming"], sniff.PDF) as upright:
        assert turned.read_without_ocr(1).text == upright.read_without_ocr(1).text  # type: ignore[union-attr]
