"""Log set-up: readable text by default, one JSON object per line on request.

Records carry the current call's method, request id, team and study (see
context.py). Nothing logs request metadata, so tokens never reach a log.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import Any

from sibyl_server.observability.context import CallContextFilter


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", {})
        if fields:
            text += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return text


def configure_logging(level: str, log_format: str) -> None:
    """One handler on stderr for everything, Python warnings (BoTorch's, ...) included.

    With `json`, every line is then a JSON object: a warning printed by the `warnings`
    module itself would be a bare line (or two) that log collectors cannot parse.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CallContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.captureWarnings(True)
    # Alembic announces each of its plugins at INFO when imported: noise at every start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def log_uncaught_exceptions() -> None:
    """Exceptions nobody caught are logged (one record, its traceback inside), not printed.

    For a process whose every line must be a log record: `sibyl serve`.
    """
    crashes = logging.getLogger("sibyl_server")

    def on_exception(kind: type[BaseException], error: BaseException, trace: Any) -> None:
        crashes.critical("uncaught exception", exc_info=(kind, error, trace))

    def on_thread_exception(hook: threading.ExceptHookArgs) -> None:
        exc_info = (hook.exc_type, hook.exc_value, hook.exc_traceback)
        name = hook.thread.name if hook.thread else "?"
        crashes.error("uncaught exception in thread %s", name, exc_info=exc_info)

    def on_unraisable(hook: Any) -> None:
        exc_info = (hook.exc_type, hook.exc_value, hook.exc_traceback)
        crashes.warning("exception ignored in %r", hook.object, exc_info=exc_info)

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
    sys.unraisablehook = on_unraisable
