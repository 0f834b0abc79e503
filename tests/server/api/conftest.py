"""Raw-stub helpers for exercising the contract exactly as any gRPC client would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from sibyl.errors import SibylError, from_rpc_error
from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.support.servers import ServerThread

TEAM = "teams/acme"


@pytest.fixture(scope="module")
def stub(server: ServerThread) -> Iterator[StudyServiceStub]:
    with grpc.insecure_channel(server.address) as channel:
        yield StudyServiceStub(channel)


def failure(method: Any, request: Any) -> SibylError:
    """Calls `method` expecting it to fail; returns the decoded error."""
    try:
        method(request, timeout=30)
    except grpc.RpcError as error:
        return from_rpc_error(error)
    raise AssertionError(f"{type(request).__name__} succeeded but should have failed")


def invalid(error: SibylError, field: str) -> None:
    """`error` is INVALID_ARGUMENT naming `field`."""
    assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field), error


def double(name: str, low: float, high: float, log: bool = False) -> study_pb2.ParameterSpec:
    scale = study_pb2.SCALE_TYPE_LOG if log else study_pb2.SCALE_TYPE_LINEAR
    return study_pb2.ParameterSpec(
        name=name,
        double_range=study_pb2.DoubleRange(min_value=low, max_value=high, scale_type=scale),
    )


def integer(name: str, low: int, high: int) -> study_pb2.ParameterSpec:
    return study_pb2.ParameterSpec(
        name=name,
        integer_range=study_pb2.IntegerRange(
            min_value=low, max_value=high, scale_type=study_pb2.SCALE_TYPE_LINEAR
        ),
    )


def discrete(name: str, values: list[float]) -> study_pb2.ParameterSpec:
    return study_pb2.ParameterSpec(
        name=name, discrete_values=study_pb2.DiscreteValues(values=values)
    )


def categorical(name: str, values: list[str]) -> study_pb2.ParameterSpec:
    return study_pb2.ParameterSpec(
        name=name, categorical_values=study_pb2.CategoricalValues(values=values)
    )


def make_spec(
    algorithm: int = study_pb2.ALGORITHM_QUASI_RANDOM_SEARCH,
    goal: int = study_pb2.GOAL_MINIMIZE,
    **options: Any,
) -> study_pb2.StudySpec:
    """A four-type spec: x DOUBLE [0, 1], n INTEGER [1, 5], b DISCRETE, c CATEGORICAL."""
    return study_pb2.StudySpec(
        parameters=[
            double("x", 0.0, 1.0),
            integer("n", 1, 5),
            discrete("b", [16, 32, 64]),
            categorical("c", ["sgd", "adam"]),
        ],
        metrics=[study_pb2.MetricSpec(name="loss", goal=goal)],
        algorithm=algorithm,
        **options,
    )


def create_study(stub: StudyServiceStub, study_id: str, **spec_options: Any) -> study_pb2.Study:
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=study_id, study=study_pb2.Study(spec=make_spec(**spec_options))
    )
    return stub.CreateStudy(request, timeout=30).study


def values(**kwargs: float | int | str) -> dict[str, trial_pb2.ParameterValue]:
    result = {}
    for name, value in kwargs.items():
        if isinstance(value, str):
            result[name] = trial_pb2.ParameterValue(string_value=value)
        elif isinstance(value, int):
            result[name] = trial_pb2.ParameterValue(int_value=value)
        else:
            result[name] = trial_pb2.ParameterValue(double_value=value)
    return result


GOOD_VALUES = {"x": 0.5, "n": 2, "b": 32.0, "c": "adam"}


def suggest(
    stub: StudyServiceStub, study: str, count: int = 1, client: str = "worker-1"
) -> pb.SuggestTrialsResponse:
    request = pb.SuggestTrialsRequest(parent=study, count=count, client_id=client)
    return stub.SuggestTrials(request, timeout=60)


def complete(stub: StudyServiceStub, trial: str, loss: float) -> trial_pb2.Trial:
    request = pb.CompleteTrialRequest(
        name=trial, final_measurement=trial_pb2.Measurement(metrics={"loss": loss})
    )
    return stub.CompleteTrial(request, timeout=30).trial
