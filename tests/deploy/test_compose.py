"""deploy/compose/compose.yaml: PostgreSQL and two replicas that fit together.

No container engine runs here: the file is interpolated as compose does (${VAR},
${VAR:-default}, ${VAR:?error}), parsed, and checked for what `docker compose up` relies
on: health checks, start order, one database URL that matches the database, distinct
host ports, a configuration `sibyl serve` accepts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy import dockerfiles
from tests.deploy.settings import check_configuration, unknown_variables

COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose" / "compose.yaml"
PASSWORD = "0123456789abcdef"
_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
_DURATION = re.compile(r"(\d+)(h|m|s)")


def interpolate(text: str, environ: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        value = environ.get(name)
        missing = value is None or (value == "" and operator is not None and ":" in operator)
        if operator and operator.endswith("?") and missing:
            raise ValueError(f"required variable {name} is missing a value: {argument}")
        if operator and operator.endswith("-") and missing:
            return argument
        return value or ""

    return _INTERPOLATION.sub(replace, text.replace("$$", "\0")).replace("\0", "$")


def seconds(duration: str) -> int:
    return sum(
        int(n) * {"h": 3600, "m": 60, "s": 1}[unit] for n, unit in _DURATION.findall(duration)
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(interpolate(COMPOSE.read_text(), {"POSTGRES_PASSWORD": PASSWORD}))


@pytest.fixture(scope="module")
def replicas(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if name.startswith("sibyl")}


def test_refuses_to_start_without_a_database_password() -> None:
    with pytest.raises(ValueError, match="POSTGRES_PASSWORD"):
        interpolate(COMPOSE.read_text(), {})


def test_postgres_and_two_replicas(compose: dict[str, Any], replicas: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"postgres", *replicas}
    assert len(replicas) == 2
    postgres = compose["services"]["postgres"]
    assert re.match(r"^postgres:\d+\.\d+-\w+$", postgres["image"]), "a pinned release"
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])


def test_replicas_start_after_a_healthy_database(replicas: dict[str, Any]) -> None:
    for service in replicas.values():
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_replicas_build_and_check_the_image(replicas: dict[str, Any]) -> None:
    for service in replicas.values():
        build = service["build"]
        context = (COMPOSE.parent / build["context"]).resolve()
        assert (context / "pyproject.toml").exists(), "the repository root"
        dockerfile = context / build["dockerfile"]
        runtime = dockerfiles.parse(dockerfile)[1][-1]
        copied = {i.arguments.split()[-1] for i in runtime.all("COPY")}
        test = service["healthcheck"]["test"]
        assert test[:2] == ["CMD", "python"] and test[2] in copied
        assert seconds(service["healthcheck"]["start_period"]) >= 30, "migrations run first"


def test_one_database_url_matching_the_database(
    compose: dict[str, Any], replicas: dict[str, Any]
) -> None:
    database = compose["services"]["postgres"]["environment"]
    for service in replicas.values():
        url = urlsplit(service["environment"]["SIBYL_STORE"])
        assert url.scheme == "postgresql" and url.hostname == "postgres"
        assert url.username == database["POSTGRES_USER"]
        assert url.password == database["POSTGRES_PASSWORD"] == PASSWORD
        assert url.path == "/" + database["POSTGRES_DB"]


def test_environment_is_a_configuration_the_server_accepts(replicas: dict[str, Any]) -> None:
    for service in replicas.values():
        environment = {k: str(v) for k, v in service["environment"].items()}
        assert not unknown_variables(environment)
        config = check_configuration(environment)
        assert config.address == "0.0.0.0:50051"
        assert environment["SIBYL_AUTH"] == "none", "single-user unless SIBYL_AUTH is set"
        # A stop answers for the shutdown delay, drains for SIBYL_GRACE_SECONDS, unwinds,
        # then compose kills: leave it time.
        assert seconds(service["stop_grace_period"]) > config.stop_seconds()


def test_each_replica_is_reachable_on_its_own_loopback_port(replicas: dict[str, Any]) -> None:
    published = []
    for service in replicas.values():
        container_ports = {int(p.rsplit(":", 1)[1]) for p in service["ports"]}
        assert container_ports == {50051, 9090}
        for mapping in service["ports"]:
            host, host_port, _ = mapping.split(":")
            assert host == "127.0.0.1", "auth is off by default: loopback only"
            published.append(int(host_port))
        assert "sibyl" in service["networks"]["default"]["aliases"]
    assert len(published) == len(set(published))
    assert {50051, 50052} <= set(published)
