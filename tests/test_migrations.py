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
