"""Every example runs end to end on a tiny budget, so that none of them rots."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*command: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=EXAMPLES, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.mark.slow
def test_pytorch_loop_stops_trials_early() -> None:
    output = run(sys.executable, "pytorch_early_stopping.py", "--trials", "6", "--epochs", "4")
    assert re.search(r"learning-rate range test: \S+ \.\. \S+", output)
    assert "successive halving" in output, output
    assert re.search(r"best: trial \d+, accuracy 0\.\d+", output)
    stopped = re.search(r"(\d+) of 6 trials stopped early", output)
    assert stopped and int(stopped.group(1)) >= 1, output


@pytest.mark.slow
def test_sklearn_search() -> None:
    output = run(sys.executable, "sklearn_search.py", "--n-iter", "4", "--n-jobs", "2")
    assert "1. trial" in output and "best parameters: {'svc__C':" in output
    assert re.search(r"test accuracy 0?\.?\d+", output), output


@pytest.mark.slow
def test_parallel_workers_share_one_study() -> None:
    sibyl_command = shutil.which("sibyl", path=str(Path(sys.executable).parent)) or "sibyl"
    output = run(
        "bash", "parallel_workers.sh", "3", "6",
        env={"PYTHON": sys.executable, "SIBYL": sibyl_command},
    )  # fmt: skip
    done = [int(n) for n in re.findall(r"worker-\d: (\d+) trials", output)]
    assert len(done) == 3 and sum(done) == 6, output
    ids = sorted(int(i) for line in re.findall(r"worker-\d: \d+ trials: ([\d, ]+)", output)
                 for i in line.split(","))  # fmt: skip
    assert ids == [1, 2, 3, 4, 5, 6], output
    assert "COMPLETED max_trials reached" in output and "best:" in output
