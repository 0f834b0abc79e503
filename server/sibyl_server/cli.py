"""`sibyl serve`: the server's command line."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from sibyl_server.api.server import serve
from sibyl_server.config import load_config, unknown_variables
from sibyl_server.observability.logs import configure_logging


def serve_main(argv: Sequence[str] | None = None) -> int:
    try:
        config = load_config(argv)
    except ValueError as error:
        print(f"sibyl serve: {error}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format)
    for name in unknown_variables(os.environ):
        logging.getLogger("sibyl_server").warning("ignoring unknown setting %s", name)
    asyncio.run(serve(config))
    return 0
