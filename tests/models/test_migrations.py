"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, inspect, select

from models.db import make_engine
from models.migrate import upgrade
from models.tables import Base
from tests.support.services import fresh_postgres


def _assert_schema_matches(url: str) -> None:
    upgrade(url)
    upgrade(url)  # idempotent: a second start changes nothing
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert {"cases", "documents", "pages", "fact_sheets"} <= tables


def test_sqlite_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'casefile.db'}"
    _assert_schema_matches(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.integration
@pytest.mark.postgres
def test_postgres_schema() -> None:
    with fresh_postgres() as url:
        _assert_schema_matches(url)


def _json_round_trip(url: str, values: list[Any]) -> list[Any]:
    upgrade(url)
    engine = make_engine(url)
    table = Table("json_round_trip", MetaData(), Column("id", Integer, primary_key=True), Column("data", JSON))
    try:
        table.create(engine)
        with engine.begin() as connection:
            connection.execute(insert(table), [{"id": i, "data": value} for i, value in enumerate(values)])
        with engine.connect() as connection:
            return list(connection.execute(select(table.c.data).order_by(table.c.id)).scalars())
    finally:
        table.drop(engine)
        engine.dispose()


VALUES = [{"confidence": 0.25, "text": "被告人张某", "bbox": [1.5, 2]}, [1, None, "x"]]


def test_sqlite_json_columns_read_back_what_was_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'casefile.db'}"
    assert _json_round_trip(url, VALUES) == VALUES
    # json.dumps writes NaN, which the fast reader refuses: it is read all the same
    [read] = _json_round_trip(url, [{"confidence": float("nan")}])
    assert math.isnan(read["confidence"])


@pytest.mark.integration
@pytest.mark.postgres
def test_postgres_json_columns_read_back_what_was_written() -> None:
    with fresh_postgres() as url:
        assert _json_round_trip(url, VALUES) == VALUES


def _issue16_upgrade_keeps_data(url: str) -> None:
    """0007_case_identity (and every migration before it) on a database with data keeps it.

    Documents get their case's agency, grants of returned transfers go, and a second agency may
    then hold the same case number.
    """
    from alembic import command

    from models.migrate import alembic_config

    command.upgrade(alembic_config(url), "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as c:
            c.exec_driver_sql("INSERT INTO agencies (id, name, kind, created_at) VALUES "
                              "(1, 'A', 'police', '2026-01-01'), (2, 'P', 'procuratorate', '2026-01-01'), "
                              "(3, 'Q', 'procuratorate', '2026-01-01')")
            c.exec_driver_sql("INSERT INTO cases (id, case_number, agency_id, created_at) VALUES (1, 'N1', 1, '2026-01-01')")
            c.exec_driver_sql(
                "INSERT INTO documents (id, case_id, original_name, sha256, media_type, size_bytes, status, stage,"
                " attempts, created_at, updated_at) VALUES (1, 1, 'a.txt', 'x', 'text/plain', 1, 'done', 'done', 0,"
                " '2026-01-01', '2026-01-01')")
            c.exec_driver_sql("INSERT INTO pages (id, document_id, number, status, updated_at) VALUES"
                              " (1, 1, 1, 'done', '2026-01-01')")
            for transfer_id, agency_id, status in ((1, 2, "returned"), (2, 3, "pending")):
                c.exec_driver_sql(
                    "INSERT INTO transfers (id, case_id, form_id, form_version, from_agency_id, to_agency_id, status,"
                    " prefill, checklist, created_by, created_at) VALUES"
                    f" ({transfer_id}, 1, 'f', '1', 1, {agency_id}, '{status}', '[]', '[]', 'u', '2026-01-01')")
                c.exec_driver_sql("INSERT INTO case_access (case_id, agency_id, reason, created_at) VALUES"
                                  f" (1, {agency_id}, 'transfer:f', '2026-01-01')")
        upgrade(url)
        with engine.begin() as c:
            # SQLite recreates the tables: the drop must not cascade into documents and pages
            assert c.exec_driver_sql("SELECT agency_id FROM documents").scalar() == 1
            assert c.exec_driver_sql("SELECT count(*) FROM pages").scalar() == 1
            assert [r[0] for r in c.exec_driver_sql("SELECT agency_id FROM case_access")] == [3]
            c.exec_driver_sql("INSERT INTO cases (id, case_number, agency_id, created_at) VALUES (2, 'N1', 2, '2026-01-01')")
    finally:
        engine.dispose()


def test_issue16_sqlite_upgrade_keeps_data(tmp_path: Path) -> None:
    _issue16_upgrade_keeps_data(f"sqlite:///{tmp_path / 'casefile.db'}")


@pytest.mark.integration
@pytest.mark.postgres
def test_issue16_postgres_upgrade_keeps_data() -> None:
    with fresh_postgres() as url:
        _issue16_upgrade_keeps_data(url)
