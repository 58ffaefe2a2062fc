"""Alembic environment: runs migrations against the URL set by models.migrate."""

from __future__ import annotations

from alembic import context

from models.db import make_engine
from models.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "models.migrate sets sqlalchemy.url"
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration recreates a table: it drops the old one, and with foreign keys
            # enforced that drop cascades (ON DELETE CASCADE) into every child row: dropping
            # ``cases`` deleted every document and page. Off while migrating (the pragma is a
            # no-op inside a transaction, so it is set before one begins), checked afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
    engine.dispose()


run_migrations()
