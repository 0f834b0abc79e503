"""Every RPC, fed generated, near-valid and undecodable requests, answers by the contract.

For each reply, whatever was sent: no INTERNAL or UNKNOWN; every error carries
google.rpc details, and INVALID_ARGUMENT a BadRequest naming a field of the request;
the trailers fit the client's 8 KiB limit; a failed call leaves the store as it was.
Afterwards the server is healthy, serves a normal study, and logged no traceback.
Budget: SIBYL_FUZZ_PROFILE (tests/fuzz/profiles.py); `make fuzz` runs the long one.
"""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import DecodeError
from hypothesis import given, note
from hypothesis import strategies as st

from tests.fuzz.conftest import RecordedLog
from tests.fuzz.harness import check_healthy, credential, describe, exercise, strategies_for
from tests.fuzz.oracle import Failure, implemented, tracebacks
from tests.fuzz.profiles import FUZZ
from tests.fuzz.requests import (
    METHODS,
    SERVICES,
    Target,
    arbitrary_request,
    near_valid_request,
)
from tests.fuzz.world import World

# Bytes that are no valid message of any type, for reasons a decoder checks.
MALFORMED = (
    b"\x0a\x02\xff\xfe",  # a string field holding invalid UTF-8
    b"\x0a\x05abc",  # a length past the end
    b"\x08" + b"\xff" * 10 + b"\x01",  # a varint of 11 bytes
    b"\x0b",  # a group that never ends
    b"\x0c",  # the end of a group that never started
    b"\x07",  # wire type 7
    b"\x00" * 16,  # field number 0
    b"\x7b" * 200 + b"\x7c" * 200,  # groups nested past the decoder's depth limit
    b"\xff" * 64,
)


@pytest.mark.parametrize("mode", ("arbitrary", "near-valid"))
@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
@FUZZ
@given(data=st.data())
def test_generated_requests(
    world: World, server_log: RecordedLog, method: MethodDescriptor, mode: str, data: st.DataObject
) -> None:
    """Requests filled from the descriptor, or valid ones with a field or two changed."""
    logged = len(server_log.records)
    target = world.target()
    strategies = strategies_for(target)
    if mode == "arbitrary":
        request = data.draw(arbitrary_request(method, strategies), label="request")
    else:
        request = data.draw(near_valid_request(method, target, strategies), label="request")
    who = data.draw(credential(world), label="credential")
    note(describe(method, request, who))
    exercise(world, method, request.SerializeToString(), who)
    assert not tracebacks(server_log.records[logged:])


def raw_payloads(method: MethodDescriptor, target: Target) -> st.SearchStrategy[bytes]:
    """Random bytes, and valid requests truncated, corrupted or with unknown fields."""
    valid = near_valid_request(method, target, strategies_for(target)).map(
        lambda message: message.SerializeToString()
    )
    truncated = valid.flatmap(
        lambda raw: st.integers(0, max(len(raw) - 1, 0)).map(lambda end: raw[:end])
    )
    corrupted = valid.filter(bool).flatmap(
        lambda raw: st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)).map(
            lambda edit: raw[: edit[0]] + bytes([edit[1]]) + raw[edit[0] + 1 :]
        )
    )
    unknown_fields = valid.map(lambda raw: raw + b"\xfa\x3e\x03abc")  # field 1007, 3 bytes
    return st.one_of(
        st.binary(max_size=256), truncated, corrupted, unknown_fields, st.sampled_from(MALFORMED)
    )


def _decodes(method: MethodDescriptor, payload: bytes) -> bool:
    try:
        message_factory.GetMessageClass(method.input_type).FromString(payload)
    except DecodeError:
        return False
    return True


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
@FUZZ
@given(data=st.data())
def test_raw_bytes(
    world: World, server_log: RecordedLog, method: MethodDescriptor, data: st.DataObject
) -> None:
    """Bytes sent as they are: an undecodable request is INVALID_ARGUMENT `request` once
    the caller is authenticated, and the server logs it without a traceback."""
    logged = len(server_log.records)
    payload = data.draw(raw_payloads(method, world.target()), label="payload")
    who = data.draw(credential(world), label="credential")
    _, failure = exercise(world, method, payload, who)
    authenticated = not world.auth or who not in ("none", "garbage")
    if not _decodes(method, payload) and authenticated and implemented(method):
        assert failure == Failure(
            grpc.StatusCode.INVALID_ARGUMENT, "UNDECODABLE_REQUEST", "request"
        )
    assert not tracebacks(server_log.records[logged:]), "logged without a traceback"


def test_every_rpc_of_both_services_is_fuzzed() -> None:
    names = {f"{s.full_name}/{m.name}" for s in SERVICES for m in s.methods}
    assert {f"{m.containing_service.full_name}/{m.name}" for m in METHODS} == names
    assert {s.full_name for s in SERVICES} == {"sibyl.v1.StudyService", "sibyl.v1.TeamService"}
    assert all(isinstance(implemented(m), bool) for m in METHODS)


def test_the_server_is_healthy_afterwards(world: World, server_log: RecordedLog) -> None:
    """Runs after the fuzz tests of the same world (pytest keeps the file's order)."""
    check_healthy(world, server_log)
