"""`sibyl dashboard` prints the dashboard's URL for a server's HTTP address and opens it."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sibyl.cli import dashboard_url, main
from tests.support.servers import ServerThread


@pytest.mark.parametrize(
    ("address", "team", "study", "url"),
    [
        ("127.0.0.1:8080", "default", None, "http://127.0.0.1:8080/dashboard/"),
        ("0.0.0.0:80", "vision", None, "http://127.0.0.1:80/dashboard/?team=vision"),
        ("[::]:8080", "default", "resnet-lr", "http://[::1]:8080/dashboard/#/studies/resnet-lr"),
        (
            "sibyl.internal:443",
            "a b",
            "s",
            "http://sibyl.internal:443/dashboard/?team=a+b#/studies/s",
        ),
    ],
)
def test_the_url_names_the_host_the_team_and_the_study(
    address: str, team: str, study: str | None, url: str
) -> None:
    assert dashboard_url(address, team, study) == url


def test_a_bad_address_is_a_usage_error_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["dashboard", "--http-address", "localhost"])
    assert exited.value.code == 2
    assert "--http-address: expected HOST:PORT, got 'localhost'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def http_address(http_server: ServerThread) -> str:
    return f"127.0.0.1:{http_server.running.http_port}"


def test_the_printed_url_serves_the_dashboard(
    http_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dashboard", "--http-address", http_address, "--study", "x"]) == 0
    url = capsys.readouterr().out.strip()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as response:
        assert response.status == 200
        assert b'<script type="module" src="app.js">' in response.read()


def test_open_hands_the_url_to_the_web_browser(http_address: str, tmp_path: Path) -> None:
    # $BROWSER chooses the program Python's webbrowser module runs: here one that notes it.
    opened = tmp_path / "opened"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    environment = {**os.environ, "BROWSER": str(browser), "DISPLAY": ""}
    result = subprocess.run(
        [sys.executable, "-m", "sibyl.cli", "dashboard", "--http-address", http_address, "--open"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    url = f"http://{http_address}/dashboard/"
    assert result.stdout.strip() == url
    assert opened.read_text().strip() == url


def test_tls_makes_the_url_https(capsys: pytest.CaptureFixture[str]) -> None:
    for flags in (["--tls"], ["--tls-ca-file", "ca.pem"]):
        assert main(["dashboard", "--http-address", "sibyl.example.com:443", *flags]) == 0
        assert capsys.readouterr().out.strip() == "https://sibyl.example.com:443/dashboard/"
    assert main(["dashboard", "--http-address", "127.0.0.1:8080"]) == 0
    assert capsys.readouterr().out.startswith("http://")
