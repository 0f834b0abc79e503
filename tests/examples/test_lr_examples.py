"""The learning-rate examples run end to end on a tiny budget."""

from __future__ import annotations

import re
import sys

import pytest

from tests.examples.test_examples import run


@pytest.mark.slow
def test_one_cycle_tunes_the_schedule_within_the_range() -> None:
    output = run(sys.executable, "one_cycle.py", "--trials", "3")
    found = re.search(r"range test: (\S+) \.\. (\S+), valley (\S+)", output)
    assert found, output
    low, high, _ = map(float, found.groups())
    best = re.search(r"best: trial \d+, accuracy (0\.\d+), .*'max_lr': ([\d.e-]+)", output)
    assert best and low <= float(best.group(2)) <= high, output


@pytest.mark.slow
def test_the_bounds_table_has_a_row_per_setup() -> None:
    output = run(sys.executable, "lr_range_bounds.py", "--epochs", "1", "--steps", "30")
    rows = [line for line in output.splitlines() if line.startswith("| ") and ": 0." in line]
    assert len(rows) == 6, output
