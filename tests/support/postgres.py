"""Whether the PostgreSQL test database answers."""

from __future__ import annotations

import psycopg


def unreachable_reason(url: str) -> str | None:
    """None if PostgreSQL answers at `url`, else why not."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        text = str(error).strip()
        return text.splitlines()[0] if text else type(error).__name__
    return None
