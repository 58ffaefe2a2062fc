"""Issue #17 "Done when", on a short volume: one PDF in, a catalogue, a transfer, bookmarks out.

A 24-page text-layer volume built by ``bench.volumes.long`` (the builder of the 300-page bench)
is uploaded under a scanner's name; the chain of ``bench.volumes.chain`` runs through the HTTP
API as the police clerk: the catalogue on the case page, one split undone, the checklist met by
the entries' document types, the transfer sent, the searchable PDF's bookmarks. The scanned
300-page run is ``python -m bench.volumes.run --pages 300 --through-api --scanned``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services.users import create_user
from api.state import AppState
from bench.volumes.chain import SCANNER_NAME, checklist_by_type, run_chain
from bench.volumes.long import build_long_volume
from core.settings import Settings
from tests.conftest import bearer
from tests.support.render import render_text_pdf

POLICE, PROCURATORATE = "北京市公安局朝阳分局", "北京市朝阳区人民检察院"
CASE = "京公朝刑立字〔2026〕1700号"
PASSWORD = "volume-chain-password-1"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # the null engine: every page must be read from the text layer (an OCR fallback reads nothing);
    # 72 DPI: the searchable PDF's page images are drawn in a third of the time of 200 DPI
    return Settings(data_dir=tmp_path / "data", load_demo=False, ocr_engine="null", render_dpi=72)


@pytest.fixture
def state(state: AppState) -> AppState:
    """The shared app state, with the clerk and the prosecutor of the chain."""
    with state.ctx.db.session() as session:
        create_user(session, "police-clerk", PASSWORD, agency=POLICE, role="clerk")
        create_user(session, "prosecutor", PASSWORD, agency=PROCURATORATE, role="prosecutor")
    return state


@pytest.fixture
def clerk(state: AppState) -> Iterator[TestClient]:
    with TestClient(create_app(state=state)) as client:
        client.headers.update(bearer(client, "police-clerk", PASSWORD))
        yield client


def test_issue17_short_volume_through_the_whole_chain(clerk: TestClient, tmp_path: Path) -> None:
    volume = build_long_volume(24)
    pdf = render_text_pdf(volume.pages, tmp_path / "volume.pdf").read_bytes()
    report = run_chain(clerk, volume, pdf, case=CASE, receiver=PROCURATORATE, timeout=120)

    assert report.pages == 24
    assert report.first_page_searchable_s is not None  # the clerk finds page 1 by a search meanwhile
    assert report.file_type == "卷宗"  # the file as a whole is a volume, not one of its documents
    assert report.starts["f1"] == 1.0 and report.type_accuracy == 1.0, report.misses
    assert [(e["type"], e["first_page"], e["last_page"]) for e in report.catalogue] == [
        (d["type"], d["first_page"], d["last_page"]) for d in volume.documents]
    assert report.correction["split_shown"] and report.correction["restored"], report.correction
    assert report.correction["undo_edits"] == 0
    required = {name: item for name, item in report.checklist.items() if item["required"]}
    assert set(required) == {"prosecution_opinion", "evidence", "arrival", "interrogation",
                             "coercive_measures", "identity"}
    assert report.checklist_by_type, report.checklist
    assert report.transfer["defendants"] == report.transfer["defendants_expected"] == ["韩立新"]
    assert report.transfer["identity_fields_right"] == report.transfer["identity_fields_checked"] == 5
    assert report.bookmarks == [(e["title"], e["first_page"]) for e in report.catalogue]
    assert report.bookmarks_match and len(report.bookmarks) == len(volume.documents)


def test_issue17_a_checklist_met_by_the_file_name_is_not_met_by_type() -> None:
    """The chain's check itself: a whole-file label, or an entry of another type, does not count."""
    template = {"checklist": [{"name": "interrogation", "document_types": ["讯问笔录"]},
                              {"name": "arrival", "document_types": ["到案经过"]}]}
    catalogue = [{"type": "讯问笔录", "first_page": 3, "last_page": 5},
                 {"type": "询问笔录", "first_page": 6, "last_page": 6}]
    checklist = [
        {"name": "interrogation", "required": True, "present": True, "names": [f"{SCANNER_NAME}（卷宗）"]},
        {"name": "arrival", "required": True, "present": True, "names": [f"{SCANNER_NAME} 第 6 页（到案经过）"]},
    ]
    items = checklist_by_type(checklist, template, catalogue, SCANNER_NAME)
    assert not items["interrogation"]["by_type"] and not items["arrival"]["by_type"]
    checklist[0]["names"] = [f"{SCANNER_NAME} 第 3–5 页（讯问笔录（第1次））"]
    assert checklist_by_type(checklist, template, catalogue, SCANNER_NAME)["interrogation"]["by_type"]
