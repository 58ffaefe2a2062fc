"""Issue #17 item 4: the 卷内目录 as a printable PDF, and as bookmarks in the searchable PDF.

The printed catalogue lists every document of the case's processed files, pages counted across
the files in order as the case page counts them; another agency gets 404. The searchable PDF of
a scanned volume opens with one bookmark per catalogued document (title → its first page).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pdfplumber
import pypdfium2
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, update

from api.app import create_app
from api.services.users import create_user
from api.state import AppState, build_state
from core.settings import Settings
from ingest.reading.types import PageContent
from ingest.searchable_pdf import make_searchable_pdf
from models.tables import AuditEvent, Document
from nlp.catalogue.export import CatalogueRow, render_catalogue_pdf
from tests.conftest import bearer
from tests.support.render import render_text_pdf

CASE = "（2026）京公朝刑立字第417号"
POLICE, STRANGER = "北京市公安局朝阳分局", "乙市人民检察院"
PASSWORD = "catalogue-password-1"
VOLUME = [  # one file holding two documents: 受案登记表 (p. 1), 拘留证 (pp. 2-3)
    "北京市公安局朝阳分局\n受案登记表\n京公朝（刑）受案字〔2026〕0315号\n报案人：赵某\n2026年3月1日",
    "北京市公安局朝阳分局\n拘留证\n京公朝（刑）拘字〔2026〕415号\n犯罪嫌疑人李明远，男，因涉嫌盗窃罪，决定刑事拘留。",
    "（此页无正文）\n北京市公安局朝阳分局（印）\n2026年3月3日",
]
RECORD = ["讯问笔录（第1次）\n时间：2026年3月3日\n问：你叫什么？\n答：李明远。", "问：还有吗？\n答：没有。"]
DPI = 72


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", load_demo=False, ocr_engine="null")


@pytest.fixture
def api(state: AppState) -> Iterator[TestClient]:
    with state.ctx.db.session() as session:
        create_user(session, "police-clerk", PASSWORD, agency=POLICE, role="clerk")
        create_user(session, "stranger-clerk", PASSWORD, agency=STRANGER, role="clerk")
    with TestClient(create_app(state=state)) as client:
        client.headers.update(bearer(client, "police-clerk", PASSWORD))
        assert client.post("/api/cases", json={"case_number": CASE, "title": "李明远盗窃案"}).status_code == 201
        yield client


def _upload(client: TestClient, name: str, content: bytes) -> int:
    response = client.post(f"/api/cases/{CASE}/documents", files=[("file", (name, content))])
    assert response.status_code == 201, response.text
    [document] = response.json()["documents"]
    assert client.get(f"/api/documents/{document['id']}").json()["status"] == "done"
    return int(document["id"])


def _table_rows(data: bytes) -> list[list[str]]:
    """The 卷内目录 table's body rows, cells without line breaks, across every page."""
    rows: list[list[str]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    cells = [(cell or "").replace("\n", "") for cell in row]
                    if cells[0] != "序号":  # the header, repeated on every page
                        rows.append(cells)
    return rows


def test_issue17_catalogue_pdf_lists_every_document_with_case_pages(api: TestClient, tmp_path: Path) -> None:
    volume = render_text_pdf(VOLUME, tmp_path / "卷一.pdf").read_bytes()
    record = render_text_pdf(RECORD, tmp_path / "笔录.pdf").read_bytes()
    _upload(api, "卷一.pdf", volume)
    _upload(api, "笔录.pdf", record)

    response = api.get(f"/api/cases/{CASE}/catalogue.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert 'filename="case-' in disposition  # the ASCII fallback
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "（2026）京公朝刑立字第417号_卷内目录.pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = (pdf.pages[0].extract_text() or "").replace(" ", "")
    assert text.startswith("卷内目录") and f"案号：{CASE}" in text and "李明远盗窃案" in text
    rows = _table_rows(response.content)
    # 序号, 文书名称, 文号, 责任者, 日期, 页号 (across the case's files), 备注 (file and its pages)
    assert [(r[0], r[1], r[5]) for r in rows] == [
        ("1", "受案登记表", "1"), ("2", "拘留证", "2-3"), ("3", "讯问笔录（第1次）", "4-5")]
    assert rows[0][2:5] == ["京公朝（刑）受案字〔2026〕0315号", POLICE, "20260301"]
    assert [r[6].replace(" ", "") for r in rows] == ["卷一.pdf第1页", "卷一.pdf第2-3页", "笔录.pdf第1-2页"]


def test_issue17_catalogue_pdf_is_audited_and_hidden_from_another_agency(
    api: TestClient, state: AppState, tmp_path: Path
) -> None:
    _upload(api, "卷一.pdf", render_text_pdf(VOLUME, tmp_path / "卷一.pdf").read_bytes())
    assert api.get(f"/api/cases/{CASE}/catalogue.pdf").status_code == 200
    with state.ctx.db.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert event is not None
        assert (event.actor, event.action, event.target) == ("police-clerk", "catalogue.export", f"case:{CASE}")

    stranger = bearer(api, "stranger-clerk", PASSWORD)
    response = api.get(f"/api/cases/{CASE}/catalogue.pdf", headers=stranger)
    assert response.status_code == 404 and response.json()["code"] == "case_not_found"
    missing = api.get("/api/cases/（2026）无此案1号/catalogue.pdf")
    assert missing.status_code == 404 and missing.json()["code"] == "case_not_found"


def test_issue17_catalogue_pdf_table_runs_over_pages_with_its_header() -> None:
    rows = [CatalogueRow(title=f"讯问笔录（第{i}次）", type="讯问笔录", first_page=2 * i - 1, last_page=2 * i,
                         agency=POLICE, date="2026-03-03", note=f"IMG_{i:04d}.pdf 第1-2页") for i in range(1, 61)]
    data = render_catalogue_pdf(rows, case_number=CASE)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages:
            assert page.extract_tables()[0][0][:2] == ["序号", "文书名称"]
            assert f"第 {page.page_number} 页" in (page.extract_text() or "")
    assert [(r[1], r[5]) for r in _table_rows(data)] == [
        (f"讯问笔录（第{i}次）", f"{2 * i - 1}-{2 * i}") for i in range(1, 61)]


def _scanned_pdf(pages: int) -> bytes:
    out = io.BytesIO()
    first, *rest = [Image.new("RGB", (600, 800), "white") for _ in range(pages)]
    first.save(out, format="PDF", save_all=True, append_images=rest)
    return out.getvalue()


def _outline(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of each top-level bookmark."""
    document = pypdfium2.PdfDocument(data)
    try:
        toc = [(item.get_title(), item.get_dest().get_index() + 1, item.level) for item in document.get_toc()]
    finally:
        document.close()
    assert all(level == 0 for *_, level in toc)
    return [(title, page) for title, page, _ in toc]


def test_issue17_searchable_pdf_has_a_bookmark_per_catalogued_document(
    api: TestClient, state: AppState
) -> None:
    document_id = _upload(api, "卷二.pdf", _scanned_pdf(4))
    catalogue = [
        {"type": "受案登记表", "title": "受案登记表", "number": None, "agency": None, "date": None,
         "first_page": 1, "last_page": 1},
        {"type": "拘留证", "title": "拘留证", "number": None, "agency": None, "date": None,
         "first_page": 2, "last_page": 2},
        {"type": "拘留通知书", "title": "拘留通知书", "number": None, "agency": None, "date": None,
         "first_page": 2, "last_page": 3},  # starts on the page the one before it ends
        {"type": "讯问笔录", "title": "讯问笔录（第2次）", "number": None, "agency": None, "date": None,
         "first_page": 4, "last_page": 4},
    ]
    with state.ctx.db.session() as session:
        session.execute(update(Document).where(Document.id == document_id).values(catalogue=catalogue))
    response = api.get(f"/api/documents/{document_id}/searchable.pdf")
    assert response.status_code == 200, response.text
    assert _outline(response.content) == [("受案登记表", 1), ("拘留证", 2), ("拘留通知书", 2), ("讯问笔录（第2次）", 4)]

    # a corrected catalogue gives the corrected bookmarks, not the cached file of the old ones
    catalogue[3] = {**catalogue[3], "title": "讯问笔录（第3次）"}
    with state.ctx.db.session() as session:
        session.execute(update(Document).where(Document.id == document_id).values(catalogue=catalogue))
    again = api.get(f"/api/documents/{document_id}/searchable.pdf")
    assert _outline(again.content)[-1] == ("讯问笔录（第3次）", 4)

    # a clerk's type for the whole file: one document, one bookmark
    assert api.patch(f"/api/documents/{document_id}", json={"document_type": "起诉意见书"}).status_code == 200
    assert _outline(api.get(f"/api/documents/{document_id}/searchable.pdf").content) == [("起诉意见书", 1)]


def test_issue17_bookmarks_keep_their_order_and_must_point_at_a_page() -> None:
    images = [Image.new("L", (300, 400), 255) for _ in range(3)]
    pages = [PageContent(n, 300, 400, "ocr", "") for n in (1, 2, 3)]
    outline = [("受案登记表", 1), ("拘 留 证", 3), ("到案经过", 3), ("a(b)\\c", 2)]
    data = make_searchable_pdf(images, pages, dpi=DPI, outline=outline)
    assert _outline(data) == [("受案登记表", 1), ("拘 留 证", 3), ("到案经过", 3), ("a(b)\\c", 2)]
    assert _outline(make_searchable_pdf(images, pages, dpi=DPI)) == []
    with pytest.raises(ValueError, match="not among"):
        make_searchable_pdf(images, pages, dpi=DPI, outline=[("逮捕证", 4)])


@pytest.mark.slow
def test_issue17_scanned_volume_opens_with_its_catalogue_as_bookmarks(tmp_path: Path) -> None:
    """The whole chain: a scanned volume, read by OCR and catalogued, downloads with bookmarks."""
    from tests.support.render import render_scanned_pdf

    state = build_state(Settings(data_dir=tmp_path / "data", load_demo=False), eager_jobs=True)
    try:
        with TestClient(create_app(state=state)) as client:
            client.headers.update(bearer(client, "admin", state.settings.admin_password))
            client.post("/api/cases", json={"case_number": CASE})
            scan = render_scanned_pdf(VOLUME, tmp_path / "卷三.pdf", dpi=150).read_bytes()
            response = client.post(f"/api/cases/{CASE}/documents", files=[("file", ("卷三.pdf", scan))])
            [document] = response.json()["documents"]
            shown = client.get(f"/api/cases/{CASE}/documents").json()[0]
            assert [(e["title"], e["first_page"]) for e in shown["catalogue"]] == [("受案登记表", 1), ("拘留证", 2)]
            searchable = client.get(f"/api/documents/{document['id']}/searchable.pdf")
            assert searchable.status_code == 200, searchable.text
            assert _outline(searchable.content) == [("受案登记表", 1), ("拘留证", 2)]
    finally:
        state.ctx.db.dispose()
