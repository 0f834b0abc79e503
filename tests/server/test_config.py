from __future__ import annotations

import re
from pathlib import Path

import pytest

import sibyl
from sibyl_server.app import engine_options
from sibyl_server.cli import serve_main
from sibyl_server.config import ServerConfig, load_config, unknown_variables


def test_defaults() -> None:
    config = load_config([], environ={})
    assert config == ServerConfig()
    assert config.store == "sqlite:///sibyl.db"
    assert config.store_workers() == 4
    assert config.pool_size() == 4 + config.engine_workers + 4


@pytest.mark.parametrize(
    ("store", "workers", "threads"),
    [
        ("sqlite:///sibyl.db", 0, 4),
        ("sqlite+pysqlite:///sibyl.db", 0, 4),
        ("memory://", 0, 4),
        ("postgresql://db/sibyl", 0, 16),
        ("postgresql+psycopg://db/sibyl", 0, 16),
        ("sqlite:///sibyl.db", 12, 12),
        ("postgresql://db/sibyl", 2, 2),
    ],
)
def test_store_threads_by_store_unless_set(store: str, workers: int, threads: int) -> None:
    config = load_config(["--store", store, "--workers", str(workers)], environ={})
    assert config.store_workers() == threads
    assert config.pool_size() == threads + config.engine_workers + 4


def test_environment_and_flags_with_flags_winning() -> None:
    environ = {
        "SIBYL_STORE": "postgresql://db/sibyl",
        "SIBYL_WORKERS": "4",
        "SIBYL_ADDRESS": "0.0.0.0:1",
    }
    config = load_config(["--address", "127.0.0.1:9", "--grace-seconds", "2.5"], environ=environ)
    assert config.store == "postgresql://db/sibyl"
    assert config.workers == 4
    assert config.address == "127.0.0.1:9"
    assert config.grace_seconds == 2.5


def test_every_field_has_a_flag_and_a_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        load_config(["--help"], environ={})
    help_text = " ".join(capsys.readouterr().out.split())
    for name in ServerConfig.__dataclass_fields__:
        assert "--" + name.replace("_", "-") in help_text
        assert "SIBYL_" + name.upper() in help_text


@pytest.mark.parametrize(
    ("argv", "environ"),
    [
        (["--workers", "x"], {}),
        ([], {"SIBYL_WORKERS": "many"}),
        (["--log-format", "xml"], {}),
        (["--max-exact-trials", "1"], {}),
        (["--event-loop", "tornado"], {}),
        ([], {"SIBYL_EVENT_LOOP": "UVLOOP"}),
    ],
)
def test_bad_values_are_refused(argv: list[str], environ: dict[str, str]) -> None:
    with pytest.raises((SystemExit, ValueError)):
        load_config(argv, environ=environ)


def test_a_bad_setting_exits_2_from_a_flag_or_a_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        serve_main(["--workers", "x"])
    assert exited.value.code == 2
    monkeypatch.setenv("SIBYL_WORKERS", "many")
    assert serve_main([]) == 2
    assert capsys.readouterr().err.endswith(
        "sibyl serve: SIBYL_WORKERS='many' is not a valid int\n"
    )


def test_unknown_variables_are_reported() -> None:
    environ = {"SIBYL_STORE": "x", "SIBYL_STROE": "typo", "SIBYL_TOKEN": "client", "HOME": "/"}
    assert unknown_variables(environ) == ["SIBYL_STROE"]


def test_the_clients_variables_are_known_to_the_server() -> None:
    """A client's setting in a shared environment draws no warning from `sibyl serve`."""
    sources = (Path(sibyl.__file__).parent).glob("*.py")
    read = {name for path in sources for name in re.findall(r"SIBYL_[A-Z_]+", path.read_text())}
    assert "SIBYL_TLS" in read
    assert unknown_variables(dict.fromkeys(read, "x")) == []


def test_shutdown_delay_from_environment_and_never_negative() -> None:
    assert ServerConfig().shutdown_delay_seconds > 0, "a balancer gets time to move away"
    config = load_config([], environ={"SIBYL_SHUTDOWN_DELAY_SECONDS": "0"})
    assert config.shutdown_delay_seconds == 0
    for name in ("workers", "shutdown_delay_seconds", "grace_seconds", "db_pool_size"):
        with pytest.raises(ValueError, match=f"{name} must not be negative"):
            ServerConfig(**{name: -1})


def test_the_store_url_is_logged_without_its_password() -> None:
    config = ServerConfig(store="postgresql://sibyl:hunter2@db:5432/sibyl")
    assert config.store_for_logs() == "postgresql://sibyl:***@db:5432/sibyl"
    assert "hunter2" not in ServerConfig(store="postgresql://x:hunter2@").store_for_logs()
    in_query = ServerConfig(store="postgresql://sibyl@db/sibyl?password=hunter2&sslmode=require")
    assert (
        in_query.store_for_logs() == "postgresql://sibyl@db/sibyl?password=hidden&sslmode=require"
    )


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("address", "127.0.0.1:70000", "port from 0 to 65535"),
        ("address", "127.0.0.1", "host:port"),
        ("http_address", "[::1]:99999", "port from 0 to 65535"),
        ("metrics_address", "9100", "host:port"),
        ("health_check_seconds", 0, "above 0"),
        ("max_message_bytes", -1, "at least 65536"),
        ("torch_threads", -3, "must not be negative"),
        ("log_level", "VERBOSE", "DEBUG, INFO, WARNING, ERROR"),
        ("device", "gpu", "auto, cpu, cuda or cuda:N"),
    ],
)
def test_settings_that_would_fail_later_are_refused(
    setting: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        ServerConfig(**{setting: value})  # type: ignore[arg-type]


def test_addresses_of_every_form_are_taken() -> None:
    for address in ("127.0.0.1:0", "0.0.0.0:50051", "[::1]:0", "localhost:8080", ":50051"):
        assert ServerConfig(address=address, http_address=address).address == address
    assert ServerConfig(device="cuda:1", log_level="debug").device == "cuda:1"


def test_stall_restarts_reach_the_engine_off_by_default() -> None:
    assert not engine_options(load_config([], environ={})).stall_restarts
    assert engine_options(load_config(["--stall-restarts", "true"], environ={})).stall_restarts
    on = load_config([], environ={"SIBYL_STALL_RESTARTS": "true"})
    assert engine_options(on).stall_restarts
