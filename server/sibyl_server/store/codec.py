"""Domain objects to and from the JSON and integer forms the tables store."""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Mapping
from typing import Any

from sibyl_server.domain.study import StudySpec
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Measurement


def to_micros(seconds: float) -> int:
    return int(round(seconds * 1_000_000))


def from_micros(micros: int | None) -> float | None:
    return None if micros is None else micros / 1_000_000


def micros_or_none(seconds: float | None) -> int | None:
    return None if seconds is None else to_micros(seconds)


def dump_json(value: Any) -> str:
    # allow_nan=False: a NaN must never reach the store (validation rejects it).
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def spec_to_json(spec: StudySpec) -> str:
    return dump_json(to_plain(spec))


def spec_from_json(text: str) -> StudySpec:
    return from_plain(StudySpec, json.loads(text))


def measurement_to_json(measurement: Measurement) -> str:
    return dump_json(to_plain(measurement))


def measurement_from_json(text: str | None) -> Measurement | None:
    return None if text is None else from_plain(Measurement, json.loads(text))


def quotas_to_json(quotas: TeamQuotas) -> str:
    return dump_json(to_plain(quotas))


def quotas_from_json(text: str) -> TeamQuotas:
    return from_plain(TeamQuotas, json.loads(text))


# One mapping for every domain dataclass: a field is stored under its own name, so a new
# field needs no code here. The stored form is part of the schema: renaming a field
# means a migration (tests/server/store/test_codec.py pins the format).


def to_plain(value: Any) -> Any:
    """`value` as JSON-ready data: dataclasses as objects of their fields (in declared
    order), enums as their values, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def from_plain(kind: Any, data: Any) -> Any:
    """The inverse of `to_plain`, guided by `kind`'s type hints. A field missing from
    `data` takes its default: rows written before the field existed still load."""
    return _decoder(kind)(data)


Decode = typing.Callable[[Any], Any]


@functools.cache
def _decoder(kind: Any) -> Decode:
    """`from_plain` for `kind`, its type hints read once: a listing decodes thousands of
    stored measurements, and walking the hints for each took most of its time."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _or_none(_decoder(inner))
    if origin is tuple:
        item = _decoder(typing.get_args(kind)[0])
        return _or_none(lambda data: tuple(item(value) for value in data))
    if origin in (dict, Mapping):
        return _or_none(dict)
    if dataclasses.is_dataclass(kind):
        return _or_none(_dataclass_decoder(kind))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _or_none(kind)
    return _same


def _dataclass_decoder(kind: type) -> Decode:
    hints = _hints(kind)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(kind)]

    def decode(data: Any) -> Any:
        return kind(**{name: field(data[name]) for name, field in fields if name in data})

    return decode


def _or_none(decode: Decode) -> Decode:
    return lambda data: None if data is None else decode(data)


def _same(data: Any) -> Any:
    return data


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)
