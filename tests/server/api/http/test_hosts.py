"""The HTTP port answers only to the names it is known by (DNS rebinding)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from sibyl_server.api.http.hosts import LOOPBACK_NAMES, allowed_hosts, host_name
from tests.support.servers import ServerThread

GET_TEAM = "/sibyl.v1.TeamService/GetTeam"


@pytest.mark.parametrize(
    ("address", "configured", "expected"),
    [
        ("127.0.0.1:8080", "", LOOPBACK_NAMES),
        ("localhost:0", "", LOOPBACK_NAMES),
        ("[::1]:8080", "", LOOPBACK_NAMES),
        ("10.1.2.3:8080", "", frozenset({"10.1.2.3"})),
        ("0.0.0.0:8080", "", None),
        ("[::]:8080", "", None),
        (
            "0.0.0.0:8080",
            "Sibyl.Example.com., 10.1.2.3",
            frozenset({"sibyl.example.com", "10.1.2.3"}),
        ),
        ("127.0.0.1:8080", "*", None),
    ],
)
def test_the_allowed_names_follow_the_address_unless_configured(
    address: str, configured: str, expected: frozenset[str] | None
) -> None:
    assert allowed_hosts(address, configured) == expected


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8080", "localhost"),
        ("EXAMPLE.com.", "example.com"),
        ("[::1]:8080", "::1"),
        ("[::1]", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("", ""),
    ],
)
def test_the_host_header_is_read_without_its_port(header: str, name: str) -> None:
    assert host_name(header) == name


def post(port: int, host: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"content-type": "application/json", "host": host}
        connection.request("POST", GET_TEAM, b'{"name": "teams/default"}', headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(port of a loopback server with the defaults, port of one naming its host)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hosts') / 'sibyl.db'}"
    default = ServerThread(url, http_address="127.0.0.1:0", device="cpu")
    named = ServerThread(
        url, http_address="127.0.0.1:0", http_allowed_hosts="sibyl.example.com", device="cpu"
    )
    try:
        yield default.running.http_port, named.running.http_port
    finally:
        named.stop()
        default.stop()


def test_a_rebound_name_is_refused_and_loopback_names_answer(servers: tuple[int, int]) -> None:
    port = servers[0]
    status, body = post(port, f"attacker.example:{port}")
    assert status == 403
    assert "does not answer to host 'attacker.example'" in body["message"]
    assert body["details"][0]["reason"] == "HOST_NOT_ALLOWED"
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert post(port, host)[0] == 200, host


def test_the_dashboard_is_refused_under_a_rebound_name(servers: tuple[int, int]) -> None:
    port = servers[0]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/dashboard/", headers={"host": "attacker.example"})
        assert connection.getresponse().status == 403
    finally:
        connection.close()


def test_configured_names_replace_the_defaults(servers: tuple[int, int]) -> None:
    port = servers[1]
    assert post(port, "sibyl.example.com")[0] == 200
    assert post(port, f"localhost:{port}")[0] == 403
