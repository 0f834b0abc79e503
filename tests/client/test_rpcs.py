"""Every RPC of the contract has a typed client method, and methods take per-call options."""

from __future__ import annotations

import re
import socket

import pytest

import sibyl
from sibyl.calls import CallOptions, RetryConfig
from sibyl.rpcs import StudyServiceRpcs, TeamServiceRpcs
from sibyl.v1 import study_service_pb2, team_service_pb2
from tests.support.servers import ServerThread


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize(
    ("module", "rpcs"),
    [(study_service_pb2, StudyServiceRpcs), (team_service_pb2, TeamServiceRpcs)],
)
def test_every_rpc_has_a_typed_method(module: object, rpcs: type) -> None:
    (service,) = module.DESCRIPTOR.services_by_name.values()  # type: ignore[attr-defined]
    for method in service.methods:
        function = getattr(rpcs, _snake(method.name), None)
        assert function is not None, f"{rpcs.__name__} lacks {_snake(method.name)}"
        hints = function.__annotations__
        assert hints["request"].endswith(method.input_type.name)
        assert hints["return"].endswith(method.output_type.name)


def test_per_call_options_override_the_connection(server: ServerThread, unique_id: str) -> None:
    with sibyl.connect(server.address) as client:
        request = study_service_pb2.GetStudyRequest(name=f"teams/default/studies/{unique_id}")
        with pytest.raises(sibyl.NotFoundError):
            client.study_service.get_study(request, CallOptions(timeout_seconds=5))
    patient = sibyl.RetryConfig(window_seconds=600, connect_window_seconds=600)
    with sibyl.connect(f"127.0.0.1:{_closed_port()}", retry=patient) as client:
        once = CallOptions(retry=RetryConfig(window_seconds=0, connect_window_seconds=0))
        with pytest.raises(sibyl.UnavailableError) as raised:
            client.study_service.get_study(request, once)
        assert "attempts" not in str(raised.value), "one attempt, not the connection's 600 s"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
