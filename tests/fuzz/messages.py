"""Hypothesis strategies that fill any protobuf message from its descriptor.

Values lean towards the edges where servers break: each integer width's extremes
and the limits the contract states, NaN and infinities, empty, long,
control-character and non-ASCII strings, enum zero values and numbers the enum
does not have. `hints` add likely-meaningful strings by field name (resource names,
parameter names, page tokens) so that generated requests also get past the first
check and reach deeper code.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, OneofDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st

F = FieldDescriptor
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
INTEGER_RANGES: dict[int, tuple[int, int]] = {
    F.TYPE_INT32: _INT32,
    F.TYPE_SINT32: _INT32,
    F.TYPE_SFIXED32: _INT32,
    F.TYPE_INT64: _INT64,
    F.TYPE_SINT64: _INT64,
    F.TYPE_SFIXED64: _INT64,
    F.TYPE_UINT32: (0, 2**32 - 1),
    F.TYPE_FIXED32: (0, 2**32 - 1),
    F.TYPE_UINT64: (0, 2**64 - 1),
    F.TYPE_FIXED64: (0, 2**64 - 1),
}
EDGE_INTEGERS = (
    *(0, 1, -1, 2, 3, 16, 100, 1000, 1001, 10_000, 10_001, 1_000_000, 1_000_001),
    *(999_999_999, 1_000_000_000, -999_999_999, -1_000_000_000),
    *(2**31 - 1, -(2**31), 2**32 - 1, 2**53, 2**53 + 1, -(2**53) - 1),
    *(2**63 - 1, -(2**63), 2**64 - 1),
    *(2_592_000, 2_592_001),  # 30 days in seconds, the longest trial lease
    *(3_155_760_000, 3_155_760_001),  # 100 years in seconds, the longest token lifetime
    *(315_576_000_000, 315_576_000_001),  # google.protobuf.Duration's own limit
)
EDGE_FLOATS = (
    *(math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.0, 16.0, 32.0),
    *(1e-9, 5e-324, 1e308, -1e308, 1.7976931348623157e308, 2.0**53, 2.0**63, 1e11),
)
EDGE_TEXT = (
    *("", " ", "a", "_", "-", ".", "/", "*", "%", "%00", "'", '"', "\\", "0", "1", "-1"),
    *("\n", "\t", "\r\n", "\x00", "\x1b[31m", "\x7f", "\u0085", "\u2028", "\u200b", "\ufeff"),
    *("é", "😀", "default", "default\n", "x\n", " x", "x ", "x\x00", "sibyl.", "sibyl.algorithm"),
    *("teams/", "teams/default", "teams/default\n", "teams/default/studies/s\n"),
    *("x" * 64, "x" * 65, "x" * 129, "x" * 257, "x" * 4097, "x" * 5000),
    *("é" * 3000, "😀" * 2100, "\x00" * 100, "\n" * 200),
)
LONG_TEXT = ("x" * 5000, "é" * 3000, "😀" * 2100)
MAX_ITEMS = 3


def is_map(field: FieldDescriptor) -> bool:
    return (
        field.type == F.TYPE_MESSAGE
        and field.is_repeated
        and field.message_type.GetOptions().map_entry
    )


def _is_real_oneof(oneof: OneofDescriptor | None) -> bool:
    """False for the synthetic oneof of a proto3 `optional` field."""
    return oneof is not None and not (
        len(oneof.fields) == 1 and oneof.name == "_" + oneof.fields[0].name
    )


def assign(message: Message, field: FieldDescriptor, value: Any, *, replace: bool = True) -> None:
    """Sets `field` of `message` to `value` (a list for repeated fields, a dict for maps).

    `replace` False adds the items of a repeated field or map to those it has.
    """
    if is_map(field):
        target = getattr(message, field.name)
        if replace:
            target.clear()
        value_field = field.message_type.fields_by_name["value"]
        for key, item in value.items():
            if value_field.type == F.TYPE_MESSAGE:
                target[key].CopyFrom(item)
            else:
                target[key] = item
    elif field.is_repeated:
        target = getattr(message, field.name)
        if replace:
            del target[:]
        if field.type == F.TYPE_MESSAGE:
            for item in value:
                target.add().CopyFrom(item)
        else:
            target.extend(value)
    elif field.type == F.TYPE_MESSAGE:
        getattr(message, field.name).CopyFrom(value)
    else:
        setattr(message, field.name, value)


class MessageStrategies:
    """Strategies for messages and their fields.

    Args:
        hints: Field name -> strings worth trying in fields of that name (for map
            fields: their keys).
        max_depth: Nested messages deeper than this are left empty.
    """

    def __init__(self, hints: Mapping[str, Sequence[str]] | None = None, max_depth: int = 4):
        self.hints = {name: tuple(values) for name, values in (hints or {}).items()}
        self.max_depth = max_depth

    def message(self, descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
        return _filled(self, descriptor, depth)

    def value(self, field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any]:
        """A value for the whole field: a list for repeated fields, a dict for maps."""
        if is_map(field):
            entry = field.message_type
            return st.dictionaries(
                self.single(entry.fields_by_name["key"], depth, hint=field.name),
                self.single(entry.fields_by_name["value"], depth),
                max_size=MAX_ITEMS,
            )
        if field.is_repeated:
            return st.lists(self.single(field, depth), max_size=MAX_ITEMS)
        return self.single(field, depth)

    def single(
        self, field: FieldDescriptor, depth: int, hint: str | None = None
    ) -> st.SearchStrategy[Any]:
        """One value of the field's type (one element for repeated fields)."""
        return self._single(field.full_name, field, depth, hint or field.name)

    @functools.cache  # noqa: B019 (strategies live as long as the test run)
    def _single(
        self, _key: str, field: FieldDescriptor, depth: int, hint: str
    ) -> st.SearchStrategy[Any]:
        if field.type == F.TYPE_MESSAGE:
            return self.message(field.message_type, depth)
        if field.type == F.TYPE_ENUM:
            numbers = [value.number for value in field.enum_type.values]
            unknown = [-1, max(numbers) + 1, 99, _INT32[0], _INT32[1]]
            return st.one_of(st.sampled_from(numbers), st.sampled_from(unknown))
        if field.type in INTEGER_RANGES:
            return integers(*INTEGER_RANGES[field.type])
        if field.type == F.TYPE_DOUBLE:
            return st.one_of(st.sampled_from(EDGE_FLOATS), st.floats())
        if field.type == F.TYPE_FLOAT:
            return st.floats(width=32)
        if field.type == F.TYPE_BOOL:
            return st.booleans()
        if field.type == F.TYPE_BYTES:
            return st.binary(max_size=64)
        return self.text(hint)

    def text(self, hint: str) -> st.SearchStrategy[str]:
        """Strings for a field named `hint`: its hints, hostile edits of them, edge cases."""
        hinted = self.hints.get(hint, ())
        options = [st.sampled_from(EDGE_TEXT), st.text(max_size=24)]
        if hinted:
            edited = st.tuples(
                st.sampled_from(hinted), st.sampled_from(EDGE_TEXT[:40]), st.booleans()
            ).map(lambda t: t[0] + t[1] if t[2] else t[1] + t[0])
            options = [st.sampled_from(hinted), st.sampled_from(hinted), edited, *options]
        return st.one_of(*options)


def integers(low: int, high: int) -> st.SearchStrategy[int]:
    edges = sorted({value for value in (low, high, *EDGE_INTEGERS) if low <= value <= high})
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


@st.composite
def _filled(
    draw: st.DrawFn, strategies: MessageStrategies, descriptor: Descriptor, depth: int
) -> Message:
    message = message_factory.GetMessageClass(descriptor)()
    if depth >= strategies.max_depth:
        return message
    chosen = {
        oneof.name: draw(st.sampled_from([None, *oneof.fields]))
        for oneof in descriptor.oneofs
        if _is_real_oneof(oneof)
    }
    for field in descriptor.fields:
        oneof = field.containing_oneof
        if _is_real_oneof(oneof):
            if chosen[oneof.name] is not field:
                continue
        elif not draw(st.booleans()):
            continue
        assign(message, field, draw(strategies.value(field, depth + 1)))
    return message


def slots(message: Message) -> Iterator[tuple[Message, FieldDescriptor]]:
    """Every (message, field) of `message` and of the messages set inside it."""
    for field in message.DESCRIPTOR.fields:
        yield message, field
        if field.type != F.TYPE_MESSAGE:
            continue
        if is_map(field):
            if field.message_type.fields_by_name["value"].type == F.TYPE_MESSAGE:
                for item in getattr(message, field.name).values():
                    yield from slots(item)
        elif field.is_repeated:
            for item in getattr(message, field.name):
                yield from slots(item)
        elif message.HasField(field.name):
            yield from slots(getattr(message, field.name))


@st.composite
def mutated(
    draw: st.DrawFn, strategies: MessageStrategies, message: Message, max_changes: int = 2
) -> Message:
    """`message` with one or a few fields replaced by generated values, or cleared."""
    result = type(message)()
    result.CopyFrom(message)
    for _ in range(draw(st.integers(1, max_changes))):
        container, field = draw(st.sampled_from(list(slots(result))))
        action = draw(st.sampled_from(("replace", "replace", "add", "clear")))
        if action == "clear":
            container.ClearField(field.name)
        elif action == "add" and (field.is_repeated or is_map(field)):
            _add_one(draw, strategies, container, field)
        else:
            assign(container, field, draw(strategies.value(field, strategies.max_depth - 2)))
    return result


def _add_one(
    draw: st.DrawFn, strategies: MessageStrategies, container: Message, field: FieldDescriptor
) -> None:
    depth = strategies.max_depth - 2
    if is_map(field):
        items = draw(strategies.value(field, depth))
    else:
        items = [draw(strategies.single(field, depth))]
    assign(container, field, items, replace=False)
