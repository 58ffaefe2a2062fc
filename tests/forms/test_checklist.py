"""Completeness checklists against a case's documents."""

from __future__ import annotations

from typing import Any

from nlp.forms import check_completeness, get_form, missing_documents


def test_checklist_matches_types_and_title_keywords() -> None:
    docs: list[dict[str, Any]] = [
        {"document_id": 1, "document_type": "刑事判决书", "filename": "判决.pdf"},
        {"document_id": 2, "document_type": None, "title": "执行通知书"},
    ]
    entries = {e.item.name: e for e in check_completeness(get_form("community_correction"), docs)}
    assert entries["judgment"].matched == (1,)
    assert entries["execution_notice"].matched == (2,)
    assert not entries["closing_record"].present
    assert missing_documents(get_form("community_correction"), docs) == ["结案登记表"]


def test_prosecution_transfer_needs_opinion_evidence_and_arrival() -> None:
    missing = missing_documents(get_form("prosecution_transfer"), [{"title": "起诉意见书"}])
    assert "起诉意见书" not in missing
    assert {"证据材料", "到案经过"} <= set(missing)
    assert "立案决定书" not in missing  # optional item
