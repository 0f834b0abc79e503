"""deploy/docker/healthcheck.py against small gRPC health servers: plaintext and TLS.

(Against the real server it runs in test_docker.py, as the image's HEALTHCHECK.)
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "docker" / "healthcheck.py"
SERVICE_NAME = "sibyl.v1.StudyService"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("healthcheck", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class HealthServer:
    """A gRPC server with only the health service, on a free loopback port."""

    def __init__(self, credentials: grpc.ServerCredentials | None = None) -> None:
        self.health = health.HealthServicer()
        self.server = grpc.server(ThreadPoolExecutor(2))
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        if credentials is None:
            self.port = self.server.add_insecure_port("127.0.0.1:0")
        else:
            self.port = self.server.add_secure_port("127.0.0.1:0", credentials)
        self.server.start()
        self.health.set(SERVICE_NAME, SERVING)

    def stop(self) -> None:
        self.server.stop(None)


@pytest.fixture
def plain_server() -> Iterator[HealthServer]:
    server = HealthServer()
    yield server
    server.stop()


def run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIBYL_")} | environ
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("listen", "target"),
    [
        ("0.0.0.0:50051", "127.0.0.1:50051"),
        ("[::]:6000", "127.0.0.1:6000"),
        (":7000", "127.0.0.1:7000"),
        ("10.1.2.3:50051", "10.1.2.3:50051"),
    ],
)
def test_target_follows_the_listen_address(listen: str, target: str) -> None:
    assert load_script().target_address(listen) == target


def test_serving_is_healthy(plain_server: HealthServer) -> None:
    result = run(SIBYL_ADDRESS=f"0.0.0.0:{plain_server.port}")
    assert result.returncode == 0, result.stderr


def test_not_serving_is_unhealthy(plain_server: HealthServer) -> None:
    plain_server.health.set(SERVICE_NAME, NOT_SERVING)  # draining, or no database
    result = run("--address", f"127.0.0.1:{plain_server.port}")
    assert result.returncode == 1
    assert "NOT_SERVING" in result.stderr


def test_unknown_service_and_no_server_are_unhealthy(plain_server: HealthServer) -> None:
    unknown = run("--address", f"127.0.0.1:{plain_server.port}", "--service", "nope")
    assert unknown.returncode == 1 and "NOT_FOUND" in unknown.stderr
    plain_server.stop()
    gone = run("--address", f"127.0.0.1:{plain_server.port}", "--timeout", "1")
    assert gone.returncode == 1 and "UNAVAILABLE" in gone.stderr


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: no test certificate")
    cert, key = tmp_path / "server.crt", tmp_path / "server.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_tls_server_is_checked_over_tls(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    credentials = grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])
    server = HealthServer(credentials)
    try:
        address = f"127.0.0.1:{server.port}"
        assert run("--address", address, SIBYL_TLS_CERT_FILE=str(cert)).returncode == 0
        assert run("--address", address, "--timeout", "2").returncode == 1, "plaintext"
        wrong_name = run(
            "--address", address, SIBYL_TLS_CERT_FILE=str(cert),
            SIBYL_HEALTHCHECK_TLS_NAME="other.example",
        )  # fmt: skip
        assert wrong_name.returncode == 1
    finally:
        server.stop()
