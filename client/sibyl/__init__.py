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

Or let `sibyl.optimize(objective, study, n_trials=50, n_workers=4)` run the loop.

Needs only grpcio and protobuf. The integrations (`sibyl.integrations.sklearn`,
`.optuna`, `.ray`, and the training callbacks `.lightning`, `.keras`, `.xgboost`,
`.lightgbm`, `.transformers`), `sibyl.lr_range_test` and `sibyl.ProgressBar` import their
libraries only when used.
"""

from sibyl.calls import CallOptions, RetryConfig
from sibyl.client import Client, ConnectConfig, connect
from sibyl.errors import (
    AbortedError,
    AlreadyExistsError,
    DeadlineExceededError,
    DivergedError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    LeaseLostError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    SibylError,
    UnauthenticatedError,
    UnavailableError,
)
from sibyl.lr_range import LrRange, lr_range_test
from sibyl.optimization import (
    OptimizationResult,
    Progress,
    ProgressBar,
    optimize,
    print_progress,
)
from sibyl.spec import (
    Budget,
    Categorical,
    Constraint,
    Discrete,
    Double,
    Fidelity,
    Integer,
    LearningCurveStopping,
    MedianStopping,
    Metric,
    ModelStopping,
    PriorStudy,
    StudySpec,
    SuccessiveHalving,
    When,
)
from sibyl.study import Importance, Optimum, ParameterImportance, Study, Trial

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "Budget",
    "CallOptions",
    "Categorical",
    "Client",
    "ConnectConfig",
    "Constraint",
    "DeadlineExceededError",
    "Discrete",
    "DivergedError",
    "Double",
    "FailedPreconditionError",
    "Fidelity",
    "Importance",
    "Integer",
    "InternalError",
    "InvalidArgumentError",
    "LearningCurveStopping",
    "LeaseLostError",
    "LrRange",
    "MedianStopping",
    "Metric",
    "ModelStopping",
    "NotFoundError",
    "OptimizationResult",
    "Optimum",
    "ParameterImportance",
    "PermissionDeniedError",
    "PriorStudy",
    "Progress",
    "ProgressBar",
    "ResourceExhaustedError",
    "RetryConfig",
    "SibylError",
    "Study",
    "StudySpec",
    "SuccessiveHalving",
    "Trial",
    "UnauthenticatedError",
    "UnavailableError",
    "When",
    "connect",
    "lr_range_test",
    "optimize",
    "print_progress",
]
