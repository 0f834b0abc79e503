"""The PostgreSQL test database: reachability, and a schema per test run."""

from __future__ import annotations

from urllib.parse import quote

import psycopg


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def unreachable_reason(url: str) -> str | None:
    """None if PostgreSQL answers at `url`, else why not."""
    try:
        with psycopg.connect(_dsn(url), connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def create_schema(url: str, schema: str) -> None:
    with psycopg.connect(_dsn(url), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(_dsn(url), autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def url_with_schema(url: str, schema: str) -> str:
    """`url` with every connection's search_path set to `schema`."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
