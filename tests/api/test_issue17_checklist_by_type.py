"""Issues #17/#18: the transfer checklist is met by document types, never by file names.

Five scans named by the scanner (IMG_0002 … IMG_0006) left every item "missing"; a volume holding
several documents counts for each of them; a clerk corrects a wrong type (audited, kept).
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.state import AppState
from ingest.stages import extract_document
from models.tables import AuditEvent
from tests.api.test_forms_workflow import CASE, OPINION, PROCURATORATE, _transfer, _upload, people  # noqa: F401

SCANNER_NAMED = {
    "IMG_0002.txt": "讯问笔录\n问：你为什么被带到派出所？\n答：我偷了东西。",
    "IMG_0003.txt": "到案经过\n2026年3月2日，民警在望京街道将犯罪嫌疑人李明远抓获。",
    "IMG_0004.txt": "拘留证\n犯罪嫌疑人李明远，男，因涉嫌盗窃罪，决定刑事拘留。",
    "IMG_0005.txt": "常住人口登记表\n姓名：李明远\n性别：男",
    "IMG_0006.txt": "询问笔录\n问：你的车什么时候被撬的？\n答：2月27日凌晨。",
}


def _checklist(client: TestClient, headers: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    preview = client.get(f"/api/cases/{CASE}/forms/prosecution_transfer", headers=headers)
    assert preview.status_code == 200, preview.text
    return {item["name"]: item for item in preview.json()["checklist"]}


def test_issue17_scanner_named_files_meet_the_checklist_by_type(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    police = people["police-clerk"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=police).status_code == 201
    _upload(client, police, "IMG_0001.txt", OPINION)
    for name, text in SCANNER_NAMED.items():
        _upload(client, police, name, text)
    checklist = _checklist(client, police)
    assert all(item["present"] for item in checklist.values() if item["required"]), checklist
    assert any("IMG_0004.txt" in name and "拘留证" in name for name in checklist["coercive_measures"]["names"])
    sent = _transfer(client, police)
    assert sent.status_code == 201, sent.text


def test_issue17_a_volume_counts_for_each_document_it_holds(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    police = people["police-clerk"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=police).status_code == 201
    volume = "\f".join([OPINION, *SCANNER_NAMED.values()])  # one page each, as a scanner run gives
    _upload(client, police, "IMG_0100.txt", volume)
    [document] = client.get(f"/api/cases/{CASE}/documents", headers=police).json()
    assert document["document_type"] == "卷宗"
    assert [e["type"] for e in document["catalogue"]] == [
        "起诉意见书", "讯问笔录", "到案经过", "拘留证", "常住人口登记表", "询问笔录"]
    checklist = _checklist(client, police)
    assert all(item["present"] for item in checklist.values() if item["required"]), checklist
    assert "第 4 页" in " ".join(checklist["coercive_measures"]["names"])
    # search names the document inside the volume: its type is the page's, not the file's
    hits = client.get("/api/search", params={"q": "刑事拘留", "document_type": "拘留证"}, headers=police).json()
    assert [(h["filename"], h["page"]) for h in hits["hits"]] == [("IMG_0100.txt", 4)]


def test_issue18_clerk_corrects_a_wrong_type(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    police, prosecutor = people["police-clerk"], people["prosecutor"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=police).status_code == 201
    _upload(client, police, "IMG_0001.txt", OPINION)
    for name, text in SCANNER_NAMED.items():
        _upload(client, police, name, text if name != "IMG_0003.txt" else "2026年3月2日，民警将李明远抓获。")
    assert not _checklist(client, police)["arrival"]["present"]  # no title: casefile cannot tell
    untitled = next(d for d in client.get(f"/api/cases/{CASE}/documents", headers=police).json()
                    if d["filename"] == "IMG_0003.txt")
    wrong = client.patch(f"/api/documents/{untitled['id']}", json={"document_type": "抓人经过"}, headers=police)
    assert wrong.status_code == 422 and wrong.json()["code"] == "document_type_unknown" and "到案经过" in wrong.json()["hint"]
    fixed = client.patch(f"/api/documents/{untitled['id']}", json={"document_type": "到案经过"}, headers=police)
    assert fixed.status_code == 200 and fixed.json()["type_corrected"] is True
    assert _checklist(client, police)["arrival"]["present"]
    # another agency cannot (it does not see the case at all)
    assert client.patch(f"/api/documents/{untitled['id']}", json={"document_type": "讯问笔录"},
                        headers=prosecutor).status_code == 404
    # kept across reprocessing: the extraction stage runs again over the stored pages
    extract_document(state.ctx, untitled["id"])
    assert client.get(f"/api/documents/{untitled['id']}", headers=police).json()["document_type"] == "到案经过"
    with state.ctx.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.retype")).all()
        assert [e.detail["to"] for e in events] == ["到案经过"]
