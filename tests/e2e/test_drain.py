"""SIGTERM: health NOT_SERVING at once, calls still answered for the shutdown delay, then
the drain, whose leftover calls are cancelled with one log line, not a traceback each."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

import sibyl
from sibyl_server.local import InProcessServer
from sibyl_server.store.locks import FileLocks

SPEC = {"parameters": {"x": {"type": "double", "low": 0, "high": 1}}, "metrics": {"y": "minimize"}}
NO_RETRY = sibyl.RetryConfig(window_seconds=0, connect_window_seconds=0)
WAITING_CALLS = 3


def _start(tmp_path: Path, *flags: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    port_file, log = tmp_path / "port", tmp_path / "server.log"
    store = f"sqlite:///{tmp_path / 'drain.db'}"
    arguments = ["--store", store, "--address", "127.0.0.1:0", "--port-file", str(port_file)]
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sibyl_server", *arguments, "--log-format", "json", *flags],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while not port_file.exists():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    return process, f"127.0.0.1:{int(port_file.read_text())}", log


def _health(address: str, service: str = "") -> int:
    with grpc.insecure_channel(address) as channel:
        request = health_pb2.HealthCheckRequest(service=service)
        return health_pb2_grpc.HealthStub(channel).Check(request, timeout=10).status


def _wait_for_health(address: str, expected: int) -> None:
    deadline = time.monotonic() + 30
    while _health(address) != expected:
        assert time.monotonic() < deadline, f"health never became {expected}"
        time.sleep(0.02)


def _suggest(
    address: str, study_id: str, worker: str, asking: threading.Event, outcome: dict[str, Any]
) -> None:
    try:
        with sibyl.connect(address, retry=NO_RETRY) as client:
            study = client.get_study(study_id)  # the server answers this one at once
            asking.set()
            study.suggest(client_id=worker)
    except sibyl.SibylError as error:
        outcome[worker] = error


def test_sigterm_keeps_answering_not_serving_then_drains(tmp_path: Path, unique_id: str) -> None:
    # A long delay, cut short by a second SIGTERM once the test has seen what it needs.
    process, address, log = _start(
        tmp_path, "--shutdown-delay-seconds", "120", "--grace-seconds", "0.5"
    )
    try:
        with sibyl.connect(address) as client:
            client.create_study(unique_id, SPEC)
        # The study's lock held here: its suggestions wait for it, in flight to the end.
        database = tmp_path / "drain.db"
        with sqlite3.connect(database) as connection:
            (pk,) = connection.execute(
                "SELECT pk FROM studies WHERE study_id = ?", (unique_id,)
            ).fetchone()
        lock = FileLocks(database).study_lock(pk)
        assert lock.try_acquire()
        outcomes: dict[str, Any] = {}
        asking = [threading.Event() for _ in range(WAITING_CALLS)]
        callers = [
            threading.Thread(
                target=_suggest, args=(address, unique_id, f"w{i}", asking[i], outcomes)
            )
            for i in range(WAITING_CALLS)
        ]
        for caller in callers:
            caller.start()
        assert all(event.wait(60) for event in asking)
        time.sleep(1.0)  # their SuggestTrials, sent right after, reach the server

        process.send_signal(signal.SIGTERM)
        _wait_for_health(address, health_pb2.HealthCheckResponse.NOT_SERVING)
        assert (
            _health(address, "sibyl.v1.StudyService") == health_pb2.HealthCheckResponse.NOT_SERVING
        )
        with sibyl.connect(address, retry=NO_RETRY) as client:
            assert client.get_study(unique_id).name.endswith(unique_id), "still answering"

        process.send_signal(signal.SIGTERM)  # ends the delay: the drain starts
        assert process.wait(60) == 0
        for caller in callers:
            caller.join(30)
        lock.release()
    finally:
        if process.poll() is None:
            process.kill()
    assert all(isinstance(e, sibyl.UnavailableError) for e in outcomes.values()), outcomes
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert not [r for r in records if "exception" in r or r["level"] == "ERROR"], records
    cancelled = [r["message"] for r in records if r["message"].startswith("drain: cancelling")]
    assert cancelled == [f"drain: cancelling {WAITING_CALLS} call(s) still running after 0.5 s"]
    assert records[-1]["message"] == "stopped"


def test_sigint_skips_the_shutdown_delay(tmp_path: Path) -> None:
    # Ctrl-C in a terminal: nobody balances over this server, nobody to wait for.
    process, address, log = _start(tmp_path, "--shutdown-delay-seconds", "600")
    assert _health(address) == health_pb2.HealthCheckResponse.SERVING
    process.send_signal(signal.SIGINT)
    assert process.wait(120) == 0
    messages = [json.loads(line)["message"] for line in log.read_text().splitlines()]
    assert messages[-1] == "stopped"
    assert not any(m.startswith("drain: cancelling") for m in messages)


def test_stopping_cancels_the_computations_left(tmp_path: Path, unique_id: str) -> None:
    """A computation outlives its callers (they may leave; it serves the rest of its
    batch). Stopping cancels those left before the event loop closes, in time for each
    to release its study's lock on the store's threads: none is destroyed pending."""
    database = tmp_path / "stop.db"
    server = InProcessServer(f"sqlite:///{database}")
    with sibyl.connect(server.address) as client:
        client.create_study(unique_id, SPEC)
    with sqlite3.connect(database) as connection:
        (pk,) = connection.execute(
            "SELECT pk FROM studies WHERE study_id = ?", (unique_id,)
        ).fetchone()
    lock = FileLocks(database).study_lock(pk)
    assert lock.try_acquire()  # the computation waits for it
    asking, outcome = threading.Event(), {}
    caller = threading.Thread(
        target=_suggest, args=(server.address, unique_id, "w0", asking, outcome)
    )
    caller.start()
    suggestions = server.running.suggestions
    assert suggestions is not None
    deadline = time.monotonic() + 30
    while suggestions.computing == 0:
        assert time.monotonic() < deadline, "the suggestion never started computing"
        time.sleep(0.01)

    server.stop(grace=0)
    caller.join(30)
    lock.release()

    assert suggestions.computing == 0, "a computation was left pending"
    assert isinstance(outcome.get("w0"), sibyl.UnavailableError), outcome
