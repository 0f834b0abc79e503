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


def loaded_after(code: str, watched: tuple[str, ...]) -> list[str]:
    """The top-level packages among `watched` that running `code` imports."""
    script = (
        f"{code}\nimport sys\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({watched!r})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout.strip().replace("'", '"'))


INTEGRATED = ("torch", "sklearn", "optuna", "ray", "sibyl_server", "numpy", "scipy")


def test_the_helpers_and_the_integrations_package_load_nothing_until_used() -> None:
    code = (
        "import sibyl, sibyl.integrations, sibyl.lr_range, sibyl.optimization, "
        "sibyl.local_server\n"
        "assert callable(sibyl.lr_range_test) and callable(sibyl.optimize)"
    )
    assert loaded_after(code, INTEGRATED) == []


@pytest.mark.parametrize(
    ("module", "library"),
    [("sklearn", "sklearn"), ("optuna", "optuna"), ("ray", "ray")],
)
def test_each_integration_imports_only_its_own_library(module: str, library: str) -> None:
    loaded = loaded_after(f"import sibyl.integrations.{module}", INTEGRATED)
    assert library in loaded
    others = {"sklearn", "optuna", "ray"} - {library}
    assert not set(loaded) & (others | {"torch", "sibyl_server"}), loaded


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
