"""Status strings are StrEnums (issue #20 step 7): members are the strings stored, unknown ones refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models.db import Database
from models.tables import (
    Agency,
    Case,
    Document,
    DocumentStage,
    DocumentStatus,
    PageStatus,
    TransferStatus,
)
from tests.support.services import fresh_postgres

STORED = {
    DocumentStatus: ["queued", "processing", "done", "failed"],
    DocumentStage: ["queued", "reading", "extracting", "indexing", "done"],
    PageStatus: ["pending", "done", "failed"],
    TransferStatus: ["pending", "accepted", "returned", "withdrawn"],
}


@pytest.mark.parametrize("kind", list(STORED), ids=lambda kind: kind.__name__)
def test_every_status_is_the_string_stored_and_no_other_is_one(kind: type[StrEnum]) -> None:
    assert [str(member) for member in kind] == STORED[kind]  # the rows of every database say these
    assert all(kind(value) == value for value in STORED[kind])
    with pytest.raises(ValueError):
        kind("finished")


@contextmanager
def _database(backend: str, tmp_path: Path) -> Iterator[Database]:
    if backend == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'casefile.db'}")
        return
    with fresh_postgres() as url:
        yield Database(url.replace("postgresql://", "postgresql+psycopg://", 1))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_status_is_stored_as_its_value(backend: str, tmp_path: Path) -> None:
    with _database(backend, tmp_path) as db:
        try:
            db.create_all()
            with db.session() as session:
                agency = Agency(name="某某市公安局")
                case = Case(case_number="（2026）测1号", agency=agency)
                session.add(Document(case=case, agency=agency, original_name="a.pdf", sha256="0" * 64,
                                     media_type="application/pdf", size_bytes=1,
                                     stage=DocumentStage.EXTRACTING))
            with db.reading() as connection:
                row = connection.execute(text("SELECT status, stage FROM documents")).one()
            assert tuple(row) == ("queued", "extracting")
            with db.session() as session:
                found = session.scalars(select(Document).where(Document.stage == DocumentStage.EXTRACTING)).one()
                assert found.status == DocumentStatus.QUEUED
        finally:
            db.dispose()
