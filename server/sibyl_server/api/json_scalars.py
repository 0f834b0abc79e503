"""Scalars in the proto3 JSON mapping, written as `json_format` writes them: doubles and
timestamps. Shared by the message encoder (api/http/proto_json.py) and the trial
listing's own writer (api/trial_json.py)."""

from __future__ import annotations

import datetime
import math

_EPOCH = datetime.datetime(1970, 1, 1)


def rfc3339(seconds: int, nanos: int) -> str:
    """A Timestamp's JSON text: UTC, with 0, 3, 6 or 9 digits of fraction as needed."""
    text = (_EPOCH + datetime.timedelta(seconds=seconds)).isoformat()
    if nanos == 0:
        return text + "Z"
    if nanos % 1_000_000 == 0:
        return f"{text}.{nanos // 1_000_000:03d}Z"
    if nanos % 1_000 == 0:
        return f"{text}.{nanos // 1_000:06d}Z"
    return f"{text}.{nanos:09d}Z"


def json_double(value: float) -> float | str:
    """A double in the proto3 JSON mapping: a number, or "NaN", "Infinity", "-Infinity"."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"
