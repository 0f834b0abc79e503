"""`sibyl serve`: the server's command line."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from sibyl_server.config import load_config, unknown_variables
from sibyl_server.observability.logs import configure_logging, log_uncaught_exceptions
from sibyl_server.runtime import UVLOOP_MISSING, resolve_event_loop, run_on_event_loop

log = logging.getLogger(__name__)


STOPPED_WHILE_LOADING = 128 + signal.SIGTERM


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
    try:  # Ctrl-C (or SIGTERM, see serve_process) before the server handles signals
        from sibyl_server.app import StartupError, serve
    except KeyboardInterrupt:
        return 130
    try:
        run_on_event_loop(loop, serve(config))
    except KeyboardInterrupt:
        return 130
    except StartupError as error:
        log.error("cannot start: %s", error)
        return 1
    return 0


def serve_process(argv: Sequence[str]) -> NoReturn:
    """`sibyl serve` as a process's whole life: `serve_main`, then the exit.

    Until the server handles signals itself (after seconds of loading torch and
    BoTorch), SIGTERM ends the process: as PID 1 in a container, a process without a
    handler ignores it. At the end the process exits without waiting for its threads:
    the drain has answered or cancelled every call, and what may still run (a GP fit for
    a cancelled call, a query to a database across a partition) would hold the exit
    past the drain's time budget, into SIGKILL.
    """
    signal.signal(signal.SIGTERM, _stop_while_loading)
    try:
        code = serve_main(argv)
    except SystemExit as stopped:
        code = stopped.code if isinstance(stopped.code, int) else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _stop_while_loading(signum: int, frame: object) -> None:
    raise SystemExit(STOPPED_WHILE_LOADING)
