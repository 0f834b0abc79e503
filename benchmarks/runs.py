"""Running many independent benchmark runs in a process pool, saving each as it ends.

Each finished run is appended as one JSON line to a raw file, so a long benchmark can
be re-tabulated or resumed after an interruption without repeating what finished.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any


def run_in_pool(
    function: Callable[..., dict],
    runs: Sequence[tuple[Any, ...]],
    jobs: int,
    raw: Path | None,
) -> list[dict]:
    """Calls function(*run) for each run in `jobs` processes; appends results to `raw`."""
    records = []
    code = code_version()  # before the first run saved changes the tree
    with ProcessPoolExecutor(jobs) as pool:
        futures = {pool.submit(function, *run): run for run in runs}
        for number, future in enumerate(as_completed(futures), 1):
            record = {**future.result(), "code": code}
            records.append(record)
            print(f"[{number}/{len(runs)}] {futures[future]}", file=sys.stderr, flush=True)
            if raw is not None:
                raw.parent.mkdir(parents=True, exist_ok=True)
                with raw.open("a") as handle:
                    handle.write(json.dumps(record) + "\n")
    return records


def code_version() -> str:
    """The commit the runs are made with ("-modified" when files differ from it), so a
    table can say which of its runs an older engine made; "unknown" outside a clone."""
    root = Path(__file__).resolve().parent
    try:
        commit = _git(root, "rev-parse", "--short=10", "HEAD")
        # The code, not the runs' own output under results/.
        paths = (".", "../server", "../client", ":!results")
        changed = _git(root, "status", "--porcelain", "--untracked-files=no", "--", *paths)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}-modified" if changed else commit


def _git(root: Path, *arguments: str) -> str:
    result = subprocess.run(
        ["git", *arguments], cwd=root, capture_output=True, text=True, check=True, timeout=30
    )
    return result.stdout.strip()


def load_runs(raw: Path) -> list[dict]:
    """The runs saved so far ([] when none)."""
    if not raw.exists():
        return []
    return [json.loads(line) for line in raw.read_text().splitlines() if line]


def save_runs(raw: Path, records: Sequence[dict]) -> None:
    """Rewrites `raw` with `records` (load_runs' format)."""
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text("".join(json.dumps(record) + "\n" for record in records))
