"""The store: where studies, trials and teams live between calls.

`interface` is the contract the service layer sees; `sql` implements it on SQLite and
PostgreSQL, `memory` in this process. `open_store` picks one from a URL.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from sibyl_server.store.database import open_database
from sibyl_server.store.interface import Store
from sibyl_server.store.memory import MemoryStore
from sibyl_server.store.sql import SqlStore

MEMORY_URL = "memory://"


def open_store(url: str, pool_size: int = 10) -> Store:
    """Opens `sqlite:///path`, `postgresql://...` or `memory://` (nothing kept).

    No schema changes: call `migrate()` on the result. Raises ValueError for an
    unsupported or incomplete URL, sqlalchemy's ArgumentError for one it cannot parse.
    """
    if url == MEMORY_URL:
        return MemoryStore()
    return SqlStore(open_database(url, pool_size=pool_size))


def is_local(url: str) -> bool:
    """Whether the store at `url` is in this machine (SQLite, memory): its calls never
    wait on a network. Raises like `open_store` for a URL it cannot parse."""
    return url == MEMORY_URL or make_url(url).get_backend_name() == "sqlite"


__all__ = ["MEMORY_URL", "Store", "is_local", "open_store"]
