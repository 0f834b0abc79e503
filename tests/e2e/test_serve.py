"""`sibyl serve` as a process: configured from the environment, healthy, drains on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import sibyl
from sibyl_server.local import LocalServer
from tests.support.servers import needs_uvloop


def _wait_for_port(process: subprocess.Popen[str], port_file: Path) -> str:
    deadline = time.monotonic() + 60
    while not port_file.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return f"127.0.0.1:{int(port_file.read_text())}"


def _json_lines(text: str) -> list[dict[str, object]]:
    """Every line parsed as JSON (fails on the first that is not)."""
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("loop", [pytest.param("uvloop", marks=needs_uvloop), "asyncio"])
def test_serve_from_environment_then_sigterm(tmp_path: Path, unique_id: str, loop: str) -> None:
    port_file = tmp_path / "port"
    env = {
        **os.environ,
        "SIBYL_EVENT_LOOP": loop,
        "SIBYL_ADDRESS": "127.0.0.1:0",
        "SIBYL_STORE": f"sqlite:///{tmp_path / 'env.db'}",
        "SIBYL_PORT_FILE": str(port_file),
        "SIBYL_LOG_FORMAT": "json",
        "SIBYL_SHUTDOWN_DELAY_SECONDS": "0",
        # Every warning shown (libraries warn as they load): each must be a JSON line too.
        "PYTHONWARNINGS": "always",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "sibyl.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = _wait_for_port(process, port_file)
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
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert (tmp_path / "env.db").exists()
    messages = [line["message"] for line in _json_lines(stdout + stderr)]
    assert str(messages[0]).startswith("starting on 127.0.0.1:0: store sqlite:///")
    serving = next(str(m) for m in messages if str(m).startswith("sibyl serving on"))
    assert serving.startswith(f"sibyl serving on {address} (auth none, tls off)")
    assert serving.endswith(f"event loop {loop}"), "the loop asked for is the one running"
    assert messages[-1] == "stopped", "a clean drain"


def test_uvloop_asked_for_and_missing_refuses_to_start(tmp_path: Path) -> None:
    hidden = "import sys; sys.modules['uvloop'] = None; from sibyl_server.cli import serve_main; "
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            hidden + "sys.exit(serve_main(['--store', 'memory://', '--address', '127.0.0.1:0']))",
        ],
        env={**os.environ, "SIBYL_EVENT_LOOP": "uvloop"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 1
    assert "cannot start: event loop uvloop is not installed" in process.stderr


# The server, with a Python warning issued inside it once it serves (as a library would).
WARNING_SERVER = """
import runpy, sys, threading, time, warnings
from pathlib import Path

def warn_once_serving(port_file):
    while not port_file.exists():
        time.sleep(0.01)
    warnings.warn("a warning while serving", UserWarning)

threading.Thread(target=warn_once_serving, args=(Path(sys.argv[1]),), daemon=True).start()
sys.argv = ["sibyl_server", "--port-file", *sys.argv[1:]]
runpy.run_module("sibyl_server", run_name="__main__")
"""


def test_python_warnings_are_json_log_lines(tmp_path: Path) -> None:
    port_file, log = tmp_path / "port", tmp_path / "server.log"
    flags = ["--address", "127.0.0.1:0", "--store", f"sqlite:///{tmp_path / 'w.db'}"]
    flags += ["--log-format", "json", "--shutdown-delay-seconds", "0"]
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WARNING_SERVER), str(port_file), *flags],
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 60
        while "py.warnings" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(30)
    assert process.returncode == 0, log.read_text()
    lines = _json_lines(log.read_text())
    warned = [line for line in lines if line["logger"] == "py.warnings"]
    assert len(warned) == 1 and "UserWarning: a warning while serving" in str(warned[0]["message"])
    assert warned[0]["level"] == "WARNING"


@pytest.mark.parametrize(
    ("loop", "log_format"),
    [
        pytest.param("uvloop", "json", marks=needs_uvloop),
        ("asyncio", "text"),
    ],
)
def test_a_local_server_says_which_loop_it_runs_on(
    tmp_path: Path, loop: str, log_format: str
) -> None:
    with LocalServer(
        f"sqlite:///{tmp_path / 'l.db'}", tmp_path, event_loop=loop, log_format=log_format
    ) as server:
        assert server.event_loop() == loop


def test_the_serving_line_names_the_metrics_port(tmp_path: Path) -> None:
    """With --metrics-address host:0, the line says which port was bound."""
    server = LocalServer("memory://", tmp_path, metrics_address="127.0.0.1:0")
    try:
        log = server.log_path.read_text()
        found = re.search(r"sibyl serving on .*, metrics 127\.0\.0\.1:(\d+) ", log)
        assert found, log
        metrics = f"http://127.0.0.1:{found.group(1)}/metrics"
        with urllib.request.urlopen(metrics, timeout=30) as response:
            assert b"sibyl_rpc_requests_total" in response.read()
    finally:
        assert server.terminate() == 0
