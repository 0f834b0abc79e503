"""`sibyl serve` as a process: configured from the environment, healthy, drains on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

import sibyl


def test_serve_from_environment_then_sigterm(tmp_path: Path, unique_id: str) -> None:
    port_file = tmp_path / "port"
    env = {
        **os.environ,
        "SIBYL_ADDRESS": "127.0.0.1:0",
        "SIBYL_STORE": f"sqlite:///{tmp_path / 'env.db'}",
        "SIBYL_PORT_FILE": str(port_file),
        "SIBYL_LOG_FORMAT": "json",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "sibyl.cli", "serve"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not port_file.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        address = f"127.0.0.1:{int(port_file.read_text())}"
        with grpc.insecure_channel(address) as channel:
            check = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
            assert check.status == health_pb2.HealthCheckResponse.SERVING
        with sibyl.connect(address) as client:
            spec = {
                "parameters": {"c": ["a", "b"]},
                "metrics": {"y": "minimize"},
                "algorithm": "grid_search",
            }
            assert len(client.create_study(unique_id, spec).suggest(count=5)) == 2
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert (tmp_path / "env.db").exists()
    assert '"message": "stopped"' in stderr, "JSON logs, and a clean drain"
