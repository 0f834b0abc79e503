"""Printing and saving benchmark tables (Markdown for reading, CSV for tools)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_BUDGET = 50
"""Evaluations per run for the main tables; another budget's tables sit beside them."""


def budget_table_name(name: str, budget: int) -> str:
    """`name` for the default budget, `name_budget<N>` for any other."""
    return name if budget == DEFAULT_BUDGET else f"{name}_budget{budget}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def save_table(
    name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    preamble: str = "",
    save: bool = True,
) -> str:
    """Writes results/<name>.md and results/<name>.csv (unless `save` is False).

    Returns the Markdown table. Smoke runs pass save=False: their figures mean nothing.
    """
    table = markdown_table(headers, rows)
    if not save:
        return table
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text((preamble + "\n\n" if preamble else "") + table + "\n")
    with (RESULTS / f"{name}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return table


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(seconds) * 1000.0, q))
