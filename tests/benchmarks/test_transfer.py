"""The transfer benchmark runs end to end on a tiny budget."""

from __future__ import annotations

import pytest

from tests.benchmarks.test_smoke import run_module


@pytest.mark.slow
def test_transfer() -> None:
    output = run_module("benchmarks.transfer", "--jobs", "1")
    for family in ("hartmann6", "svc"):
        assert f"| {family} | no prior |" in output
        assert f"| {family} | related + unrelated |" in output
    assert "| weights at 2 / 4 |" in output
    assert "related-a " in output and " / " in output.split("related-a ")[1].split("|")[0]
