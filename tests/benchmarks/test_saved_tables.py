"""The committed gp_quality and rich_studies tables rest on the committed runs:
tabulated again from `benchmarks/results/raw/`, every row of every budget's tables is
the same. A table whose runs were not all saved (a raw line lost, a run kept out of the
file) fails here instead of standing on figures nobody can reproduce."""

from __future__ import annotations

import csv

import pytest

from benchmarks import rich_studies
from benchmarks.gp_quality import (
    CHECKPOINTS,
    RAW,
    batch_rows,
    latency_rows,
    quality_rows,
)
from benchmarks.runs import load_runs
from benchmarks.tables import RESULTS, budget_table_name


def saved_rows(name: str) -> list[list[str]]:
    with (RESULTS / f"{name}.csv").open(newline="") as handle:
        return list(csv.reader(handle))[1:]


@pytest.mark.parametrize("budget", [50, 100, 200])
def test_gp_quality_tables_are_their_saved_runs_tabulated(budget: int) -> None:
    records = [r for r in load_runs(RAW) if r["budget"] == budget]
    checkpoints = [k for k in CHECKPOINTS if k <= budget]
    tables = {
        "gp_quality": quality_rows(records, checkpoints),
        "gp_latency": latency_rows(records),
        "gp_batch": batch_rows(records, checkpoints),
    }
    for name, rows in tables.items():
        table = budget_table_name(name, budget)
        assert [[str(cell) for cell in row] for row in rows] == saved_rows(table), table


@pytest.mark.parametrize("budget", [50, 100])
def test_rich_studies_tables_are_their_saved_runs_tabulated(budget: int) -> None:
    records = [r for r in load_runs(rich_studies.RAW) if r["budget"] == budget]
    checkpoints = [k for k in rich_studies.CHECKPOINTS if k <= budget]
    for section in rich_studies.HEADLINES:
        rows = rich_studies.table(records, section, checkpoints)
        table = budget_table_name("rich_" + section.replace("-", "_"), budget)
        assert [[str(cell) for cell in row] for row in rows] == saved_rows(table), table
