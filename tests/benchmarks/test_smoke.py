"""Every benchmark script runs end to end on a tiny budget, so none of them rots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from benchmarks.gp_quality import PARALLEL_MODES

ROOT = Path(__file__).resolve().parents[2]


def run_module(module: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", module, "--smoke", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_rpc_latency(postgres_url: str) -> None:
    base_url = postgres_url.split("?")[0]
    output = run_module("benchmarks.rpc_latency", "--postgres-url", base_url)
    assert "| sqlite | none | SuggestTrials |" in output
    assert "| postgresql | token | CompleteTrial |" in output
    assert "server on uvloop" in output or "server on asyncio" in output


@pytest.mark.slow
def test_load(postgres_url: str) -> None:
    output = run_module("benchmarks.load", "--postgres-url", postgres_url.split("?")[0])
    assert "| 2 | CompleteTrial |" in output
    assert "problems {'lost': 0, 'altered': 0" in output
    assert "servers on uvloop" in output or "servers on asyncio" in output
    output = run_module("benchmarks.load", "--store", "sqlite", "--auth", "token")
    assert "| 1 | AddTrialMeasurement |" in output
    assert "problems {'lost': 0, 'altered': 0" in output
    assert "--auth token" in output


@pytest.mark.slow
def test_fidelity_landscape() -> None:
    output = run_module("benchmarks.fidelity_landscape")
    assert "| mlp-digits | 0 | 3 |" in output


@pytest.mark.slow
def test_searchcv() -> None:
    output = run_module("benchmarks.searchcv")
    for method in ("sibyl", "random", "grid"):
        assert f"| svc-digits | {method} | 12 | 2 |" in output
    assert "| hgb-breast-cancer | sibyl |" in output


@pytest.mark.slow
def test_gp_quality() -> None:
    output = run_module("benchmarks.gp_quality")
    for method in (
        "sibyl-gp",
        "sibyl-gp-server",
        "optuna-gp",
        "optuna-tpe",
        "botorch-reference",
        "sibyl-gp-from-optuna-start",
        "optuna-gp-from-sibyl-start",
    ):
        assert f"| branin | {method} | 1 |" in output
    assert "| svc-digits | sibyl-gp | 1 |" in output
    for mode in PARALLEL_MODES:  # Sibyl's batch and async rows, and the anchors'
        assert f"| branin | {mode} | 8 | 1 |" in output


# Scripts whose smoke run is checked by the rows it prints, and those rows.
PRINTED_ROWS = {
    "benchmarks.faults": ["| PostgreSQL restart | 16 | 0 | 0 | 0 | 0 | 0 |"],
    "benchmarks.early_stopping": ["| Sibyl learning curve |", "| Optuna HyperbandPruner |"],
    "benchmarks.gp_scaling": ["| 40 | 30 |"],
    "benchmarks.gp_devices": ["| 40 |"],
    "benchmarks.mixed_step": ["| svc-digits | 12 |"],
    "benchmarks.mixed_latency": ["| gbr-diabetes |"],
    "benchmarks.fidelity": [
        "| mlp-digits | sibyl-gp-median | ",
        "| mlp-digits | sibyl-fidelity | ",
        "| mlp-digits | optuna-tpe-hyperband | ",
        "| mlp-digits | random-asha | ",
        "| augmented-hartmann | sibyl-fidelity | ",
        "| mlp-digits | sibyl-budget | ",
    ],
    "benchmarks.gp_large": [
        "| hartmann6 | 60 | subset-40 |",
        "| hartmann6 | 60 | exact |",
    ],
    "benchmarks.mo_step": [
        "| branin-currin | 2 | 16 |",
        "| zdt1 | 2 | 16 |",
        "| dtlz2-3 | 3 | 16 |",
    ],
    "benchmarks.rich_studies": [
        "| dtlz2 | optuna-nsga2 | 1 |",
        "| constrained-hartmann6 | optuna-gp | 1 |",
        "| sklearn-model-choice | sibyl-gp | 1 |",
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("module", list(PRINTED_ROWS))
def test_prints_its_table(module: str) -> None:
    output = run_module(module)
    for row in PRINTED_ROWS[module]:
        assert row in output, row


def test_importance() -> None:
    output = run_module("benchmarks.importance")
    for method in ("Sibyl GP Sobol", "Sibyl correlation ratio", "Optuna fANOVA (default)"):
        assert f"| two of six | 20 | {method} | " in output


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the answer where CUDA is absent")
def test_the_gpu_check_says_when_there_is_no_gpu() -> None:
    result = subprocess.run(
        ["bash", "benchmarks/gpu_check.sh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert result.returncode != 0
    assert "torch sees no CUDA device" in result.stderr
