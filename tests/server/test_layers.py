"""Imports run downwards only: api -> service -> store | engine, domain below all;
app.py (the composition root) alone wires every layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "sibyl_server"
FORBIDDEN = {
    "api": ("store", "engine", "runtime", "app"),
    "service": ("api", "app"),
    "store": ("api", "service", "engine", "app"),
    "engine": ("api", "service", "store", "app", "observability"),
    "domain": ("api", "service", "store", "engine", "app", "observability"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_no_layer_above_it(layer: str) -> None:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "sibyl_server" and len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                found.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not found
