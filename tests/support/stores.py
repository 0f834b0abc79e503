"""An opened, migrated store for tests that talk to the store directly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sibyl_server.store import Store, open_store


@contextlib.contextmanager
def migrated_store(url: str, pool_size: int = 8) -> Iterator[Store]:
    """The store at `url`, migrated, closed on exit."""
    opened = open_store(url, pool_size=pool_size)
    opened.migrate()
    try:
        yield opened
    finally:
        opened.close()
