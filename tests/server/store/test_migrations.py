"""Migrations build exactly the schema the code expects, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from sibyl_server.store import open_store
from sibyl_server.store.database import migrate, migration_transaction, open_database
from sibyl_server.store.interface import StoreProblem
from sibyl_server.store.tables import measurements, metadata, studies, trials


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


def test_a_sqlite_migration_that_rebuilds_a_table_keeps_the_rows_that_refer_to_it(
    tmp_sqlite_url: str,
) -> None:
    database = open_database(tmp_sqlite_url, pool_size=2)
    try:
        migrate(database)
        with database.engine.begin() as connection:
            _one_study_with_a_measured_trial(connection)
        # As a later migration would: Alembic's batch mode copies the table, drops it
        # and renames the copy (SQLite cannot change a column in place).
        with migration_transaction(database) as connection:
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("studies", recreate="always") as batch:
                batch.alter_column("display_name", type_=sa.String(512))
        with database.engine.connect() as connection:
            counts = [
                connection.scalar(sa.select(sa.func.count()).select_from(t))
                for t in (studies, trials, measurements)
            ]
            enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        assert counts == [1, 1, 1]
        assert enforced == 1, "the pool's connections enforce foreign keys again"
    finally:
        database.dispose()


def _one_study_with_a_measured_trial(connection: sa.Connection) -> None:
    times = {"create_time": 1, "update_time": 1}
    study = connection.execute(
        studies.insert().values(
            team="t",
            study_id="s",
            display_name="",
            spec="{}",
            state="ACTIVE",
            state_reason="",
            trial_count=1,
            exhausted_reason="",
            engine_state="{}",
            **times,
        )
    ).inserted_primary_key[0]
    trial = connection.execute(
        trials.insert().values(
            study_pk=study,
            number=1,
            parameters="{}",
            state="ACTIVE",
            client_id="",
            infeasibility_reason="",
            metadata="{}",
            **times,
        )
    ).inserted_primary_key[0]
    connection.execute(
        measurements.insert().values(trial_pk=trial, step=1, metrics="{}", elapsed_seconds=0.0)
    )


def test_a_schema_of_a_newer_release_is_a_problem_naming_it(tmp_sqlite_url: str) -> None:
    store = open_store(tmp_sqlite_url, pool_size=2)
    try:
        store.migrate()
        with store.database.engine.begin() as connection:  # as a newer release leaves it
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(StoreProblem, match=r"newer release .*'9999'.*never migrate downwards"):
            store.migrate()
    finally:
        store.close()
