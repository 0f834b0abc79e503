"""Sibyl's Python client: ask a Sibyl server what to try next, and report what you measured.

    import sibyl

    client = sibyl.connect("localhost:50051")
    study = client.create_or_load_study("my-study", sibyl.StudySpec(
        parameters=[sibyl.Double("learning_rate", 1e-4, 1e-1, scale="log")],
        metrics=[sibyl.Metric("loss", goal="minimize")],
    ))
    for trial in study.suggest():
        with trial:
            trial.complete({"loss": train(**trial.parameters)})

Needs only grpcio and protobuf.
"""

from sibyl.client import Client, ConnectConfig, RetryConfig, connect
from sibyl.errors import (
    AbortedError,
    AlreadyExistsError,
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    SibylError,
    UnauthenticatedError,
    UnavailableError,
)
from sibyl.spec import Categorical, Discrete, Double, Integer, Metric, StudySpec
from sibyl.study import Study, Trial

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "Categorical",
    "Client",
    "ConnectConfig",
    "DeadlineExceededError",
    "Discrete",
    "Double",
    "FailedPreconditionError",
    "Integer",
    "InternalError",
    "InvalidArgumentError",
    "Metric",
    "NotFoundError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "RetryConfig",
    "SibylError",
    "Study",
    "StudySpec",
    "Trial",
    "UnauthenticatedError",
    "UnavailableError",
    "connect",
]
