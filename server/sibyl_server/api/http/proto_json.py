"""A message in the proto3 JSON mapping, exactly as `json_format.MessageToJson` writes it,
with each message type's conversion decided once instead of on every field of every call.

json_format looks up each field's kind, enum options and presence rules as it meets them:
encoding 5,000 trials spent 0.72 s there, about half of a ListTrials answer. Timestamp
and Duration keep their own text; other well-known types (and extensions) go through
json_format itself. tests/server/api/http/test_proto_json.py compares the two on
generated messages of every type of the contract.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.internal import type_checkers
from google.protobuf.message import Message

from sibyl_server.api.json_scalars import json_double, rfc3339

Convert = Callable[[Any], Any]
_OWN_TEXT = frozenset({"google.protobuf.Timestamp", "google.protobuf.Duration"})
_INT64 = frozenset({FieldDescriptor.CPPTYPE_INT64, FieldDescriptor.CPPTYPE_UINT64})


def message_to_json(message: Message) -> str:
    """The same text as `json_format.MessageToJson(message, indent=None)`."""
    return json.dumps(_message_converter(message.DESCRIPTOR)(message), indent=None)


class _NeedsJsonFormat(Exception):
    """A field this module does not convert itself: its message goes through json_format."""


@functools.cache
def _message_converter(descriptor: Descriptor) -> Convert:
    if descriptor.full_name == "google.protobuf.Timestamp":
        return _timestamp_text
    if descriptor.full_name in _OWN_TEXT:
        return _own_text
    if descriptor.full_name.startswith("google.protobuf."):
        return json_format.MessageToDict
    return _MessageConverter(descriptor)


class _MessageConverter:
    """One message type's fields, each with its JSON name and its conversion."""

    def __init__(self, descriptor: Descriptor) -> None:
        self._descriptor = descriptor
        self._table: dict[int, tuple[str, Convert]] | None = None  # built on first use

    def __call__(self, message: Message) -> Any:
        table = self._table if self._table is not None else self._build()
        js: dict[str, Any] = {}
        for field, value in message.ListFields():
            # An extension's number lies outside the declared fields': it misses too.
            entry = table.get(field.number)
            if entry is None:
                return json_format.MessageToDict(message)
            js[entry[0]] = entry[1](value)
        return js

    def _build(self) -> dict[int, tuple[str, Convert]]:
        try:
            self._table = {
                f.number: (f.json_name, _field_converter(f)) for f in self._descriptor.fields
            }
        except _NeedsJsonFormat:
            self._table = {}  # every field then misses the table: json_format converts
        return self._table


def _own_text(message: Any) -> str:
    return str(message.ToJsonString())


_SECONDS = range(-62_135_596_800, 253_402_300_800)  # 0001-01-01 to 9999-12-31, as RFC 3339
_NANOS = range(1_000_000_000)


def _timestamp_text(message: Any) -> str:
    """Timestamp.ToJsonString's text (a listing writes three per trial, and its checks
    and float arithmetic took a fifth of the encoding); out of range, its error."""
    seconds, nanos = message.seconds, message.nanos
    if seconds not in _SECONDS or nanos not in _NANOS:
        return _own_text(message)
    return rfc3339(seconds, nanos)


def _field_converter(field: FieldDescriptor) -> Convert:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        return _map_converter(field.message_type)
    one = _value_converter(field)
    if field.is_repeated:
        return lambda values: [one(v) for v in values]
    return one


def _map_converter(entry: Descriptor) -> Convert:
    value = _value_converter(entry.fields_by_name["value"])
    key_type = entry.fields_by_name["key"].cpp_type
    # Keys looked up directly: a map's items() goes through a generator of
    # collections.abc, which took a tenth of a listing's encoding.
    if key_type == FieldDescriptor.CPPTYPE_STRING:
        return lambda entries: {k: value(entries[k]) for k in entries}
    key = _bool_key if key_type == FieldDescriptor.CPPTYPE_BOOL else str
    return lambda entries: {key(k): value(entries[k]) for k in entries}


def _bool_key(key: bool) -> str:
    return "true" if key else "false"


def _value_converter(field: FieldDescriptor) -> Convert:
    kind = field.cpp_type
    if kind == FieldDescriptor.CPPTYPE_MESSAGE:
        # Safe for recursive types: a converter builds its own table on first use.
        return _message_converter(field.message_type)
    if kind == FieldDescriptor.CPPTYPE_ENUM:
        return _enum_converter(field.enum_type)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return lambda value: base64.b64encode(value).decode("utf-8")
    if kind in _INT64:
        return str
    if kind == FieldDescriptor.CPPTYPE_DOUBLE:
        return json_double
    if kind == FieldDescriptor.CPPTYPE_FLOAT:
        return _float
    return _same  # strings, bools, 32-bit integers


def _enum_converter(enum: EnumDescriptor) -> Convert:
    # null, closed enums (an unknown number is an error there) and values that may carry
    # their own JSON names are json_format's to convert; the contract has none of them.
    if (
        enum.full_name == "google.protobuf.NullValue"
        or enum.is_closed
        or any(v.GetOptions().ListFields() for v in enum.values)
    ):
        raise _NeedsJsonFormat(enum.full_name)
    names = {v.number: v.name for v in enum.values}
    return lambda value: names.get(value, value)


def _same(value: Any) -> Any:
    return value


def _float(value: float) -> float | str:
    special = json_double(value)
    return special if isinstance(special, str) else type_checkers.ToShortestFloat(value)
