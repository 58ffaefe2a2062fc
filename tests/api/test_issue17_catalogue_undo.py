"""Issue #17 item 4: a clerk undoes the last catalogue correction; no correction is lost to another.

Undo takes back the file's last correction (audited, facts and search follow as for any edit);
every write names the catalogue revision it was made on, checked in the UPDATE itself, so two
clerks correcting one catalogue at once get a 409 telling the second to reload, never a silent
overwrite; an edited entry is still read for facts as the splitter typed it (its ``kind``).
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

import api.routes.catalogue as catalogue_route
from api.state import AppState
from ingest.stages import extract_document
from models.tables import AuditEvent, Document
from nlp.catalogue.edits import apply_edit, corrected_entries
from nlp.catalogue.split import catalogue_pages, describe_entry
from nlp.catalogue.volume import extract_volume
from tests.api.test_forms_workflow import CASE, OPINION, people  # noqa: F401
from tests.api.test_issue17_catalogue_edits import AUTOMATIC, _edit, _search_pages, _spans, _volume
from tests.nlp.fixtures import AFFIRMED, DETENTION_WARRANT
from tests.nlp.test_catalogue import _pages

HOUSEHOLD = ("户口信息查询结果\n姓名：李明远 性别：男 民族：回族\n出生日期：1988年3月15日\n"
             "公民身份号码：110105198803152710\n住址：北京市朝阳区望京街道")


def _undo(client: TestClient, headers: dict[str, str], document_id: int, **body: Any) -> Any:
    return client.post(f"/api/documents/{document_id}/catalogue/undo", json=body, headers=headers)


def _shown(client: TestClient, headers: dict[str, str], document_id: int) -> dict[str, Any]:
    return client.get(f"/api/documents/{document_id}", headers=headers).json()


def _upload(client: TestClient, headers: dict[str, str], name: str, pages: list[str]) -> int:
    assert client.post("/api/cases", json={"case_number": CASE}, headers=headers).status_code == 201
    uploaded = client.post(f"/api/cases/{CASE}/documents", headers=headers,
                           files=[("file", (name, "\f".join(pages).encode(), "text/plain"))])
    assert uploaded.status_code == 201, uploaded.text
    return int(uploaded.json()["documents"][0]["id"])


# --- undo ----------------------------------------------------------------------------------------

def test_issue17_undo_takes_back_the_last_correction_audited(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    police = people["police-clerk"]
    document_id = _volume(client, police)
    assert _edit(client, police, document_id, op="split", page=5, type="到案经过").status_code == 200
    moved = _edit(client, police, document_id, op="move", first_page=6, by=-1)
    assert moved.status_code == 200, moved.text
    assert moved.json()["catalogue_last_edit"] == "move" and moved.json()["catalogue_revision"] == 2

    undone = _undo(client, police, document_id, revision=2)
    assert undone.status_code == 200, undone.text
    assert _spans(undone.json()["catalogue"]) == [("起诉意见书", 1, 1), ("拘留证", 2, 2), ("讯问笔录", 3, 4),
                                                  ("到案经过", 5, 5), ("询问笔录", 6, 6)]
    assert undone.json()["catalogue_edits"] == 1 and undone.json()["catalogue_last_edit"] == "split"
    assert undone.json()["catalogue_revision"] == 3  # an undo is a write like any other
    assert _search_pages(client, police, "到案经过") == [5]

    again = _undo(client, police, document_id)
    assert again.status_code == 200, again.text
    assert _spans(again.json()["catalogue"]) == AUTOMATIC and again.json()["catalogue_edits"] == 0
    assert _search_pages(client, police, "到案经过") == []  # the search facet follows the undo
    nothing = _undo(client, police, document_id)
    assert nothing.status_code == 409 and nothing.json()["code"] == "catalogue_nothing_to_undo", nothing.text
    assert "没有可撤销" in nothing.json()["message"]

    with state.ctx.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "catalogue.undo")
                                 .order_by(AuditEvent.seq)).all()
        assert [e.detail["edit"]["op"] for e in events] == ["move", "split"]
        assert all(e.actor == "police-clerk" and e.target == f"document:{document_id}" for e in events)
        assert "6-6 询问笔录 询问笔录" in events[0].detail["before"][3]
        assert "5-5 到案经过 到案经过" in events[0].detail["after"][3]
        assert not session.get(Document, document_id).catalogue_edits  # type: ignore[union-attr]

    # the undone corrections stay undone across reprocessing
    extract_document(state.ctx, document_id)
    assert _spans(_shown(client, police, document_id)["catalogue"]) == AUTOMATIC


def test_issue17_undo_refreshes_the_facts(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    police = people["police-clerk"]
    document_id = _upload(client, police, "IMG_0102.txt",
                          [OPINION, "询问笔录\n问：你的车什么时候被撬的？\n答：2月27日凌晨。", HOUSEHOLD])

    def ethnicity_pages() -> set[int]:
        facts = client.get(f"/api/cases/{CASE}/facts", headers=police).json()["facts"]
        found = {c["field"]: c for c in facts["conflicts"]}.get("ethnicity")
        return {v["evidence"]["page"] for v in found["values"]} if found else set()

    assert _edit(client, police, document_id, op="split", page=3, type="常住人口登记表").status_code == 200
    assert ethnicity_pages() == {1, 3}
    assert _undo(client, police, document_id).status_code == 200
    assert ethnicity_pages() == set()


def test_issue17_only_the_stage_holder_undoes(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    police, prosecutor, judge = people["police-clerk"], people["prosecutor"], people["judge"]
    document_id = _volume(client, police)
    assert _edit(client, police, document_id, op="delete", first_page=2).status_code == 200
    assert _undo(client, prosecutor, document_id).status_code == 404
    assert _undo(client, judge, document_id).status_code in (403, 404)
    assert _shown(client, police, document_id)["catalogue_edits"] == 1


# --- no correction lost to another --------------------------------------------------------------

def test_issue17_two_clerks_on_one_catalogue_the_second_is_told_to_reload(
    client: TestClient, people: dict[str, dict[str, str]]  # noqa: F811
) -> None:
    police = people["police-clerk"]
    document_id = _volume(client, police)
    seen = _shown(client, police, document_id)["catalogue_revision"]  # both pages show revision 0
    first = _edit(client, police, document_id, op="retype", first_page=2, type="逮捕证", revision=seen)
    assert first.status_code == 200, first.text
    second = _edit(client, police, document_id, op="edit", first_page=3, fields={"title": "讯问笔录（第1次）"},
                   revision=seen)
    assert second.status_code == 409 and second.json()["code"] == "catalogue_changed", second.text
    assert "没有保存" in second.json()["message"] and "刷新页面" in second.json()["hint"]
    stale_undo = _undo(client, police, document_id, revision=seen)
    assert stale_undo.status_code == 409 and stale_undo.json()["code"] == "catalogue_changed"
    shown = _shown(client, police, document_id)
    assert shown["catalogue"][1]["type"] == "逮捕证" and shown["catalogue"][2]["title"] == "讯问笔录"
    assert shown["catalogue_edits"] == 1


def test_issue17_a_write_committed_in_between_is_not_overwritten(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState, monkeypatch: Any  # noqa: F811
) -> None:
    """The race the page cannot see: another request commits after this one read the document.

    The revision is checked in the UPDATE's WHERE, so the later write finds no row at its
    revision and is refused; the other clerk's correction stays.
    """
    police = people["police-clerk"]
    document_id = _volume(client, police)
    other = {"op": "retype", "first_page": 2, "type": "逮捕证"}

    def meanwhile(entries: list[dict[str, Any]], edit: dict[str, Any]) -> list[dict[str, Any]]:
        with state.ctx.db.session() as session:  # another clerk's request commits first
            document = session.get(Document, document_id)
            assert document is not None
            document.catalogue_edits = [other]
            document.catalogue_revision = (document.catalogue_revision or 0) + 1
            session.commit()
        return apply_edit(entries, edit)

    monkeypatch.setattr(catalogue_route, "apply_edit", meanwhile)
    late = _edit(client, police, document_id, op="delete", first_page=6)
    assert late.status_code == 409 and late.json()["code"] == "catalogue_changed", late.text
    monkeypatch.undo()
    shown = _shown(client, police, document_id)
    assert shown["catalogue_edits"] == 1 and shown["catalogue_revision"] == 1
    assert [e["type"] for e in shown["catalogue"]] == ["起诉意见书", "逮捕证", "讯问笔录", "询问笔录"]
    with state.ctx.db.session() as session:
        assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "catalogue.delete")).all()


# --- the splitter's kind outlives edits --------------------------------------------------------

def _people(sheet: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(d["name"], d["charges"]) for d in sheet["defendants"]]


def test_issue17_an_edited_entry_keeps_the_kind_the_splitter_read() -> None:
    """A 刑事裁定书 is catalogued as 其他 but read as a ruling; a correction elsewhere keeps that."""
    pages = _pages([DETENTION_WARRANT, AFFIRMED])
    found = catalogue_pages(pages)
    assert [(d.type, d.kind) for d in found] == [("拘留证", "拘留证"), ("其他", "刑事裁定书")]
    automatic = extract_volume(pages, found)
    assert ("孔某", ["诈骗罪"]) in _people(automatic)

    stored = [d.stored() for d in found]
    edited = corrected_entries(stored, [{"op": "edit", "first_page": 2, "fields": {"title": "二审裁定（孔某）"}},
                                        {"op": "move", "first_page": 2, "by": -1}])
    assert [(e["kind"], e["title"]) for e in edited] == [("刑事裁定书", "二审裁定（孔某）"), ("拘留证", "拘留证")]
    read = extract_volume(pages, [describe_entry(pages, e) for e in edited])
    assert sorted(_people(read)) == sorted(_people(automatic)) and read["court"] == automatic["court"]

    # a clerk's retype wins over the splitter's reading
    retyped = apply_edit(stored, {"op": "retype", "first_page": 2, "type": "其他"})
    assert retyped[1]["kind"] == "其他" and describe_entry(pages, retyped[1]).kind == "其他"
    # a kind that no longer reports as the entry's type is not used
    assert describe_entry(pages, {**stored[1], "type": "起诉书"}).kind == "起诉书"


def test_issue17_the_facts_of_a_corrected_volume_keep_each_document_kind(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    police = people["police-clerk"]
    document_id = _upload(client, police, "IMG_0103.txt", [DETENTION_WARRANT, AFFIRMED])
    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None and [e.get("kind") for e in document.catalogue or []] == ["拘留证", "刑事裁定书"]

    def names() -> list[str]:
        facts = client.get(f"/api/cases/{CASE}/facts", headers=police).json()["facts"]
        return sorted(d["name"] for d in facts["defendants"])

    assert names() == ["刘大海", "孔某"]
    titled = _edit(client, police, document_id, op="edit", first_page=1, fields={"number": "青公（刑）拘字〔2021〕101号"})
    assert titled.status_code == 200, titled.text
    assert names() == ["刘大海", "孔某"]  # the ruling is still read as one after the correction
