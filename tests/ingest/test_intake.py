"""Intake: safe file names, case numbers, duplicates detected by content."""

from __future__ import annotations

import io

import pytest

from api.state import AppState
from core.errors import CasefileError
from ingest.intake import add_document, get_or_create_case, sanitize_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("起诉书\x00\x07.pdf", "起诉书__.pdf"),
        ("", "未命名文件"),
        ("a" * 300 + ".pdf", "a" * 200),
    ],
)
def test_sanitize_filename(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_case_number_required(state: AppState) -> None:
    with state.ctx.db.session() as session, pytest.raises(CasefileError) as caught:
        get_or_create_case(session, "  \t ")
    assert caught.value.code == "invalid_case_number"


def test_duplicate_in_same_case_not_recorded_twice(state: AppState) -> None:
    content = "起诉书\n被告人王某，男。".encode()
    with state.ctx.db.session() as session:
        case = get_or_create_case(session, "（2026）测0101刑初1号")
        first = add_document(session, state.ctx.store, case, "a.txt", io.BytesIO(content), max_bytes=10**6)
        second = add_document(session, state.ctx.store, case, "b.txt", io.BytesIO(content), max_bytes=10**6)
        other_case = get_or_create_case(session, "（2026）测0101刑初2号")
        third = add_document(session, state.ctx.store, other_case, "a.txt", io.BytesIO(content), max_bytes=10**6)
    assert not first.duplicate
    assert second.duplicate and second.document.id == first.document.id
    assert not third.duplicate and third.document.id != first.document.id
    assert first.document.media_type == "text/plain"
