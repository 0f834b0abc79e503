"""The dashboard benchmark runs end to end on a tiny study (it needs the browser)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.browser import require_browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_dashboard_benchmark() -> None:
    require_browser()
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.dashboard", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("| 20 |") for line in lines), result.stdout
    assert any(line.startswith("| 20 | what changed |") for line in lines), result.stdout
    assert any(line.startswith("| 20 | every trial |") for line in lines), result.stdout
