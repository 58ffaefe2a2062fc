"""Issue #17 item 4 / #18: a clerk corrects the catalogue of a volume, audited, kept across reprocessing.

Split a document at a page, merge one with the next, retype, retitle (文号, 责任者, 日期), reorder
and delete a wrong entry; the case's 卷内目录 (API and PDF), the transfer checklist, the search
facet of the pages and the bookmarks of the searchable PDF follow the corrected catalogue.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.services.catalogue import bookmarks
from api.state import AppState
from core.errors import CasefileError
from ingest.stages import extract_document, index_document
from models.tables import AuditEvent, Document
from nlp.catalogue.edits import apply_edit, corrected_entries
from tests.api.test_forms_workflow import CASE, OPINION, people  # noqa: F401
from tests.api.test_issue17_catalogue_pdf import _table_rows

# The splitter puts the untitled page 5 (an arrest report without its title) into the 讯问笔录
# before it: the clerk splits it off and types it.
VOLUME = [
    OPINION,
    "拘留证\n犯罪嫌疑人李明远，男，因涉嫌盗窃罪，决定刑事拘留。\n北京市公安局朝阳分局\n二〇二六年三月二日",
    "讯问笔录\n问：你为什么被带到派出所？\n答：我偷了东西。",
    "问：你还有什么要补充的？\n答：没有了。",
    "2026年3月2日，民警在望京街道将犯罪嫌疑人李明远抓获。",
    "询问笔录\n问：你的车什么时候被撬的？\n答：2月27日凌晨。",
]
AUTOMATIC = [("起诉意见书", 1, 1), ("拘留证", 2, 2), ("讯问笔录", 3, 5), ("询问笔录", 6, 6)]


def _entries(*spans: tuple[str, int, int]) -> list[dict[str, Any]]:
    return [{"type": t, "title": t, "number": None, "agency": None, "date": None, "first_page": a, "last_page": b}
            for t, a, b in spans]


def _spans(entries: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(e["type"], e["first_page"], e["last_page"]) for e in entries]


def _refused(entries: list[dict[str, Any]], edit: dict[str, Any]) -> CasefileError:
    with pytest.raises(CasefileError) as caught:
        apply_edit(entries, edit)
    return caught.value


# --- the edits themselves ---------------------------------------------------------------------

def test_split_merge_move_delete_in_order() -> None:
    base = _entries(*AUTOMATIC)
    split = apply_edit(base, {"op": "split", "page": 5, "type": "到案经过", "title": "到案经过"})
    assert _spans(split) == [("起诉意见书", 1, 1), ("拘留证", 2, 2), ("讯问笔录", 3, 4), ("到案经过", 5, 5),
                             ("询问笔录", 6, 6)]
    assert _spans(base) == AUTOMATIC  # the input is left as it was
    merged = apply_edit(split, {"op": "merge", "first_page": 3})
    assert _spans(merged) == [("起诉意见书", 1, 1), ("拘留证", 2, 2), ("讯问笔录", 3, 5), ("询问笔录", 6, 6)]
    moved = apply_edit(split, {"op": "move", "first_page": 5, "by": -1})
    assert [e["first_page"] for e in moved] == [1, 2, 5, 3, 6]
    gone = apply_edit(split, {"op": "delete", "first_page": 2})
    assert [e["first_page"] for e in gone] == [1, 3, 5, 6]
    retyped = apply_edit(split, {"op": "retype", "first_page": 5, "type": "常住人口登记表"})
    assert retyped[3]["type"] == "常住人口登记表" and retyped[3]["corrected"] is True
    titled = apply_edit(split, {"op": "edit", "first_page": 2, "fields": {
        "title": "  拘留证（李明远） ", "number": "京公朝拘字〔2026〕88号", "date": ""}})
    assert (titled[1]["title"], titled[1]["number"], titled[1]["date"]) == ("拘留证（李明远）", "京公朝拘字〔2026〕88号", None)


def test_wrong_edits_are_refused_in_words_a_clerk_reads() -> None:
    base = _entries(*AUTOMATIC)
    outside = _refused(base, {"op": "split", "page": 9})
    assert outside.code == "catalogue_split_outside" and "第 9 页" in outside.message
    at_start = _refused(base, {"op": "split", "page": 3})
    assert at_start.code == "catalogue_split_outside" and "首页" in at_start.message
    last = _refused(base, {"op": "merge", "first_page": 6})
    assert last.code == "catalogue_merge_last" and "最后一份" in last.message and "询问笔录" in last.message
    unknown = _refused(base, {"op": "retype", "first_page": 2, "type": "抓人证"})
    assert unknown.code == "document_type_unknown" and "抓人证" in unknown.message and "拘留证" in unknown.hint
    empty = _refused(base, {"op": "edit", "first_page": 2, "fields": {"title": "   "}})
    assert empty.code == "catalogue_title_empty" and empty.message == "文书名称不能为空。"
    assert _refused(base, {"op": "move", "first_page": 1, "by": -1}).code == "catalogue_move_edge"
    assert _refused(base, {"op": "retype", "first_page": 4, "type": "拘留证"}).code == "catalogue_entry_not_found"
    assert _refused(_entries(("拘留证", 1, 2)), {"op": "delete", "first_page": 1}).code == "catalogue_last_entry"
    moved = apply_edit(base, {"op": "move", "first_page": 3, "by": 1})  # 询问笔录 now before 讯问笔录
    assert _refused(moved, {"op": "merge", "first_page": 6}).code == "catalogue_edit_invalid"


def test_replay_skips_an_edit_that_no_longer_fits() -> None:
    """A stored edit whose document the automatic split no longer finds is left out, not fatal."""
    edits = [{"op": "retype", "first_page": 4, "type": "到案经过"}, {"op": "edit", "first_page": 2,
                                                                   "fields": {"title": "拘留证（李明远）"}}]
    assert _spans(corrected_entries(_entries(*AUTOMATIC), edits)) == AUTOMATIC
    assert corrected_entries(_entries(*AUTOMATIC), edits)[1]["title"] == "拘留证（李明远）"


# --- through the API ----------------------------------------------------------------------------

def _volume(client: TestClient, headers: dict[str, str]) -> int:
    assert client.post("/api/cases", json={"case_number": CASE}, headers=headers).status_code == 201
    response = client.post(f"/api/cases/{CASE}/documents", headers=headers,
                           files=[("file", ("IMG_0100.txt", "\f".join(VOLUME).encode(), "text/plain"))])
    assert response.status_code == 201, response.text
    return int(response.json()["documents"][0]["id"])


def _edit(client: TestClient, headers: dict[str, str], document_id: int, **edit: Any) -> Any:
    return client.post(f"/api/documents/{document_id}/catalogue/edits", json=edit, headers=headers)


def _checklist(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    preview = client.get(f"/api/cases/{CASE}/forms/prosecution_transfer", headers=headers)
    assert preview.status_code == 200, preview.text
    return {item["name"]: item for item in preview.json()["checklist"]}


def _search_pages(client: TestClient, headers: dict[str, str], document_type: str) -> list[int]:
    hits = client.get("/api/search", params={"q": "李明远", "document_type": document_type}, headers=headers)
    assert hits.status_code == 200, hits.text
    return sorted(h["page"] for h in hits.json()["hits"])


def test_issue17_clerk_corrects_a_volume_and_everything_follows(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    police = people["police-clerk"]
    document_id = _volume(client, police)
    shown = client.get(f"/api/documents/{document_id}", headers=police).json()
    assert _spans(shown["catalogue"]) == AUTOMATIC
    assert not _checklist(client, police)["arrival"]["present"]
    assert _search_pages(client, police, "到案经过") == []

    split = _edit(client, police, document_id, op="split", page=5)
    assert split.status_code == 200, split.text
    assert _spans(split.json()["catalogue"])[2:4] == [("讯问笔录", 3, 4), ("其他", 5, 5)]
    retyped = _edit(client, police, document_id, op="retype", first_page=5, type="到案经过")
    assert retyped.status_code == 200, retyped.text
    titled = _edit(client, police, document_id, op="edit", first_page=5,
                   fields={"title": "抓获经过", "agency": "北京市公安局朝阳分局望京派出所", "date": "2026-03-02"})
    assert titled.status_code == 200, titled.text
    moved = _edit(client, police, document_id, op="move", first_page=6, by=-1)
    assert moved.status_code == 200, moved.text
    deleted = _edit(client, police, document_id, op="delete", first_page=2)
    assert deleted.status_code == 200, deleted.text
    expected = [("起诉意见书", 1, 1), ("讯问笔录", 3, 4), ("询问笔录", 6, 6), ("到案经过", 5, 5)]
    assert _spans(deleted.json()["catalogue"]) == expected and deleted.json()["catalogue_edits"] == 5

    # the checklist, the search facet, the printed 卷内目录 and the bookmarks follow
    assert _checklist(client, police)["arrival"]["present"]
    assert "第 5 页" in " ".join(_checklist(client, police)["arrival"]["names"])
    assert _search_pages(client, police, "到案经过") == [5]
    assert _search_pages(client, police, "拘留证") == []
    rows = _table_rows(client.get(f"/api/cases/{CASE}/catalogue.pdf", headers=police).content)
    assert [(r[1], r[3], r[5]) for r in rows] == [
        ("起诉意见书", "北京市公安局朝阳分局", "1"), ("讯问笔录", "", "3-4"), ("询问笔录", "", "6"),
        ("抓获经过（到案经过）", "北京市公安局朝阳分局望京派出所", "5")]
    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        assert bookmarks(document) == [("起诉意见书", 1), ("讯问笔录", 3), ("询问笔录", 6), ("抓获经过", 5)]

    # every change audited, with what the catalogue was before and after
    with state.ctx.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("catalogue.%"),
                                                          AuditEvent.action != "catalogue.export")
                                 .order_by(AuditEvent.seq)).all()
        assert [e.action for e in events] == ["catalogue.split", "catalogue.retype", "catalogue.edit",
                                              "catalogue.move", "catalogue.delete"]
        assert {e.actor for e in events} == {"police-clerk"}
        assert all(e.target == f"document:{document_id}" for e in events)
        assert events[0].detail["edit"] == {"op": "split", "page": 5, "type": "其他", "title": None}
        assert "3-5 讯问笔录 讯问笔录" in events[0].detail["before"]
        assert "5-5 其他 其他" in events[0].detail["after"]

    # kept across reprocessing: the automatic split runs again, the corrections are replayed
    extract_document(state.ctx, document_id)
    index_document(state.ctx, document_id)
    again = client.get(f"/api/documents/{document_id}", headers=police).json()
    assert _spans(again["catalogue"]) == expected and again["catalogue"][3]["title"] == "抓获经过"
    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None and [e["type"] for e in document.catalogue] == [t for t, _, _ in AUTOMATIC]
    assert _search_pages(client, police, "到案经过") == [5]
    assert _checklist(client, police)["arrival"]["present"]


def test_issue17_wrong_catalogue_edits_are_refused_over_the_api(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    police = people["police-clerk"]
    document_id = _volume(client, police)
    for edit, code, words in (
        ({"op": "split", "page": 7}, "catalogue_split_outside", "第 7 页"),
        ({"op": "merge", "first_page": 6}, "catalogue_merge_last", "最后一份"),
        ({"op": "retype", "first_page": 2, "type": "抓人证"}, "document_type_unknown", "抓人证"),
        ({"op": "edit", "first_page": 2, "fields": {"title": ""}}, "catalogue_title_empty", "不能为空"),
    ):
        refused = _edit(client, police, document_id, **edit)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == code and words in refused.json()["message"], refused.json()
    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None and not document.catalogue_edits  # nothing stored


def test_issue17_only_the_stage_holder_edits_the_catalogue(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    police, prosecutor, judge = people["police-clerk"], people["prosecutor"], people["judge"]
    document_id = _volume(client, police)
    # another agency does not see the case; a role without document.upload may not edit at all
    assert _edit(client, prosecutor, document_id, op="delete", first_page=2).status_code == 404
    assert _edit(client, judge, document_id, op="delete", first_page=2).status_code in (403, 404)
    assert _spans(client.get(f"/api/documents/{document_id}", headers=police).json()["catalogue"]) == AUTOMATIC


def test_issue18_a_repeated_correction_is_refused_not_applied_twice(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    """A double click sends the same move twice: the second one saw an older catalogue."""
    police = people["police-clerk"]
    document_id = _volume(client, police)
    first = _edit(client, police, document_id, op="move", first_page=6, by=-1, edits_seen=0)
    assert first.status_code == 200, first.text
    again = _edit(client, police, document_id, op="move", first_page=6, by=-1, edits_seen=0)
    assert again.status_code == 409 and again.json()["code"] == "catalogue_changed", again.text
    assert "没有保存" in again.json()["message"]
    shown = client.get(f"/api/documents/{document_id}", headers=police).json()
    assert [e["first_page"] for e in shown["catalogue"]] == [1, 2, 6, 3] and shown["catalogue_edits"] == 1


def test_issue17_corrections_outlive_a_retry_of_the_upload(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    """A failed file retried runs the whole pipeline again; the clerk's split and title stay."""
    police = people["police-clerk"]
    document_id = _volume(client, police)
    assert _edit(client, police, document_id, op="split", page=5, type="到案经过", title="抓获经过").status_code == 200
    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.status, document.catalogue = "failed", None  # as a crash in extraction leaves it
        session.commit()
    retried = client.post(f"/api/documents/{document_id}/retry", headers=police)
    assert retried.status_code == 200, retried.text
    again = client.get(f"/api/documents/{document_id}", headers=police).json()
    assert again["status"] == "done"
    assert _spans(again["catalogue"]) == [("起诉意见书", 1, 1), ("拘留证", 2, 2), ("讯问笔录", 3, 4),
                                          ("到案经过", 5, 5), ("询问笔录", 6, 6)]
    assert again["catalogue"][3]["title"] == "抓获经过" and again["document_type"] == "卷宗"
    assert _search_pages(client, police, "到案经过") == [5]


def test_issue17_the_facts_follow_a_corrected_catalogue(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    # A 户籍 page under a title the splitter does not know runs on as part of the 询问笔录 before
    # it, and its ethnicity is not read; split off and typed by the clerk, it is, and it disagrees
    # with the 起诉意见书 (a conflict with both sources, for the clerk to settle).
    police = people["police-clerk"]
    assert client.post("/api/cases", json={"case_number": CASE}, headers=police).status_code == 201
    volume = [OPINION, "询问笔录\n问：你的车什么时候被撬的？\n答：2月27日凌晨。",
              "户口信息查询结果\n姓名：李明远 性别：男 民族：回族\n出生日期：1988年3月15日\n"
              "公民身份号码：110105198803152710\n住址：北京市朝阳区望京街道"]
    uploaded = client.post(f"/api/cases/{CASE}/documents", headers=police,
                           files=[("file", ("IMG_0101.txt", "\f".join(volume).encode(), "text/plain"))])
    assert uploaded.status_code == 201, uploaded.text
    document_id = int(uploaded.json()["documents"][0]["id"])

    def ethnicity_pages() -> set[int]:
        facts = client.get(f"/api/cases/{CASE}/facts", headers=police).json()["facts"]
        found = {c["field"]: c for c in facts["conflicts"]}.get("ethnicity")
        return {v["evidence"]["page"] for v in found["values"]} if found else set()

    assert ethnicity_pages() == set()
    split = _edit(client, police, document_id, op="split", page=3, type="常住人口登记表")
    assert split.status_code == 200, split.text
    assert ethnicity_pages() == {1, 3}
    # and so they do after reprocessing
    extract_document(state.ctx, document_id)
    index_document(state.ctx, document_id)
    assert ethnicity_pages() == {1, 3}
