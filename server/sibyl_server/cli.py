"""`sibyl serve`: the server's command line."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from sibyl_server.config import load_config, unknown_variables
from sibyl_server.observability.logs import configure_logging, log_uncaught_exceptions
from sibyl_server.runtime import UVLOOP_MISSING, resolve_event_loop, run_on_event_loop

log = logging.getLogger(__name__)


def serve_main(argv: Sequence[str] | None = None) -> int:
    """Runs the server; returns the exit code (1 when it cannot start, 2 for bad settings)."""
    try:
        config = load_config(argv)
    except ValueError as error:
        print(f"sibyl serve: {error}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format)
    log_uncaught_exceptions()
    for name in unknown_variables(os.environ):
        log.warning("ignoring unknown setting %s", name)
    loop = resolve_event_loop(config.event_loop)
    if loop is None:
        log.error("cannot start: %s", UVLOOP_MISSING)
        return 1
    # At once: loading the server (torch, BoTorch) takes seconds before anything listens.
    log.info(
        "starting on %s: store %s; loading, then connecting and migrating",
        config.address,
        config.store_for_logs(),
    )
    try:
        from sibyl_server.app import StartupError, serve

        run_on_event_loop(loop, serve(config))
    except KeyboardInterrupt:  # Ctrl-C before the server handles signals itself
        return 130
    except StartupError as error:
        log.error("cannot start: %s", error)
        return 1
    return 0
