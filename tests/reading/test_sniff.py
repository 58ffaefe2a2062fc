"""Sniffing decides by content; names are only checked against it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from core.errors import EMPTY_FILE, TYPE_MISMATCH, UNSUPPORTED_TYPE, CasefileError
from ingest.reading import sniff
from tests.support import render


def _head(path: Path) -> bytes:
    return path.read_bytes()[: sniff.HEAD_BYTES]


def _docx_bytes() -> bytes:
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("起诉书")
    d.save(buf)
    return buf.getvalue()


def test_each_supported_type_is_recognised_by_content(tmp_path: Path) -> None:
    pdf = render.render_text_pdf(["起诉书"], tmp_path / "a.pdf")
    png = render.render_image("起诉书", tmp_path / "a.png", fmt="PNG")
    jpg = render.render_image("起诉书", tmp_path / "a.jpg", fmt="JPEG")
    tif = render.render_tiff(["起诉书"], tmp_path / "a.tif")
    # Names deliberately uninformative: content decides.
    assert sniff.sniff_media_type(_head(pdf), "upload.bin") == sniff.PDF
    assert sniff.sniff_media_type(_head(png), "upload") == sniff.PNG
    assert sniff.sniff_media_type(_head(jpg), "scan") == sniff.JPEG
    assert sniff.sniff_media_type(_head(tif), "scan") == sniff.TIFF
    assert sniff.sniff_media_type(_docx_bytes(), "statement") == sniff.DOCX


@pytest.mark.parametrize(
    "data",
    [
        "被告人张三，男。\n".encode(),
        "\ufeff被告人张三，男。".encode(),
        "被告人张三，男。".encode("gb18030"),
        "被告人张三，男。".encode("utf-16"),
        b"plain ascii notes\r\n",
    ],
    ids=["utf8", "utf8-bom", "gb18030", "utf16", "ascii"],
)
def test_text_encodings_are_text(data: bytes) -> None:
    assert sniff.sniff_media_type(data, "notes.txt") == sniff.TEXT


def test_utf8_head_cut_inside_a_character_is_still_text() -> None:
    data = ("被告人" * 10).encode()[:-1]  # head boundary splits the last character
    assert sniff.sniff_media_type(data, "notes.txt") == sniff.TEXT


def test_image_formats_mislabelled_as_each_other_are_accepted(tmp_path: Path) -> None:
    png = render.render_image("笔录", tmp_path / "a.png", fmt="PNG")
    assert sniff.sniff_media_type(_head(png), "scan.jpg") == sniff.PNG


def _code(head: bytes, name: str) -> str:
    with pytest.raises(CasefileError) as info:
        sniff.sniff_media_type(head, name)
    return info.value.code


def test_empty_file() -> None:
    assert _code(b"", "a.pdf") == EMPTY_FILE.code


def test_text_named_pdf_is_a_mismatch() -> None:
    assert _code("这不是PDF".encode(), "indictment.pdf") == TYPE_MISMATCH.code


def test_pdf_named_docx_is_a_mismatch(tmp_path: Path) -> None:
    pdf = render.render_text_pdf(["起诉书"], tmp_path / "a.pdf")
    assert _code(_head(pdf), "a.docx") == TYPE_MISMATCH.code


def test_binary_junk_named_pdf_is_a_mismatch() -> None:
    assert _code(bytes(range(256)) * 4, "a.pdf") == TYPE_MISMATCH.code


def test_plain_zip_is_unsupported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", "a,b\n")
    assert _code(buf.getvalue(), "archive.zip") == UNSUPPORTED_TYPE.code
    assert _code(buf.getvalue(), "archive.docx") == UNSUPPORTED_TYPE.code


def test_executable_is_unsupported() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
    assert _code(exe, "setup.exe") == UNSUPPORTED_TYPE.code
    elf = b"\x7fELF\x02\x01\x01" + bytes(300)
    assert _code(elf, "tool") == UNSUPPORTED_TYPE.code
