"""What the fuzz tests share: sending a request and checking everything about its reply."""

from __future__ import annotations

import difflib
import pprint

import grpc
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import assume, note
from hypothesis import strategies as st

import sibyl
from tests.fuzz.conftest import RecordedLog
from tests.fuzz.messages import MessageStrategies
from tests.fuzz.oracle import Failure, check_reply, tracebacks
from tests.fuzz.requests import METHODS, SERVICES, Target, hints
from tests.fuzz.world import CREDENTIALS, Dump, Reply, World

MAX_REQUEST_BYTES = 1024 * 1024
METHOD = {method.name: method for method in METHODS}
_strategies: dict[str, MessageStrategies] = {}


def strategies_for(target: Target) -> MessageStrategies:
    """The strategies for `target`'s requests (kept for the latest target only)."""
    if target.study not in _strategies:
        _strategies.clear()
        _strategies[target.study] = MessageStrategies(hints(target))
    return _strategies[target.study]


def credential(world: World) -> st.SearchStrategy[str]:
    """Mostly the team's admin; with authentication on, every other kind of caller too."""
    others = CREDENTIALS[1:] if world.auth else ("none",)
    return st.one_of(st.just("admin"), st.sampled_from(others))


def exercise(
    world: World, method: MethodDescriptor, payload: bytes, who: str
) -> tuple[Reply, Failure | None]:
    """Sends `payload`, checks the reply, and that a failed call wrote nothing."""
    assume(len(payload) <= MAX_REQUEST_BYTES)
    before = world.dump()
    reply = world.call(method, payload, who)
    note(f"reply: {reply.code.name} {reply.details[:300]!r}")
    failure = check_reply(reply, method)
    after = world.dump()
    if failure is not None:
        assert after == before, f"a failed call changed the store:\n{_diff(before, after)}"
    elif after != before:
        world.spoil()
    return reply, failure


def _diff(before: Dump, after: Dump) -> str:
    lines = difflib.unified_diff(
        pprint.pformat(before, width=120).splitlines(),
        pprint.pformat(after, width=120).splitlines(),
        lineterm="",
    )
    return "\n".join(list(lines)[:60])


def describe(method: MethodDescriptor, request: Message, who: str) -> str:
    text = str(request)
    return f"{method.name} as {who}:\n{text[:2000]}"


def check_healthy(world: World, server_log: RecordedLog) -> None:
    """The server is SERVING, runs a normal study, and logged no traceback at all."""
    with grpc.insecure_channel(world.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", *(s.full_name for s in SERVICES)):
            reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=30)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING, service
    token = world.secrets["admin"] if world.auth else None
    with sibyl.connect(world.address, team=world.team_id, token=token) as client:
        study = client.create_study(
            "after-fuzz", {"parameters": {"x": (0.0, 1.0)}, "metrics": {"loss": "minimize"}}
        )
        [trial] = study.suggest()
        trial.complete({"loss": 0.5})
        best = study.best_trial()
        assert best is not None and best.metrics == {"loss": 0.5}
    assert not tracebacks(server_log.records)
