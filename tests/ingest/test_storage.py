"""Originals: stored once by content hash, durable, read-only, nothing left behind on refusal."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest

from core.errors import CasefileError
from ingest.storage import OriginalStore


def test_stores_by_hash_read_only(tmp_path: Path) -> None:
    store = OriginalStore(tmp_path / "originals")
    data = "被告人张某某，男。".encode() * 1000
    stored = store.put(io.BytesIO(data), max_bytes=10**6)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.path == store.path_for(stored.sha256)
    assert stored.path.read_bytes() == data
    assert stored.size == len(data)
    assert stored.head == data[:8192]
    assert not stored.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_same_content_stored_once(tmp_path: Path) -> None:
    store = OriginalStore(tmp_path / "originals")
    first = store.put(io.BytesIO(b"%PDF-1.4 same"), max_bytes=100)
    second = store.put(io.BytesIO(b"%PDF-1.4 same"), max_bytes=100)
    assert first.path == second.path
    files = [p for p in (tmp_path / "originals").rglob("*") if p.is_file()]
    assert files == [first.path]


@pytest.mark.parametrize(
    ("data", "code"), [(b"", "empty_file"), (b"x" * 101, "file_too_large")]
)
def test_refused_input_leaves_nothing(tmp_path: Path, data: bytes, code: str) -> None:
    store = OriginalStore(tmp_path / "originals")
    with pytest.raises(CasefileError) as caught:
        store.put(io.BytesIO(data), max_bytes=100)
    assert caught.value.code == code
    assert not [p for p in (tmp_path / "originals").rglob("*") if p.is_file()]
