"""The client is thin: grpcio and protobuf only, never torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "torch",
    "botorch",
    "gpytorch",
    "numpy",
    "scipy",
    "sqlalchemy",
    "sibyl_server",
    "google.rpc",
)


def test_base_dependencies_are_grpcio_and_protobuf() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in project["dependencies"]}
    assert names == {"grpcio", "protobuf"}


def test_importing_and_using_the_client_loads_nothing_heavy() -> None:
    code = (
        "import sys, sibyl, sibyl.cli\n"
        "spec = sibyl.StudySpec([sibyl.Double('x', 0, 1)], [sibyl.Metric('y')])\n"
        "spec.to_proto()\n"
        f"print([m for m in sys.modules if m.startswith({HEAVY!r})])"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


@pytest.mark.slow
def test_installing_the_client_resolves_only_grpcio_and_protobuf(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(report),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    install = json.loads(report.read_text())["install"]
    names = {item["metadata"]["name"].lower().replace("_", "-") for item in install}
    assert {"sibyl", "grpcio", "protobuf"} <= names
    assert not names & {"torch", "botorch", "gpytorch", "sqlalchemy", "numpy", "scipy"}, names
    assert names <= {"sibyl", "grpcio", "protobuf", "typing-extensions"}, names
