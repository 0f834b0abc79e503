"""The HTTP port's life: opened with the gRPC port, 503 until ready, TLS, closed on stop."""

from __future__ import annotations

import asyncio
import http.client
import re
import signal
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from sibyl.v1 import study_service_pb2
from sibyl.v1.study_service_pb2_grpc import StudyServiceServicer
from sibyl_server.api.http import HttpServer, http_app
from sibyl_server.app import StartupError, build_server, start_server
from sibyl_server.config import ServerConfig
from tests.server.api.http.support import JSON, JsonClient, Reply
from tests.support.servers import ServerProcess as LocalServer
from tests.support.servers import ServerThread
from tests.support.tls import self_signed_certificate

GET_TEAM = "/sibyl.v1.TeamService/GetTeam"
STUDY_SERVICE = study_service_pb2.DESCRIPTOR.services_by_name["StudyService"]
UNREACHABLE_STORE = "postgresql://postgres@127.0.0.1:1/none"


def test_the_default_is_no_http(tmp_path: Path) -> None:
    server = ServerThread(f"sqlite:///{tmp_path / 'sibyl.db'}")
    try:
        assert server.running.http_port is None
    finally:
        server.stop()


def test_an_rpc_the_servicer_lacks_is_501() -> None:
    # The generated base class answers every RPC UNIMPLEMENTED, as a servicer without
    # a new RPC's method would.
    async def scenario() -> Reply:
        services = [(STUDY_SERVICE, StudyServiceServicer())]
        server = HttpServer(http_app(services, 1024), "127.0.0.1:0", None)
        server.start()
        try:
            api = JsonClient(server.port)
            return await asyncio.to_thread(api.post, "/sibyl.v1.StudyService/GetStudy", {})
        finally:
            await server.stop(0)

    reply = asyncio.run(scenario())
    assert (reply.status, reply.body["code"]) == (501, 12)
    assert reply.body["message"] == "Method not implemented!"


def test_calls_are_503_until_the_store_is_ready_then_the_port_closes_on_stop() -> None:
    async def scenario() -> tuple[Reply, JsonClient]:
        config = ServerConfig(
            address="127.0.0.1:0", store=UNREACHABLE_STORE, http_address="127.0.0.1:0"
        )
        running = await start_server(config)
        api = JsonClient(running.http_port or 0)
        try:
            reply = await asyncio.to_thread(api.post, GET_TEAM, {"name": "teams/default"})
        finally:
            await running.stop(0)
        return reply, api

    reply, api = asyncio.run(scenario())
    assert (reply.status, reply.body["code"], reply.reason) == (503, 14, "SERVER_STARTING")
    assert reply.body["message"].startswith("the server is starting")
    with pytest.raises(urllib.error.URLError):
        api.post(GET_TEAM, {"name": "teams/default"})


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.1:x", "127.0.0.1:70000"])
def test_a_bad_address_is_refused_with_the_settings(tmp_sqlite_url: str, address: str) -> None:
    with pytest.raises(ValueError, match=f"http_address: {re.escape(repr(address))} is not host"):
        ServerConfig(address="127.0.0.1:0", store=tmp_sqlite_url, http_address=address)


def test_a_busy_address_stops_the_start(tmp_sqlite_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        config = ServerConfig(address="127.0.0.1:0", store=tmp_sqlite_url, http_address=address)
        with pytest.raises(StartupError, match="Address already in use"):
            asyncio.run(start_server(config))


def test_with_tls_the_http_port_serves_https_only(tmp_path: Path, tmp_sqlite_url: str) -> None:
    cert, key = self_signed_certificate(tmp_path)
    server = ServerThread(
        tmp_sqlite_url,
        http_address="127.0.0.1:0",
        tls_cert_file=str(cert),
        tls_key_file=str(key),
    )
    try:
        port = server.running.http_port
        request = urllib.request.Request(
            f"https://localhost:{port}{GET_TEAM}", b'{"name": "teams/default"}', JSON
        )
        context = ssl.create_default_context(cafile=str(cert))
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
        )
        with opener.open(request, timeout=30) as response:
            assert response.status == 200
        with pytest.raises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            JsonClient(port or 0).post(GET_TEAM, {"name": "teams/default"})
    finally:
        server.stop()


def test_the_process_keeps_its_signal_handlers(tmp_sqlite_url: str) -> None:
    # uvicorn installs its own SIGTERM handler while it serves, and stops at once on it;
    # `sibyl serve`'s shutdown (delay, then drain of both ports) must stay in charge.
    async def scenario() -> tuple[object, object]:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, lambda: None)
        before = signal.getsignal(signal.SIGTERM)
        config = ServerConfig(
            store=tmp_sqlite_url, address="127.0.0.1:0", http_address="127.0.0.1:0"
        )
        running = await build_server(config)
        try:
            api = JsonClient(running.http_port or 0)
            reply = await asyncio.to_thread(api.post, GET_TEAM, {"name": "teams/default"})
            assert reply.status == 200, "uvicorn is serving"
            return before, signal.getsignal(signal.SIGTERM)
        finally:
            await running.stop(0)
            loop.remove_signal_handler(signal.SIGTERM)

    before, while_serving = asyncio.run(scenario())
    assert while_serving is before


@pytest.mark.slow
def test_sibyl_serve_answers_http_through_the_shutdown_delay(tmp_path: Path) -> None:
    # `sibyl serve` as an operator runs it: the flag, the log line, HTTP still answered
    # while the shutdown delay runs (as gRPC is), and a clean exit.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = f"sqlite:///{tmp_path / 'sibyl.db'}"
    flags = {"http_address": f"127.0.0.1:{port}", "shutdown_delay_seconds": 120}
    with LocalServer(store, tmp_path, **flags) as server:
        assert JsonClient(port).post(GET_TEAM, {"name": "teams/default"}).status == 200
        server.process.send_signal(signal.SIGTERM)
        _wait_for_line(server.log_path, "shutting down")
        reply = JsonClient(port).post(GET_TEAM, {"name": "teams/default"})
        assert (reply.status, reply.body["team"]["name"]) == (200, "teams/default")
        assert server.terminate() == 0, "a second SIGTERM cuts the delay short"
    log = server.log_path.read_text()
    assert f"HTTP 127.0.0.1:{port}" in log and log.rstrip().endswith("stopped")


def _wait_for_line(log: Path, text: str) -> None:
    deadline = time.monotonic() + 60  # only against hanging: the line comes at once
    while text not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


@pytest.mark.parametrize("grace", [120.0, 0.0], ids=["finishes", "cut-short"])
def test_a_call_in_flight_during_the_drain(tmp_sqlite_url: str, grace: float) -> None:
    server = ServerThread(tmp_sqlite_url, http_address="127.0.0.1:0", device="cpu")
    api = JsonClient(server.running.http_port or 0)
    study = _gp_study_with_results(api, trials=60)
    replies: list[Reply] = []
    body = {"parent": study, "count": 4, "clientId": "w"}
    worker = threading.Thread(target=lambda: replies.append(api.post(SUGGEST, body)))
    worker.start()
    try:
        _wait_until(lambda: server.running.gate.in_flight > 0 or not worker.is_alive())
    finally:
        server.stop(grace)  # returns once the drain is over
    worker.join()
    [reply] = replies
    if grace:
        assert reply.status == 200, reply.body
        assert len(reply.body["trials"]) == 4
    else:  # unless the call beat the stop to it
        assert reply.status in (200, 503), reply.body
        assert reply.status == 200 or reply.reason == "SERVER_SHUTTING_DOWN"


SUGGEST = "/sibyl.v1.StudyService/SuggestTrials"


def _gp_study_with_results(api: JsonClient, trials: int) -> str:
    """A GP study with `trials` completed trials: its next suggestion fits a model."""
    names = [f"x{i}" for i in range(6)]
    double = {"minValue": 0, "maxValue": 1, "scaleType": "SCALE_TYPE_LINEAR"}
    spec = {
        "parameters": [{"name": name, "doubleRange": double} for name in names],
        "metrics": [{"name": "y", "goal": "GOAL_MINIMIZE"}],
        "algorithm": "ALGORITHM_GP_BANDIT",
    }
    create = {"parent": "teams/default", "studyId": "drained", "study": {"spec": spec}}
    study = api.post("/sibyl.v1.StudyService/CreateStudy", create).body["study"]["name"]
    for n in range(trials):
        point = [(n * 0.618 * (i + 1)) % 1 for i in range(len(names))]
        trial = {
            "parameters": {name: {"doubleValue": x} for name, x in zip(names, point, strict=True)},
            "state": "TRIAL_STATE_COMPLETED",
            "finalMeasurement": {"metrics": {"y": sum((x - 0.3) ** 2 for x in point)}},
        }
        reply = api.post("/sibyl.v1.StudyService/CreateTrial", {"parent": study, "trial": trial})
        assert reply.status == 200, reply.body
    return study


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60  # only against hanging
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)
