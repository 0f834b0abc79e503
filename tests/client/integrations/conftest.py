"""The integrations run against a real server on SQLite: they reach it only through the
client, which the client and store suites already test on every backend."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def store_url(sqlite_url: str) -> str:
    return sqlite_url
