"""Every reader: what it returns, and the error code each kind of bad input raises.

OCR here is a scripted engine (a real plugin returning fixed boxes), so these tests are fast and
check the plumbing: which pages are OCRed, what image the engine sees, boxes, offsets. Real OCR
accuracy is in test_ocr_accuracy.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import (
    DOCX_DAMAGED,
    EMPTY_FILE,
    IMAGE_DAMAGED,
    IMAGE_TOO_LARGE,
    PAGE_NOT_FOUND,
    PDF_DAMAGED,
    PDF_ENCRYPTED,
    TEXT_ENCODING,
    TOO_MANY_PAGES,
    TYPE_MISMATCH,
    CasefileError,
)
from ingest.ocr import get_engine
from ingest.reading import sniff
from ingest.reading.documents import open_document, read_file
from tests.reading.conftest import INDICTMENT, SHORT_PAGE, ScriptedEngine, assert_offsets
from tests.support import render

A4_200DPI = (1655, 2338)  # pdfium rounds the A4 page (595.44 x 841.68 pt) up at 200 DPI


def _code(fn, *args, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(CasefileError) as info:
        fn(*args, **kwargs)
    return info.value.code


# --- PDF -------------------------------------------------------------------------------------


def test_text_layer_pdf_is_read_without_ocr(tmp_path: Path, scripted: ScriptedEngine) -> None:
    pdf = render.render_text_pdf(["\n".join(INDICTMENT)], tmp_path / "digital.pdf")
    with open_document(pdf, sniff.PDF) as reader:
        assert reader.page_count == 1
        page = reader.read_page(1, scripted)
    assert scripted.seen == []  # the engine was never asked
    assert page.source == "text-layer"
    assert page.text == "\n".join(INDICTMENT)  # wrapped lines joined, paragraphs kept
    assert (page.width, page.height) == A4_200DPI
    assert_offsets(page)
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height


def test_text_layer_boxes_scale_with_dpi(tmp_path: Path) -> None:
    pdf = render.render_text_pdf([SHORT_PAGE], tmp_path / "digital.pdf")
    null = get_engine("null")
    with open_document(pdf, sniff.PDF, dpi=100) as low, open_document(pdf, sniff.PDF, dpi=200) as high:
        box_low = low.read_page(1, null).lines[0].bbox
        box_high = high.read_page(1, null).lines[0].bbox
        assert high.page_image(1).size == A4_200DPI
    assert box_high == pytest.approx([2 * v for v in box_low], abs=1.0)
    # The first line starts after the 0.9 in margin plus a two-character indent at 14 pt.
    assert box_high[0] == pytest.approx((0.9 * 72 + 2 * 14) * 200 / 72, abs=3)


def test_image_only_pdf_is_ocred_at_the_render_dpi(tmp_path: Path, scripted: ScriptedEngine) -> None:
    pdf = render.render_scanned_pdf([SHORT_PAGE, SHORT_PAGE], tmp_path / "scan.pdf")
    with open_document(pdf, sniff.PDF, dpi=150) as reader:
        pages = [reader.read_page(n, scripted) for n in (1, 2)]
    assert [p.source for p in pages] == ["ocr", "ocr"]
    assert scripted.seen == [(1241, 1754), (1241, 1754)]
    assert pages[0].text == "被告人张三"  # engine's spaces between CJK removed
    assert (pages[0].width, pages[0].height) == (1241, 1754)
    assert_offsets(pages[0])


def test_garbage_text_layer_is_ocred(tmp_path: Path, scripted: ScriptedEngine) -> None:
    pdf = render.render_text_pdf([SHORT_PAGE], tmp_path / "mojibake.pdf", garbage_layer_pages={0})
    with open_document(pdf, sniff.PDF) as reader:
        page = reader.read_page(1, scripted)
    assert page.source == "ocr" and scripted.seen == [A4_200DPI]


def test_layer_from_an_earlier_bad_ocr_is_ocred_again(tmp_path: Path, scripted: ScriptedEngine) -> None:
    pdf = render.render_text_pdf([SHORT_PAGE], tmp_path / "bad-ocr.pdf", bad_ocr_layer_pages={0})
    import pdfplumber

    with pdfplumber.open(pdf) as plumb:  # the layer is really there
        assert "亍丌兀" in plumb.pages[0].extract_text()
    with open_document(pdf, sniff.PDF) as reader:
        page = reader.read_page(1, scripted)
    assert page.source == "ocr" and scripted.seen == [A4_200DPI]


def test_mixed_pdf_is_decided_page_by_page(tmp_path: Path, scripted: ScriptedEngine) -> None:
    pdf = render.render_text_pdf(
        [INDICTMENT[0], INDICTMENT[1], INDICTMENT[2]], tmp_path / "mixed.pdf", scanned_pages={1}
    )
    with open_document(pdf, sniff.PDF) as reader:
        pages = [reader.read_page(n, scripted) for n in range(1, reader.page_count + 1)]
    assert [p.source for p in pages] == ["text-layer", "ocr", "text-layer"]
    assert pages[0].text == INDICTMENT[0] and pages[2].text == INDICTMENT[2]
    for page in pages:
        assert_offsets(page)


def test_one_page_can_be_read_from_a_fresh_reader(tmp_path: Path) -> None:
    texts = [f"第{i}页：被告人张三供述。" for i in range(1, 6)]
    pdf = render.render_text_pdf(texts, tmp_path / "five.pdf")
    with open_document(pdf, sniff.PDF) as reader:
        assert reader.read_page(4, get_engine("null")).text == texts[3]
        assert _code(reader.read_page, 6, get_engine("null")) == PAGE_NOT_FOUND.code
        assert _code(reader.read_page, 0, get_engine("null")) == PAGE_NOT_FOUND.code


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = render.render_text_pdf([SHORT_PAGE], tmp_path / "locked.pdf", encrypt_password="1234")
    assert _code(open_document, pdf, sniff.PDF) == PDF_ENCRYPTED.code


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.99])
def test_truncated_pdf(tmp_path: Path, keep: float) -> None:
    src = render.render_scanned_pdf([SHORT_PAGE, SHORT_PAGE], tmp_path / "full.pdf")
    cut = render.truncate_file(src, tmp_path / "cut.pdf", keep=keep)
    assert _code(open_document, cut, sniff.PDF) == PDF_DAMAGED.code


def test_broken_page_tree(tmp_path: Path) -> None:
    src = render.render_text_pdf([SHORT_PAGE] * 3, tmp_path / "full.pdf")
    broken = render.break_page_tree(src, tmp_path / "broken.pdf")
    assert _code(open_document, broken, sniff.PDF) == PDF_DAMAGED.code


def test_too_many_pages(tmp_path: Path) -> None:
    pdf = render.render_text_pdf(["甲", "乙", "丙"], tmp_path / "three.pdf")
    assert _code(open_document, pdf, sniff.PDF, max_pages=2) == TOO_MANY_PAGES.code


def test_oversized_pdf_page_is_refused_before_rendering(tmp_path: Path) -> None:
    pdf = render.render_scanned_pdf([SHORT_PAGE], tmp_path / "scan.pdf")
    with open_document(pdf, sniff.PDF, dpi=200, max_pixels=1_000_000) as reader:
        assert _code(reader.page_image, 1) == IMAGE_TOO_LARGE.code


# --- images ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_single_images(tmp_path: Path, scripted: ScriptedEngine, fmt: str) -> None:
    path = render.render_image(SHORT_PAGE, tmp_path / f"scan.{fmt.lower()}", fmt=fmt)
    media = sniff.sniff_media_type(path.read_bytes(), path.name)
    with open_document(path, media) as reader:
        assert reader.page_count == 1
        page = reader.read_page(1, scripted)
        assert reader.page_image(1).size == (1654, 2338)
    assert page.source == "ocr" and page.text == "被告人张三"
    assert (page.width, page.height) == (1654, 2338)
    assert_offsets(page)


def test_multi_page_tiff_reads_each_frame(tmp_path: Path, scripted: ScriptedEngine) -> None:
    path = render.render_tiff(["第一页", "第二页", "第三页"], tmp_path / "scan.tif")
    with open_document(path, sniff.TIFF) as reader:
        assert reader.page_count == 3
        pages = [reader.read_page(n, scripted) for n in (3, 1)]  # any order
        frames = [reader.page_image(n) for n in (1, 2, 3)]
    assert [p.number for p in pages] == [3, 1]
    assert len(scripted.seen) == 2
    for page in pages:
        assert page.source == "ocr"
        assert_offsets(page)
    # Frames differ: the third page's ink is not the first page's.
    assert frames[0].tobytes() != frames[2].tobytes()


def test_exif_orientation_is_applied(tmp_path: Path, scripted: ScriptedEngine) -> None:
    path = render.render_exif_rotated_jpeg(SHORT_PAGE, tmp_path / "phone.jpg", orientation=6)
    with Image.open(path) as raw:
        assert raw.size == (2338, 1654)  # stored sideways
    with open_document(path, sniff.JPEG) as reader:
        upright = reader.page_image(1)
        reader.read_page(1, scripted)
    assert upright.size == (1654, 2338)
    assert scripted.seen == [(1654, 2338)]
    # The text block is at the top-left of the upright page: ink in the top band, none at bottom.
    gray = np.asarray(upright.convert("L"))
    assert gray[150:400].min() < 100
    assert gray[2000:].min() > 200


def test_truncated_jpeg(tmp_path: Path) -> None:
    src = render.render_image(SHORT_PAGE, tmp_path / "scan.jpg", fmt="JPEG")
    cut = render.truncate_file(src, tmp_path / "cut.jpg", keep=0.5)
    with open_document(cut, sniff.JPEG) as reader:
        assert _code(reader.read_page, 1, get_engine("null")) == IMAGE_DAMAGED.code


def test_corrupt_png_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert _code(open_document, bad, sniff.PNG) == IMAGE_DAMAGED.code


def test_png_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = render.png_bomb(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 300_000  # 30000 x 30000 pixels from a few hundred KB
    assert _code(read_file, bomb, get_engine("null")) == IMAGE_TOO_LARGE.code


def test_image_over_our_own_limit_is_refused(tmp_path: Path) -> None:
    path = render.render_image(SHORT_PAGE, tmp_path / "scan.png", fmt="PNG")
    with open_document(path, sniff.PNG, max_pixels=1_000_000) as reader:
        assert _code(reader.page_image, 1) == IMAGE_TOO_LARGE.code


# --- text and Word ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"], ids=["utf8", "bom", "gb18030", "utf16"]
)
def test_text_file_encodings(tmp_path: Path, encoding: str) -> None:
    text = "起诉书\r\n被告人张三，男，1980年1月1日出生。\r\n\f第二页：此致"
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode(encoding))
    pages = read_file(path, get_engine("null"))
    assert [p.text for p in pages] == ["起诉书\n被告人张三，男，1980年1月1日出生。\n", "第二页：此致"]
    assert [p.source for p in pages] == ["text-layer", "text-layer"]
    assert pages[1].number == 2 and pages[0].width == 0
    for page in pages:
        assert_offsets(page)


def test_text_in_no_known_encoding(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\x81\x30\xff\xfe\x80" * 20)
    assert _code(open_document, path, sniff.TEXT) == TEXT_ENCODING.code


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("讯问笔录")
    document.add_paragraph("问：你叫什么名字？")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "张三"
    document.add_paragraph("答：我叫张三。")
    path = tmp_path / "record.docx"
    document.save(str(path))
    (page,) = read_file(path, get_engine("null"))
    assert page.text == "讯问笔录\n问：你叫什么名字？\n姓名\t张三\n答：我叫张三。"
    assert page.source == "text-layer"
    assert_offsets(page)


def test_damaged_docx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "record.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document><w:body>")  # cut off
    assert _code(open_document, path, sniff.DOCX) == DOCX_DAMAGED.code


def test_truncated_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("讯问笔录" * 200)
    full = tmp_path / "full.docx"
    document.save(str(full))
    cut = render.truncate_file(full, tmp_path / "cut.docx", keep=0.6)
    assert _code(open_document, cut, sniff.DOCX) == DOCX_DAMAGED.code


def test_text_has_no_page_image(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("甲", encoding="utf-8")
    with open_document(path, sniff.TEXT) as reader:
        assert _code(reader.page_image, 1) == PAGE_NOT_FOUND.code


# --- read_file -------------------------------------------------------------------------------


def test_read_file_refuses_empty_and_mislabelled(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert _code(read_file, empty, get_engine("null")) == EMPTY_FILE.code
    fake = tmp_path / "fake.pdf"
    fake.write_text("我不是PDF", encoding="utf-8")
    assert _code(read_file, fake, get_engine("null")) == TYPE_MISMATCH.code


def test_read_file_pages_serialise(tmp_path: Path) -> None:
    import json

    pdf = render.render_text_pdf([SHORT_PAGE, "第二页"], tmp_path / "a.pdf")
    pages = read_file(pdf, get_engine("null"))
    payload = json.loads(json.dumps([p.to_dict() for p in pages], ensure_ascii=False))
    assert [p["number"] for p in payload] == [1, 2]
    assert payload[0]["lines"][0]["start"] == 0
    assert payload[0]["text"] == SHORT_PAGE


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_text_layer_boxes_sit_on_the_rendered_ink(tmp_path: Path, rotation: int) -> None:
    pdf = render.render_text_pdf(
        ["\n".join(INDICTMENT)], tmp_path / "digital.pdf", page_rotation=rotation
    )
    with open_document(pdf, sniff.PDF) as reader:
        page = reader.read_page(1, get_engine("null"))
        ink = np.asarray(reader.page_image(1).convert("L")) < 128
    assert page.source == "text-layer"
    assert page.text == "\n".join(INDICTMENT)  # sideways print is read along its lines
    # /Rotate turns the page clockwise for display: the text runs down the page image at 90
    assert {line.angle for line in page.lines} == {(-rotation) % 360}
    assert ink.shape == (page.height, page.width)
    covered = np.zeros_like(ink)
    for line in page.lines:
        x0, y0, x1, y1 = (round(v) for v in line.bbox)
        box_ink = ink[y0:y1, x0:x1]
        assert box_ink.mean() > 0.05, (line.text, line.bbox)  # the box is on text
        covered[max(y0 - 3, 0) : y1 + 3, max(x0 - 3, 0) : x1 + 3] = True
    assert (ink & ~covered).sum() == 0  # and no text lies outside the boxes
