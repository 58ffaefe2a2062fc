"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
