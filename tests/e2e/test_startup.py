"""Starting while PostgreSQL is down: the server waits, says why, and serves once it is back.

The outage is a TCP port in front of the test database that refuses connections until
the test opens it; the server is the real `python -m sibyl_server` process.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy.engine import make_url

import sibyl
from sibyl_server.local import LocalServer

SERVICES = ("", "sibyl.v1.StudyService", "sibyl.v1.TeamService")
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVING = health_pb2.HealthCheckResponse.SERVING
SPEC = {"parameters": {"c": ["a", "b"]}, "metrics": {"y": "minimize"}, "algorithm": "grid_search"}
NO_RETRY = sibyl.RetryConfig(window_seconds=0, connect_window_seconds=0)
CONNECT_WINDOW_SECONDS = 1.0


class ClosedPort:
    """A loopback port that refuses connections until `open()`, then forwards them;
    `freeze()` holds every byte (a network partition: connections stay open, nothing
    passes) until `thaw()`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._flowing = threading.Event()
        self._flowing.set()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        for each in [*self._sockets, *([self._listener] if self._listener else [])]:
            each.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                pump = (source, sink, self._flowing)
                threading.Thread(target=_pump, args=pump, daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket, flowing: threading.Event) -> None:
    try:
        while data := source.recv(65536):
            flowing.wait()
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for each in (source, sink):
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)


class ServerLog:
    """The JSON log of a server process, read as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def records(self) -> list[dict[str, Any]]:
        lines = self.path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], process: Any) -> dict[str, Any]:
        deadline = time.monotonic() + 120
        while True:
            # Only whole lines: the last one may be half written.
            lines = self.path.read_text().split("\n")[:-1]
            for record in (json.loads(line) for line in lines if line.strip()):
                if predicate(record):
                    return record
            assert process.poll() is None, f"the server exited:\n{self.path.read_text()}"
            assert time.monotonic() < deadline, f"never logged:\n{self.path.read_text()}"
            time.sleep(0.05)


@pytest.fixture
def closed_postgres(postgres_url: str) -> Iterator[tuple[ClosedPort, str]]:
    """A PostgreSQL URL whose port refuses connections until the test opens it."""
    url = make_url(postgres_url)
    port = ClosedPort((url.host or "127.0.0.1", url.port or 5432))
    try:
        yield port, url.set(host="127.0.0.1", port=port.port).render_as_string(hide_password=False)
    finally:
        port.close()


def _health(address: str) -> dict[str, int]:
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return {
            name: stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=10).status
            for name in SERVICES
        }


def test_waits_for_the_database_then_serves(
    closed_postgres: tuple[ClosedPort, str], tmp_path: Path, unique_id: str
) -> None:
    database, store = closed_postgres
    port_file, log = tmp_path / "port", ServerLog(tmp_path / "server.log")
    flags = ["--store", store, "--address", "127.0.0.1:0", "--port-file", str(port_file)]
    with log.path.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sibyl_server", *flags, "--log-format", "json"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        log.wait_for(lambda r: r["message"].startswith("starting on 127.0.0.1:0"), process)
        listening = log.wait_for(lambda r: r["message"].startswith("listening on "), process)
        address = listening["message"].split()[2].rstrip(";")
        log.wait_for(lambda r: "Connection refused" in r["message"], process)

        assert _health(address) == dict.fromkeys(SERVICES, NOT_SERVING)
        assert not port_file.exists(), "written once serving"
        impatient = sibyl.connect(address, retry=NO_RETRY)
        with impatient, pytest.raises(sibyl.UnavailableError) as refused:
            impatient.create_study(unique_id, SPEC)
        assert "the server is starting" in str(refused.value)
        assert "Connection refused" in str(refused.value)

        # A user's first call, made while the database is still away, rides it out: the
        # server answers, so the call retries past its short window for unreachable ones.
        outcome: dict[str, Any] = {}
        user = threading.Thread(target=_create_and_suggest, args=(address, unique_id, outcome))
        user.start()
        time.sleep(2 * CONNECT_WINDOW_SECONDS)
        database.open()
        user.join(120)
        assert outcome.get("suggested") == 2, outcome
        assert _health(address) == dict.fromkeys(SERVICES, SERVING)
        assert int(port_file.read_text()) == int(address.rsplit(":", 1)[1])
    finally:
        process.terminate()
        process.wait(60)
    assert process.returncode == 0
    messages = [(r["level"], r["message"]) for r in log.records()]
    assert not any("exception" in r for r in log.records()), "no traceback"
    refusals = [m for level, m in messages if m.startswith("store unreachable")]
    assert len(refusals) == 1, "one line per change of state, not one per attempt"
    assert ("INFO", "store reachable; schema migrated") in messages
    assert any(m.startswith(f"sibyl serving on {address}") for _, m in messages)


def _create_and_suggest(address: str, study_id: str, outcome: dict[str, Any]) -> None:
    try:
        retry = sibyl.RetryConfig(connect_window_seconds=CONNECT_WINDOW_SECONDS)
        with sibyl.connect(address, retry=retry) as client:
            outcome["suggested"] = len(client.create_study(study_id, SPEC).suggest(count=5))
    except Exception as error:
        outcome["error"] = error


def test_sigterm_while_waiting_for_the_database_stops_at_once(
    closed_postgres: tuple[ClosedPort, str], tmp_path: Path
) -> None:
    _, store = closed_postgres
    log = ServerLog(tmp_path / "server.log")
    flags = ["--store", store, "--address", "127.0.0.1:0", "--log-format", "json"]
    with log.path.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sibyl_server", *flags], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        log.wait_for(lambda r: r["message"].startswith("store unreachable"), process)
    finally:
        process.terminate()
        process.wait(60)
    assert process.returncode == 0
    assert log.records()[-1]["message"] == "stopped"


def _wait_for_health(address: str, service: str, status: int, seconds: float) -> float:
    """Seconds until `service`'s health is `status` (fails after `seconds`)."""
    started = time.monotonic()
    while _health(address)[service] != status:
        assert time.monotonic() - started < seconds, f"{service} never turned {status}"
        time.sleep(0.2)
    return time.monotonic() - started


def test_a_partitioned_database_is_not_serving_and_sigterm_still_exits(
    closed_postgres: tuple[ClosedPort, str], tmp_path: Path
) -> None:
    """Across a partition the health check's query hangs; health must still turn
    NOT_SERVING, back SERVING once the network is whole, and SIGTERM end the process."""
    database, store = closed_postgres
    database.open()
    server = LocalServer(store, tmp_path, health_check_seconds=0.5, grace_seconds=1)
    service = "sibyl.v1.StudyService"
    try:
        assert _health(server.address)[service] == SERVING
        database.freeze()
        _wait_for_health(server.address, service, NOT_SERVING, 30)
        database.thaw()
        _wait_for_health(server.address, service, SERVING, 30)
        database.freeze()
        _wait_for_health(server.address, service, NOT_SERVING, 30)
        started = time.monotonic()
        assert server.terminate(timeout=30) == 0
        assert time.monotonic() - started < 20, "the exit waits for no hung query"
    finally:
        database.thaw()
        server.kill()


def test_sigterm_while_loading_ends_the_process(tmp_path: Path) -> None:
    """Before the server handles signals itself (while torch loads), SIGTERM exits with
    143, from a handler: as PID 1 in a container, a process without one ignores it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sibyl_server", "--store", "memory://", "--address", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)  # importing torch and BoTorch takes seconds
    process.terminate()
    assert process.wait(60) == 143
