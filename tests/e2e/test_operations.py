"""What operators rely on: TLS, quotas, metrics, logs, health, schema upgrades."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from grpc_health.v1 import health_pb2, health_pb2_grpc

import sibyl
from sibyl_server.admin import main as admin_main
from sibyl_server.app import StartupError, build_server
from sibyl_server.config import ServerConfig
from sibyl_server.local import scratch_postgres_schema
from sibyl_server.store.database import Database, migrate, open_database
from tests.support.servers import ServerThread
from tests.support.tls import self_signed_certificate

SPEC = {"parameters": {"x": {"type": "double", "low": 0, "high": 1}}, "metrics": {"y": "minimize"}}


def test_tls_with_tokens(
    tmp_path: Path, tmp_sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    assert admin_main(["--store", tmp_sqlite_url, "create-team", "secure"]) == 0
    secret = capsys.readouterr().out.split("(shown once): ")[1].strip()
    server = ServerThread(
        tmp_sqlite_url, auth="token", tls_cert_file=str(cert), tls_key_file=str(key)
    )
    try:
        address = f"localhost:{server.running.port}"
        with sibyl.connect(address, team="secure", token=secret, tls_ca_file=str(cert)) as client:
            study = client.create_study("over-tls", SPEC)
            assert len(study.suggest()) == 1
        plaintext = sibyl.connect(address, team="secure", token=secret)
        with plaintext, pytest.raises(sibyl.UnavailableError):
            plaintext.team()
        anonymous = sibyl.connect(address, team="secure", tls_ca_file=str(cert))
        with anonymous, pytest.raises(sibyl.UnauthenticatedError):
            anonymous.team()
    finally:
        server.stop()


def test_set_quotas_changes_only_the_quotas_given(
    tmp_sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", tmp_sqlite_url]
    quotas = ["--max-active-studies", "5", "--max-trials-per-study", "100"]
    assert admin_main([*store, "create-team", "vision", *quotas]) == 0
    capsys.readouterr()
    assert (
        admin_main([*store, "set-quotas", "vision", "--max-suggest-requests-per-second", "50"]) == 0
    )
    assert capsys.readouterr().out.strip() == (
        "teams/vision quotas: TeamQuotas(max_active_studies=5, max_trials_per_study=100, "
        "max_suggest_requests_per_second=50.0)"
    )
    assert admin_main([*store, "set-quotas", "vision", "--max-active-studies", "0"]) == 0
    assert "max_active_studies=0, max_trials_per_study=100" in capsys.readouterr().out


def test_admin_refuses_an_unsupported_store_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert admin_main(["--store", "foo://x", "list-teams"]) == 2
    assert capsys.readouterr().err == (
        "sibyl admin: --store: unsupported store 'foo': use sqlite or postgresql\n"
    )
    assert admin_main(["--store", " postgresql://u:S3cret@db/x", "list-teams"]) == 2
    assert capsys.readouterr().err == (  # the URL, password and all, is not repeated
        "sibyl admin: --store: not a database URL (e.g. sqlite:///sibyl.db)\n"
    )


def _other_key(directory: Path) -> Path:
    path = directory / "other.key"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("key of another certificate", "other.key is not the key of the certificate in"),
        ("missing key", "cannot read the TLS key file"),
        ("key file as certificate", "server.key holds no PEM certificate"),
        ("certificate as key", "server.pem holds no usable PEM private key"),
    ],
)
def test_unusable_tls_files_are_refused_naming_the_file(
    tmp_path: Path, tmp_sqlite_url: str, case: str, expected: str
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    cert, key = {
        "key of another certificate": (cert, _other_key(tmp_path)),
        "missing key": (cert, tmp_path / "missing.key"),
        "key file as certificate": (key, key),
        "certificate as key": (cert, cert),
    }[case]
    config = ServerConfig(
        address="127.0.0.1:0", store=tmp_sqlite_url, tls_cert_file=str(cert), tls_key_file=str(key)
    )
    with pytest.raises(StartupError) as refused:
        asyncio.run(build_server(config))
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def test_a_mismatched_tls_key_exits_with_one_line(tmp_path: Path, tmp_sqlite_url: str) -> None:
    cert, _ = self_signed_certificate(tmp_path)
    key = _other_key(tmp_path)
    flags = ["--store", tmp_sqlite_url, "--address", "127.0.0.1:0", "--log-format", "json"]
    flags += ["--tls-cert-file", str(cert), "--tls-key-file", str(key)]
    done = subprocess.run(
        [sys.executable, "-m", "sibyl_server", *flags], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    records = [json.loads(line) for line in (done.stdout + done.stderr).splitlines()]
    assert records[0]["message"].startswith("starting on 127.0.0.1:0")
    error = f"cannot start: the TLS key file {key} is not the key of the certificate in {cert}"
    assert records[1:] == [{**records[-1], "level": "ERROR", "message": error}]
    assert "exception" not in records[-1]


def test_a_busy_address_is_refused_in_one_line(tmp_sqlite_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        with pytest.raises(StartupError, match=f"cannot listen on {address}"):
            asyncio.run(build_server(ServerConfig(address=address, store=tmp_sqlite_url)))


def test_quotas_answer_resource_exhausted_naming_the_quota(
    tmp_sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", tmp_sqlite_url]
    quotas = ["--max-active-studies", "2", "--max-trials-per-study", "3"]
    admin_main([*store, "create-team", "small", *quotas, "--max-suggest-requests-per-second", "2"])
    secret = capsys.readouterr().out.split("(shown once): ")[1].strip()
    server = ServerThread(tmp_sqlite_url, auth="token")
    try:
        client = sibyl.connect(server.address, team="small", token=secret)
        quotas = client.team().quotas
        assert (quotas.max_active_studies, quotas.max_trials_per_study) == (2, 3)
        first, second = (client.create_study(f"s{i}", SPEC) for i in range(2))
        with pytest.raises(sibyl.ResourceExhaustedError) as caught:
            client.create_study("s2", SPEC)
        assert caught.value.metadata["quota"] == "max_active_studies"
        # At the quota, a worker still loads a study that exists.
        assert client.create_or_load_study("s1", SPEC).name == second.name
        second.complete()
        client.create_study("s2", SPEC)
        with pytest.raises(sibyl.ResourceExhaustedError) as caught:
            second.resume()
        assert caught.value.metadata["quota"] == "max_active_studies"

        time.sleep(1.0 - time.time() % 1.0)  # start of a fresh one-second window
        assert len(first.suggest(count=5, client_id="a")) == 3, "capped by max_trials_per_study"
        with pytest.raises(sibyl.ResourceExhaustedError) as caught:
            first.suggest(count=1, client_id="b")
        assert caught.value.metadata["quota"] == "max_trials_per_study"
        time.sleep(1.0 - time.time() % 1.0)
        again = first.suggest(count=5, client_id="a")
        assert [t.id for t in again] == [1, 2, 3], "a worker at the quota keeps its trials"
        with pytest.raises(sibyl.ResourceExhaustedError) as caught:
            first.add_trial({"x": 0.5}, {"y": 1.0})
        assert caught.value.metadata["quota"] == "max_trials_per_study"
        assert len(list(first.trials())) == 3, "the refused trial left nothing behind"
        time.sleep(1.0 - time.time() % 1.0)
        third = client.get_study("s2")
        calls = [third.suggest(client_id="c") for _ in range(2)]
        assert all(len(c) == 1 for c in calls)
        with pytest.raises(sibyl.ResourceExhaustedError) as caught:
            third.suggest(client_id="c")
        assert caught.value.metadata["quota"] == "max_suggest_requests_per_second"
        client.close()
    finally:
        server.stop()


def test_metrics_endpoint(store_url: str, unique_id: str) -> None:
    metered = ServerThread(store_url, metrics_address="127.0.0.1:0")
    try:
        with sibyl.connect(metered.address, team="metrics") as client:
            study = client.create_study(unique_id, {**SPEC, "algorithm": "quasi_random_search"})
            for trial in study.suggest(count=3):
                trial.complete({"y": 1.0})
            study.suggest()
            with pytest.raises(sibyl.NotFoundError):
                client.get_study("missing")
        url = f"http://127.0.0.1:{metered.running.metrics_port}/metrics"
        text = urllib.request.urlopen(url, timeout=10).read().decode()
    finally:
        metered.stop()
    assert 'sibyl_rpc_requests_total{code="OK",method="SuggestTrials"} 2.0' in text
    assert 'sibyl_rpc_requests_total{code="NOT_FOUND",method="GetStudy"} 1.0' in text
    assert (
        'sibyl_rpc_duration_seconds_bucket{code="OK",le="+Inf",method="CompleteTrial"} 3.0' in text
    )
    assert 'sibyl_suggestion_phase_seconds_count{phase="engine"} 2.0' in text
    assert f'sibyl_study_observations{{study="{unique_id}",team="metrics"}} 3.0' in text
    assert f'sibyl_study_active_trials{{study="{unique_id}",team="metrics"}} 1.0' in text
    assert 'sibyl_db_pool_connections{state="checked_out"}' in text
    overflow = re.search(r'sibyl_db_pool_connections\{state="overflow"\} (\S+)', text)
    assert overflow is not None and float(overflow.group(1)) == 0.0, "none beyond the pool"


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_metrics_on_an_ipv6_address(tmp_sqlite_url: str) -> None:
    metered = ServerThread(tmp_sqlite_url, metrics_address="[::1]:0")
    try:
        url = f"http://[::1]:{metered.running.metrics_port}/metrics"
        text = urllib.request.urlopen(url, timeout=10).read().decode()
    finally:
        metered.stop()
    assert "sibyl_rpc_requests_total" in text or "sibyl_db_pool_connections" in text


def test_a_second_server_on_a_port_in_use_refuses_to_start(tmp_sqlite_url: str) -> None:
    first = ServerThread(tmp_sqlite_url)
    try:
        address = f"127.0.0.1:{first.running.port}"
        config = ServerConfig(address=address, store=tmp_sqlite_url)
        with pytest.raises(StartupError, match=f"cannot listen on {address}"):
            asyncio.run(build_server(config))
    finally:
        first.stop()


def test_json_logs_carry_the_call_and_never_the_token(
    tmp_sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sibyl_server.observability.logs import configure_logging

    admin_main(["--store", tmp_sqlite_url, "create-team", "loggers"])
    secret = capsys.readouterr().out.split("(shown once): ")[1].strip()
    configure_logging("INFO", "json")
    server = ServerThread(tmp_sqlite_url, auth="token", access_log=True)
    try:
        with sibyl.connect(server.address, team="loggers", token=secret) as client:
            client.create_study("logged", SPEC).suggest()
            with pytest.raises(sibyl.UnauthenticatedError):
                sibyl.connect(server.address, team="loggers", token=secret + "x").team()
    finally:
        server.stop()
        logging.getLogger().handlers.clear()
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    calls = [line for line in lines if line["logger"] == "sibyl.rpc"]
    suggest = next(line for line in calls if line["method"] == "SuggestTrials")
    assert (suggest["team"], suggest["study"], suggest["code"]) == ("loggers", "logged", "OK")
    assert len(suggest["request_id"]) == 32
    assert any(line["code"] == "UNAUTHENTICATED" for line in calls)
    everything = "\n".join(json.dumps(line) for line in lines)
    assert secret not in everything and secret[:20] not in everything


def test_health_follows_the_database(tmp_path: Path) -> None:
    database_file = tmp_path / "health.db"
    server = ServerThread(f"sqlite:///{database_file}", health_check_seconds=0.1)
    channel = grpc.insecure_channel(server.address)
    health = health_pb2_grpc.HealthStub(channel)

    def status() -> int:
        return health.Check(health_pb2.HealthCheckRequest(service="sibyl.v1.StudyService")).status

    def wait_for(expected: int) -> None:
        deadline = time.monotonic() + 10
        while status() != expected:
            assert time.monotonic() < deadline, f"health never became {expected}"
            time.sleep(0.05)

    try:
        assert status() == health_pb2.HealthCheckResponse.SERVING
        # Make the database unreadable: the file replaced by a directory.
        moved = tmp_path / "moved.db"
        database_file.rename(moved)
        database_file.mkdir()
        server.running.store.close()  # drops pooled connections; the next ping reopens
        wait_for(health_pb2.HealthCheckResponse.NOT_SERVING)
        database_file.rmdir()
        moved.rename(database_file)
        wait_for(health_pb2.HealthCheckResponse.SERVING)
    finally:
        server.stop()
        channel.close()


def test_schema_upgrade_keeps_existing_data(tmp_sqlite_url: str, postgres_url: str) -> None:
    with scratch_postgres_schema(postgres_url.split("?")[0]) as fresh_postgres:
        for url in (tmp_sqlite_url, fresh_postgres):
            database = open_database(url, pool_size=1)
            try:
                _upgrade_with_data(database)
            finally:
                database.dispose()


def _upgrade_with_data(database: Database) -> None:
    migrate(database, "0001")
    with database.engine.begin() as connection:
        assert not sa.inspect(connection).has_table("teams")
        connection.execute(
            sa.text(
                "INSERT INTO studies (team, study_id, display_name, spec, state, state_reason, "
                "trial_count, exhausted_reason, engine_state, create_time, update_time) VALUES "
                "('old-team', 'kept', '', '{}', 'ACTIVE', '', 0, '', '{}', 1, 1)"
            )
        )
    migrate(database)
    with database.engine.begin() as connection:
        assert sa.inspect(connection).has_table("teams")
        kept = connection.execute(sa.text("SELECT study_id FROM studies")).scalars().all()
    assert kept == ["kept"]
