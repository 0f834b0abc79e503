"""proto_json writes exactly what json_format writes, on generated messages of every type."""

from __future__ import annotations

import random
from typing import Any

import pytest
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.rpc import status_pb2

from sibyl.v1 import study_pb2, study_service_pb2, team_service_pb2, trial_pb2
from sibyl_server.api.http.proto_json import message_to_json

FILES = (study_pb2, study_service_pb2, team_service_pb2, trial_pb2)
MESSAGES = sorted(
    (d for module in FILES for d in module.DESCRIPTOR.message_types_by_name.values()),
    key=lambda d: d.full_name,
)
DOUBLES = (0.0, -0.0, 1.5, -2.25e300, 1e-320, 0.1, float("nan"), float("inf"), float("-inf"))
STRINGS = ("", "x", "learning_rate", 'quote " and \\ backslash', "ünïcode ✓", "\x00\n\t")


def fill(message: Message, rng: random.Random, depth: int = 0) -> Message:
    """Sets a random subset of `message`'s fields, nested messages to depth 3."""
    for field in message.DESCRIPTOR.fields:
        if rng.random() < 0.3:
            continue
        if _is_map(field):
            _fill_map(getattr(message, field.name), field.message_type, rng, depth)
        elif field.is_repeated:
            container = getattr(message, field.name)
            for _ in range(rng.randint(0, 3)):
                if field.cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
                    if depth < 3:
                        fill(container.add(), rng, depth + 1)
                else:
                    container.append(scalar(field, rng))
        elif field.cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
            if depth < 3:
                fill_message_field(message, field, rng, depth)
        else:
            setattr(message, field.name, scalar(field, rng))
    return message


def fill_message_field(message: Message, field: FieldDescriptor, rng: random.Random, depth: int):
    child = getattr(message, field.name)
    name = field.message_type.full_name
    if name == "google.protobuf.Timestamp":
        child.FromSeconds(rng.randint(-62_135_596_800, 253_402_300_799))
        child.nanos = rng.choice((0, 1_000, 5_000_000, 123_456_789, 999_999_999))
    elif name == "google.protobuf.Duration":
        child.seconds = rng.randint(-10_000, 10_000)
    elif name == "google.protobuf.FieldMask":
        child.paths.extend(rng.sample(["display_name", "spec.max_trials", "state"], 2))
    else:
        child.SetInParent()
        fill(child, rng, depth + 1)


def _fill_map(container: Any, entry: Descriptor, rng: random.Random, depth: int) -> None:
    value_field = entry.fields_by_name["value"]
    for _ in range(rng.randint(0, 3)):
        key = scalar(entry.fields_by_name["key"], rng)
        if value_field.cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
            fill(container[key], rng, depth + 1)
        else:
            container[key] = scalar(value_field, rng)


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def scalar(field: FieldDescriptor, rng: random.Random) -> Any:
    kind = field.cpp_type
    if kind == FieldDescriptor.CPPTYPE_ENUM:
        numbers = [v.number for v in field.enum_type.values]
        return rng.choice([*numbers, max(numbers) + 7])  # an unknown number stays a number
    if field.type == FieldDescriptor.TYPE_BYTES:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 5)))
    if kind == FieldDescriptor.CPPTYPE_STRING:
        return rng.choice(STRINGS)
    if kind == FieldDescriptor.CPPTYPE_BOOL:
        return rng.random() < 0.5
    if kind in (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT):
        return rng.choice(DOUBLES)
    return rng.choice(INTEGERS[kind])


INTEGERS = {
    FieldDescriptor.CPPTYPE_INT64: (0, 1, -5, 2**53 + 1, -(2**62), 2**63 - 1),
    FieldDescriptor.CPPTYPE_UINT64: (0, 1, 2**53 + 1, 2**64 - 1),
    FieldDescriptor.CPPTYPE_INT32: (0, 1, -7, 2**31 - 1),
    FieldDescriptor.CPPTYPE_UINT32: (0, 1, 2**32 - 1),
}


@pytest.mark.parametrize("descriptor", MESSAGES, ids=lambda d: d.name)
def test_every_message_type_is_written_as_json_format_writes_it(descriptor: Descriptor) -> None:
    message_class = message_factory.GetMessageClass(descriptor)
    rng = random.Random(descriptor.full_name)
    for _ in range(40):
        message = fill(message_class(), rng)
        assert message_to_json(message) == json_format.MessageToJson(message, indent=None)


def test_a_status_with_details_goes_through_json_format_for_any() -> None:
    status = status_pb2.Status(code=3, message="bad")
    status.details.add().Pack(study_pb2.MetricSpec(name="y"))
    assert message_to_json(status) == json_format.MessageToJson(status, indent=None)


def test_the_generator_reaches_maps_enums_nan_and_nested_messages() -> None:
    rng = random.Random(0)
    texts = [message_to_json(fill(study_service_pb2.ListTrialsResponse(), rng)) for _ in range(30)]
    joined = "".join(texts)
    for expected in ('"NaN"', '"Infinity"', '"state"', '"parameters"', 'Z"'):
        assert expected in joined, expected


@pytest.mark.parametrize(("seconds", "nanos"), [(253_402_300_800, 0), (-62_135_596_801, 0)])
def test_a_timestamp_out_of_range_is_refused_as_json_format_refuses_it(
    seconds: int, nanos: int
) -> None:
    message = trial_pb2.Trial()
    message.create_time.seconds, message.create_time.nanos = seconds, nanos
    with pytest.raises(json_format.SerializeToJsonError, match="Timestamp is not valid"):
        json_format.MessageToJson(message, indent=None)
    with pytest.raises(ValueError, match="Timestamp is not valid"):
        message_to_json(message)
