"""The SIBYL_* variables the deployment files may set.

`sibyl serve` ignores SIBYL_* variables it does not know, so a misspelt one in a
manifest would silently fall back to a default: the tests hold every name to this list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from sibyl_server.config import ENV_PREFIX, ServerConfig, load_config

# Read by deploy/docker/healthcheck.py, not by the server.
HEALTHCHECK = {"SIBYL_HEALTHCHECK_CA_FILE", "SIBYL_HEALTHCHECK_TLS_NAME"}


def server_variables() -> set[str]:
    return {ENV_PREFIX + item.name.upper() for item in dataclasses.fields(ServerConfig)}


def unknown_variables(names: Iterable[str]) -> set[str]:
    """The SIBYL_* names among `names` that neither the server nor the health check reads."""
    allowed = server_variables() | HEALTHCHECK
    return {n for n in names if n.startswith(ENV_PREFIX) and n not in allowed}


def check_configuration(environ: Mapping[str, str]) -> ServerConfig:
    """The configuration `sibyl serve` would load from `environ` (raises if invalid)."""
    return load_config([], environ={k: v for k, v in environ.items() if k.startswith(ENV_PREFIX)})
