"""Migrations build exactly the schema the code expects, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sibyl_server.store.database import migrate, open_database
from sibyl_server.store.tables import metadata


def test_migrated_schema_matches_the_tables(tmp_sqlite_url: str, postgres_url: str) -> None:
    for url in (tmp_sqlite_url, postgres_url):
        database = open_database(url, pool_size=1)
        try:
            migrate(database)
            with database.engine.connect() as connection:
                context = MigrationContext.configure(connection)
                differences = compare_metadata(context, metadata)
            assert differences == [], f"{database.dialect}: {differences}"
        finally:
            database.dispose()
