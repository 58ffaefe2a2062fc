"""Issue #18 item 3: one transfer per double click, on the server too (and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import IntegrityError

from api.state import AppState
from models.migrate import alembic_config
from models.tables import Transfer, TransferStatus
from tests.api.test_forms_workflow import CASE, MATERIALS, OPINION, _transfer, _upload, people  # noqa: F401
from tests.support.services import fresh_postgres


def _ready(client: TestClient, police: dict[str, str]) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}, headers=police).status_code == 201
    _upload(client, police, "起诉意见书.txt", OPINION)
    for name, text in MATERIALS.items():
        _upload(client, police, name, text)


def test_issue18_second_send_of_a_pending_transfer_is_refused(
    client: TestClient, people: dict[str, dict[str, str]], state: AppState  # noqa: F811
) -> None:
    police = people["police-clerk"]
    _ready(client, police)
    first = _transfer(client, police)
    assert first.status_code == 201, first.text
    again = _transfer(client, police)
    assert again.status_code == 409 and again.json()["code"] == "transfer_pending"
    assert "等待审核" in again.json()["message"] and again.json()["hint"]
    assert len(client.get(f"/api/cases/{CASE}/transfers", headers=police).json()) == 1
    # the race the check cannot see: the database refuses a second pending row itself
    with state.ctx.db.session() as session:
        row = session.scalar(select(Transfer))
        assert row is not None
        values = {c.name: getattr(row, c.key) for c in Transfer.__table__.columns if c.name != "id"}
    with pytest.raises(IntegrityError), state.ctx.db.session() as session:
        session.execute(insert(Transfer).values(**values))
    # once decided, the same form may be sent again
    with state.ctx.db.session() as session:
        session.scalar(select(Transfer)).status = TransferStatus.RETURNED  # type: ignore[union-attr]
    assert _transfer(client, police).status_code == 201


def _duplicates_closed_by_migration(url: str) -> None:
    from alembic import command

    config = alembic_config(url)
    command.upgrade(config, "0003")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO agencies (id, name, kind, created_at) VALUES (1, 'a', 'police', CURRENT_TIMESTAMP), (2, 'b', 'procuratorate', CURRENT_TIMESTAMP)")
        connection.exec_driver_sql("INSERT INTO cases (id, case_number, agency_id, created_at) VALUES (1, 'c', 1, CURRENT_TIMESTAMP)")
        for _ in range(3):
            connection.exec_driver_sql(
                "INSERT INTO transfers (case_id, form_id, form_version, from_agency_id, to_agency_id, status, prefill, checklist, created_by, created_at)"
                " VALUES (1, 'prosecution_transfer', '1', 1, 2, 'pending', '[]', '[]', 'x', CURRENT_TIMESTAMP)")
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, status, decided_by FROM transfers ORDER BY id").all()
    engine.dispose()
    assert [(r[1], r[2]) for r in rows] == [
        ("pending", None), ("returned", "system:migration-0004"), ("returned", "system:migration-0004")]


def test_issue18_migration_closes_earlier_duplicates_sqlite(tmp_path: Path) -> None:
    _duplicates_closed_by_migration(f"sqlite:///{tmp_path / 'casefile.db'}")


@pytest.mark.postgres
@pytest.mark.integration
def test_issue18_migration_closes_earlier_duplicates_postgres() -> None:
    with fresh_postgres() as url:
        _duplicates_closed_by_migration(url.replace("postgresql://", "postgresql+psycopg://"))
