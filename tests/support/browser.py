"""The browser tests' gate: skipped without Chromium, failed instead where CI requires it."""

from __future__ import annotations

import os

import pytest

from benchmarks.browser import missing_browser

REQUIRE_BROWSER = os.environ.get("SIBYL_REQUIRE_BROWSER", "") == "1"


def require_browser() -> None:
    """Skips the calling test (or fails it, with SIBYL_REQUIRE_BROWSER=1) without a browser."""
    problem = missing_browser()
    if problem is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"a browser is required (SIBYL_REQUIRE_BROWSER=1): {problem}")
    pytest.skip(f"no browser to drive: {problem}")
