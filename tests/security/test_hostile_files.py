"""A hostile-file corpus, generated here, uploaded file by file.

Each file gets a clear error or a failed status with a specific code, the service stays up, and
no other document is affected.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.state import build_state
from core.errors import lookup
from core.settings import Settings
from tests.conftest import bearer
from tests.support.render import png_bomb, render_image, render_text_pdf, render_tiff

CASE = "（2026）恶意样本1号"
TEXT = "讯问笔录\n问：你叫什么名字？\n答：我叫孙某某，1985年出生。"
# the generic code means "we did not understand what went wrong": no hostile file may end there
VAGUE = {"processing_failed"}


def _flip(data: bytes, rng: random.Random, flips: int) -> bytes:
    buf = bytearray(data)
    for _ in range(flips):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def corpus(tmp: Path) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(20261128)
    pdf = render_text_pdf([TEXT, TEXT + "第二页"], tmp / "ok.pdf").read_bytes()
    png = render_image(TEXT, tmp / "ok.png", dpi=60).read_bytes()
    jpg = render_image(TEXT, tmp / "ok.jpg", fmt="JPEG", dpi=60).read_bytes()
    tif = render_tiff([TEXT, TEXT], tmp / "ok.tif", dpi=60).read_bytes()
    docx_buf = io.BytesIO()
    import docx

    document = docx.Document()
    document.add_paragraph(TEXT)
    document.save(docx_buf)
    docx_bytes = docx_buf.getvalue()
    for kind, data in (("pdf", pdf), ("png", png), ("jpg", jpg), ("tif", tif), ("docx", docx_bytes)):
        for keep in (0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
            yield f"truncated-{keep}.{kind}", data[: max(1, int(len(data) * keep))]
        for n in range(8):
            yield f"flipped-{n}.{kind}", _flip(data, rng, flips=1 + n * 7)
    yield "empty.pdf", b""
    yield "one-byte.png", b"\x89"
    yield "bomb.png", png_bomb(tmp / "bomb.png").read_bytes()
    yield "bomb-jpeg.jpg", _jpeg_with_size(jpg, 60000, 60000)
    yield "encrypted.pdf", render_text_pdf([TEXT], tmp / "enc.pdf", encrypt_password="pw").read_bytes()
    yield "many-pages.pdf", render_text_pdf([f"第{i}页" for i in range(80)], tmp / "many.pdf").read_bytes()
    yield "count-lies.pdf", pdf.replace(b"/Count 2", b"/Count 99999999")
    yield "no-eof.pdf", pdf.replace(b"%%EOF", b"")
    yield "html.pdf", b"<html><body><script>alert(1)</script></body></html>"
    yield "pdf-then-zip.pdf", pdf + _zip({"a.txt": b"x"})
    yield "zip-named.docx", _zip({"a.txt": b"not a word file"})
    yield "docx-bad-xml.docx", _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document>"})
    yield "png-named.pdf", png
    yield "text-named.jpg", TEXT.encode()
    yield "gif.gif", b"GIF89a" + bytes(100)
    yield "elf.pdf", b"\x7fELF" + bytes(300)
    yield "utf16.txt", TEXT.encode("utf-16")
    yield "gb18030.txt", TEXT.encode("gb18030")
    yield "binary.txt", bytes(range(256)) * 4
    yield "../../../etc/passwd.txt", TEXT.encode()
    yield "..\\..\\windows\\win.ini.txt", (TEXT + "2").encode()
    yield "名字\x00带\x1b控制\r\n字符.txt", (TEXT + "3").encode()
    yield "\u202eexe.txt", (TEXT + "4").encode()
    yield "a" * 1000 + ".txt", (TEXT + "5").encode()
    yield "", (TEXT + "6").encode()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _jpeg_with_size(jpg: bytes, width: int, height: int) -> bytes:
    i = jpg.index(b"\xff\xc0")
    return jpg[: i + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + jpg[i + 9 :]


@pytest.fixture
def hostile_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data", load_demo=False, ocr_engine="null", max_pages=50,
        max_image_pixels=40_000_000, max_upload_bytes=20_000_000,
    )
    state = build_state(settings, eager_jobs=True)
    with TestClient(create_app(state=state), raise_server_exceptions=False) as client:
        client.headers.update(bearer(client, "admin", settings.admin_password))
        assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
        yield client
    state.ctx.db.dispose()


@pytest.mark.slow
def test_hostile_corpus(hostile_client: TestClient, tmp_path: Path) -> None:
    client = hostile_client
    files = list(corpus(tmp_path))
    assert len(files) >= 100
    outcomes: dict[str, str] = {}
    for name, data in files:
        response = client.post(f"/api/cases/{CASE}/documents", files=[("file", (name, data, "application/octet-stream"))])
        assert response.status_code < 500, f"{name!r}: {response.status_code} {response.text[:300]}"
        body = response.json()
        if response.status_code >= 400:
            assert lookup(body["code"]) and body["message"] and body["hint"], name
            outcomes[name] = f"refused:{body['code']}"
            continue
        for document in body["documents"]:
            detail = client.get(f"/api/documents/{document['id']}").json()
            assert detail["status"] in ("done", "failed"), f"{name!r} left {detail['status']}"
            assert "/" not in detail["filename"] and "\x00" not in detail["filename"]
            if detail["status"] == "failed":
                code = detail["error"]["code"]
                assert lookup(code) and detail["error"]["message"] and detail["error"]["hint"], name
                outcomes[name] = f"failed:{code}"
            else:
                outcomes[name] = "done"
    vague = {n: o for n, o in outcomes.items() if o.split(":")[-1] in VAGUE}
    assert not vague, f"files that ended with a vague error: {vague}"
    assert outcomes["encrypted.pdf"] == "failed:pdf_encrypted"
    assert outcomes["many-pages.pdf"] == "failed:too_many_pages"
    assert outcomes["bomb.png"] == "failed:image_too_large"
    assert outcomes["empty.pdf"] == "refused:empty_file"
    # the service is up and a good document still goes all the way through
    assert client.get("/healthz").status_code == 200
    good = client.post(f"/api/cases/{CASE}/documents", files=[("file", ("good.txt", "起诉书\n被告人钱某某。".encode(), "text/plain"))])
    [document] = good.json()["documents"]
    assert client.get(f"/api/documents/{document['id']}").json()["status"] == "done"
    found = client.get("/api/search", params={"q": "钱某某"}).json()
    assert found["total"] == 1
