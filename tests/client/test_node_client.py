"""The Node.js client's own tests, against a real server started by its harness."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NODE_CLIENT = Path(__file__).resolve().parents[2] / "client" / "node"


@pytest.mark.slow
def test_node_client_suite() -> None:
    if shutil.which("npm") is None or shutil.which("node") is None:
        if os.environ.get("SIBYL_REQUIRE_NODE") == "1":
            pytest.fail("Node.js and npm are required (SIBYL_REQUIRE_NODE=1)")
        pytest.skip("Node.js/npm not installed: the Node client's tests are skipped")
    result = subprocess.run(
        ["bash", str(NODE_CLIENT / "test.sh")],
        env={**os.environ, "SIBYL_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
