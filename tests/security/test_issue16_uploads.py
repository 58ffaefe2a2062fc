"""Issue 16, items 12-14: what a hostile upload may leave behind, how many pages, what name.

12. A refused upload (415) is not stored in originals/; an accepted original with the same content
    (in another case) is untouched by a refusal.
13. The page limit holds for every reader: a TXT of form feeds fails with too_many_pages, and so
    does any reader that forgets to check it.
14. Bidirectional controls and other format characters are stripped from file names, when stored
    and when shown.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.state import AppState
from core.errors import CasefileError
from core.names import sanitize_filename
from ingest.reading import ReaderSpec, documents, open_document
from ingest.reading.base import ReaderBase
from ingest.reading.sniff import TEXT
from tests.conftest import bearer

CASE_A = "（2026）安全测试1号"
CASE_B = "（2026）安全测试2号"


def _originals(state: AppState) -> list[Path]:
    root = state.settings.originals_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload(client: TestClient, case: str, name: str, data: bytes) -> tuple[int, dict]:
    response = client.post(f"/api/cases/{case}/documents", files=[("file", (name, data))])
    return response.status_code, response.json()


def _new_case(client: TestClient, case: str) -> None:
    assert client.post("/api/cases", json={"case_number": case}).status_code == 201


# 12 ---------------------------------------------------------------------------------------------

def test_issue16_a_refused_upload_is_not_stored(client: TestClient, state: AppState) -> None:
    _new_case(client, CASE_A)
    status, body = _upload(client, CASE_A, "tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 8)
    assert status == 415, body
    assert body["code"] == "unsupported_type"
    status, body = _upload(client, CASE_A, "scan.pdf", b"\x00\x01\x02 not a pdf at all" * 50)
    assert status == 415 and body["code"] == "type_mismatch"
    assert _originals(state) == []


def test_issue16_refusing_a_file_leaves_an_accepted_original_of_the_same_content(
    client: TestClient, state: AppState
) -> None:
    """The same bytes accepted in one case and refused (by name) in another: the original stays."""
    content = "讯问笔录\n问：你叫什么名字？\n答：我叫孙某某。".encode()
    _new_case(client, CASE_A)
    _new_case(client, CASE_B)
    status, body = _upload(client, CASE_A, "笔录.txt", content)
    assert status == 201, body
    [original] = _originals(state)
    status, body = _upload(client, CASE_B, "笔录.pdf", content)  # text named as a PDF
    assert status == 415 and body["code"] == "type_mismatch"
    assert _originals(state) == [original]
    assert original.read_bytes() == content
    document_id = client.get(f"/api/cases/{CASE_A}/documents").json()[0]["id"]
    assert client.get(f"/api/documents/{document_id}/original").content == content


# 13 ---------------------------------------------------------------------------------------------

def test_issue16_the_text_reader_keeps_the_page_limit(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_bytes(b"\x0c" * 10)  # 11 pages
    with open_document(path, TEXT, max_pages=11) as reader:
        assert reader.page_count == 11
    with pytest.raises(CasefileError) as caught:
        open_document(path, TEXT, max_pages=10)
    assert caught.value.code == "too_many_pages"


class _ManyPages(ReaderBase):
    """A reader registered later that forgets to check the limit itself."""

    closed = False

    def __init__(self) -> None:
        self.page_count = 6000

    def close(self) -> None:
        type(self).closed = True


def test_issue16_a_reader_that_forgets_the_page_limit_is_held_to_it(tmp_path: Path) -> None:
    documents.register_reader(
        ReaderSpec("many-pages", ("application/x-many-pages",), lambda *_: _ManyPages())
    )
    try:
        with pytest.raises(CasefileError) as caught:
            open_document(tmp_path / "any", "application/x-many-pages", max_pages=5000)
    finally:
        documents.READER_REGISTRY.unregister("many-pages")
    assert caught.value.code == "too_many_pages"
    assert _ManyPages.closed


def test_issue16_a_text_of_form_feeds_fails_with_too_many_pages(
    client: TestClient, state: AppState
) -> None:
    """The red team's file: 10 KB of form feeds (5,101 pages against a limit of 5,000)."""
    _new_case(client, CASE_A)
    status, body = _upload(client, CASE_A, "feeds.txt", "第一页".encode() + b"\x0c" * 5100)
    assert status == 201, body
    [created] = body["documents"]
    document = client.get(f"/api/documents/{created['id']}").json()
    assert document["status"] == "failed"
    assert document["error"]["code"] == "too_many_pages"
    assert document["pages"] == []


# 14 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("invoice\u202etxt.exe", "invoicetxt.exe"),  # right-to-left override
        ("\u2066起诉书\u2069\u200b.pdf", "起诉书.pdf"),  # isolates, zero-width space
        ("笔录\u200f\u200e\u061c\ufeff（第1册）.txt", "笔录（第1册）.txt"),  # marks, BOM
        ("名\u00ad单.docx", "名单.docx"),  # soft hyphen (Cf)
        ("a\x85b\u2028c.txt", "a_b_c.txt"),  # C1 control, line separator
        ("张三 起诉意见书 2026.pdf", "张三 起诉意见书 2026.pdf"),
    ],
)
def test_issue16_file_names_lose_format_characters(raw: str, shown: str) -> None:
    assert sanitize_filename(raw) == shown


def test_issue16_a_right_to_left_name_is_stored_and_shown_plain(
    client: TestClient, state: AppState
) -> None:
    _new_case(client, CASE_A)
    status, body = _upload(client, CASE_A, "询问笔录\u202etxt.exe.txt", "询问笔录\n答：是。".encode())
    assert status == 201, body
    [created] = body["documents"]
    assert created["filename"] == "询问笔录txt.exe.txt"
    listed = client.get(f"/api/cases/{CASE_A}/documents").json()
    assert [d["filename"] for d in listed] == ["询问笔录txt.exe.txt"]
    download = client.get(f"/api/documents/{created['id']}/original")
    assert "\u202e" not in download.headers["content-disposition"]
    assert "%E2%80%AE" not in download.headers["content-disposition"].upper()


def test_issue16_a_name_stored_before_the_rule_is_shown_plain(
    client: TestClient, state: AppState
) -> None:
    from models.tables import Document

    _new_case(client, CASE_A)
    _, body = _upload(client, CASE_A, "old.txt", "旧文件".encode())
    document_id = body["documents"][0]["id"]
    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.original_name = "invoice\u202etxt.exe"
        session.commit()
    assert client.get(f"/api/documents/{document_id}").json()["filename"] == "invoicetxt.exe"


def test_issue16_rejected_names_are_reported_plain(anonymous: TestClient, state: AppState) -> None:
    anonymous.headers.update(bearer(anonymous, "admin", state.settings.admin_password))
    _new_case(anonymous, CASE_A)
    status, body = _upload(anonymous, CASE_A, "x\u202eexe.bin", io.BytesIO(b"MZ" + bytes(300)).getvalue())
    assert status == 415
    assert body["rejected"][0]["filename"] == "xexe.bin"
