"""Bad input: the right code, the wrong field named, google.rpc details, nothing written."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import (
    GOOD_VALUES,
    TEAM,
    categorical,
    create_study,
    double,
    failure,
    integer,
    make_spec,
    suggest,
    values,
)

STUDY = f"{TEAM}/studies/some-study"


def spec_with(**changes: Any) -> study_pb2.StudySpec:
    spec = make_spec()
    for key, value in changes.items():
        if key == "parameters":
            del spec.parameters[:]
            spec.parameters.extend(value)
        elif key == "metrics":
            del spec.metrics[:]
            spec.metrics.extend(value)
        elif key == "early_stopping":
            spec.early_stopping.CopyFrom(value)
        else:
            setattr(spec, key, value)
    return spec


def metric(name: str = "loss", goal: int = study_pb2.GOAL_MINIMIZE) -> study_pb2.MetricSpec:
    return study_pb2.MetricSpec(name=name, goal=goal)


def constrained(
    name: str, goal: int = 0, upper: float | None = None, lower: float | None = None
) -> study_pb2.MetricSpec:
    metric_spec = study_pb2.MetricSpec(name=name, goal=goal)
    metric_spec.constraint.SetInParent()
    if upper is not None:
        metric_spec.constraint.upper_bound = upper
    if lower is not None:
        metric_spec.constraint.lower_bound = lower
    return metric_spec


def child(
    parameter: study_pb2.ParameterSpec,
    parent: str,
    values: list[str] | None = None,
    low: float | None = None,
) -> study_pb2.ParameterSpec:
    parameter.condition.parent = parent
    if values is not None:
        parameter.condition.categories.values.extend(values)
    else:
        parameter.condition.range.min_value = low  # type: ignore[assignment]
    return parameter


BAD_SPECS: list[tuple[str, study_pb2.StudySpec, str]] = [
    ("algorithm unspecified", spec_with(algorithm=0), "study.spec.algorithm"),
    ("algorithm unknown", spec_with(algorithm=99), "study.spec.algorithm"),
    ("goal unspecified", spec_with(metrics=[metric(goal=0)]), "study.spec.metrics[0].goal"),
    (
        "scale unspecified",
        spec_with(
            parameters=[
                study_pb2.ParameterSpec(
                    name="x", double_range=study_pb2.DoubleRange(min_value=0, max_value=1)
                )
            ]
        ),
        "study.spec.parameters[0].double_range.scale_type",
    ),
    (
        "no domain",
        spec_with(parameters=[study_pb2.ParameterSpec(name="x")]),
        "study.spec.parameters[0]",
    ),
    ("no parameters", spec_with(parameters=[]), "study.spec.parameters"),
    ("no metrics", spec_with(metrics=[]), "study.spec.metrics"),
    (
        "five objectives",
        spec_with(metrics=[metric(f"m{i}") for i in range(5)]),
        "study.spec.metrics",
    ),
    (
        "objective that is also a constraint",
        spec_with(metrics=[constrained("loss", goal=study_pb2.GOAL_MINIMIZE, upper=1.0)]),
        "study.spec.metrics[0].constraint",
    ),
    (
        "constraints only",
        spec_with(metrics=[constrained("memory", upper=8.0)]),
        "study.spec.metrics",
    ),
    (
        "constraint without bounds",
        spec_with(metrics=[metric(), constrained("memory")]),
        "study.spec.metrics[1].constraint",
    ),
    (
        "constraint bounds crossed",
        spec_with(metrics=[metric(), constrained("memory", upper=1.0, lower=2.0)]),
        "study.spec.metrics[1].constraint.lower_bound",
    ),
    (
        "parent that does not exist",
        spec_with(parameters=[double("x", 0, 1), child(double("y", 0, 1), "nope", ["a"])]),
        "study.spec.parameters[1].condition.parent",
    ),
    (
        "parent value that does not exist",
        spec_with(
            parameters=[
                categorical("opt", ["sgd", "adam"]),
                child(double("m", 0, 1), "opt", ["lbfgs"]),
            ]
        ),
        "study.spec.parameters[1].condition.categories.values[0]",
    ),
    (
        "parent range outside its domain",
        spec_with(parameters=[integer("layers", 1, 4), child(integer("u", 1, 9), "layers", low=5)]),
        "study.spec.parameters[1].condition.range",
    ),
    (
        "own parent",
        spec_with(parameters=[child(categorical("c", ["a"]), "c", ["a"])]),
        "study.spec.parameters[0].condition.parent",
    ),
    (
        "cycle",
        spec_with(
            parameters=[
                child(categorical("a", ["x"]), "b", ["x"]),
                child(categorical("b", ["x"]), "a", ["x"]),
            ]
        ),
        "study.spec.parameters[0].condition.parent",
    ),
    (
        "early stopping without a rule",
        spec_with(early_stopping=study_pb2.EarlyStoppingPolicy()),
        "study.spec.early_stopping",
    ),
    (
        "halving factor below 2",
        spec_with(
            early_stopping=study_pb2.EarlyStoppingPolicy(
                successive_halving=study_pb2.SuccessiveHalvingRule(min_step=1, reduction_factor=1.5)
            )
        ),
        "study.spec.early_stopping.successive_halving.reduction_factor",
    ),
    *(
        (
            f"{brackets} halving brackets",
            spec_with(
                early_stopping=study_pb2.EarlyStoppingPolicy(
                    successive_halving=study_pb2.SuccessiveHalvingRule(
                        min_step=1, brackets=brackets
                    )
                )
            ),
            "study.spec.early_stopping.successive_halving.brackets",
        )
        for brackets in (-1, 11)
    ),
    (
        "learning curve without final step",
        spec_with(
            early_stopping=study_pb2.EarlyStoppingPolicy(
                learning_curve=study_pb2.LearningCurveRule()
            )
        ),
        "study.spec.early_stopping.learning_curve.final_step",
    ),
    ("empty name", spec_with(parameters=[double("", 0, 1)]), "study.spec.parameters[0].name"),
    (
        "duplicate names",
        spec_with(parameters=[double("x", 0, 1), integer("x", 0, 3)]),
        "study.spec.parameters[1].name",
    ),
    (
        "min equals max",
        spec_with(parameters=[double("x", 1, 1)]),
        "study.spec.parameters[0].double_range.min_value",
    ),
    (
        "min above max",
        spec_with(parameters=[integer("n", 5, 1)]),
        "study.spec.parameters[0].integer_range.min_value",
    ),
    (
        "log with zero min",
        spec_with(parameters=[double("lr", 0, 1, log=True)]),
        "study.spec.parameters[0].double_range.min_value",
    ),
    (
        "nan bound",
        spec_with(parameters=[double("x", math.nan, 1)]),
        "study.spec.parameters[0].double_range.min_value",
    ),
    (
        "infinite bound",
        spec_with(parameters=[double("x", 0, math.inf)]),
        "study.spec.parameters[0].double_range.max_value",
    ),
    (
        "duplicate categories",
        spec_with(parameters=[categorical("c", ["a", "a"])]),
        "study.spec.parameters[0].categorical_values.values",
    ),
    (
        "too many categories",
        spec_with(parameters=[categorical("c", [f"v{i}" for i in range(1001)])]),
        "study.spec.parameters[0].categorical_values.values",
    ),
    (
        "too many parameters",
        spec_with(parameters=[double(f"x{i}", 0, 1) for i in range(101)]),
        "study.spec.parameters",
    ),
    ("negative budget", spec_with(max_trials=-1), "study.spec.max_trials"),
    ("grid resolution 1", spec_with(grid_resolution=1), "study.spec.grid_resolution"),
    (
        "restarts of quasi-random search",
        spec_with(stall_restarts=True),
        "study.spec.stall_restarts",
    ),
    (
        "restarts of two objectives",
        spec_with(
            algorithm=study_pb2.ALGORITHM_GP_BANDIT,
            stall_restarts=True,
            metrics=[
                study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE),
                study_pb2.MetricSpec(name="time", goal=study_pb2.GOAL_MINIMIZE),
            ],
        ),
        "study.spec.stall_restarts",
    ),
]


@pytest.mark.parametrize(("case", "spec", "field"), BAD_SPECS, ids=[c[0] for c in BAD_SPECS])
def test_bad_specs_are_invalid_argument_naming_the_field(
    stub: StudyServiceStub, unique_id: str, case: str, spec: study_pb2.StudySpec, field: str
) -> None:
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=spec)
    )
    error = failure(stub.CreateStudy, request)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.field == field, error
    assert error.metadata["field"] == field
    assert failure(stub.GetStudy, pb.GetStudyRequest(name=f"{TEAM}/studies/{unique_id}")).code == (
        grpc.StatusCode.NOT_FOUND
    ), "a rejected study is not created"


def test_missing_spec_and_bad_ids(stub: StudyServiceStub) -> None:
    error = failure(stub.CreateStudy, pb.CreateStudyRequest(parent=TEAM, study_id="ok"))
    assert error.field == "study.spec"
    study = study_pb2.Study(spec=make_spec())
    for study_id in ("", "Upper", "-x", "x" * 64, "under_score"):
        error = failure(
            stub.CreateStudy, pb.CreateStudyRequest(parent=TEAM, study_id=study_id, study=study)
        )
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "study_id")
    for parent in ("", "teams", "team/x", "teams/X", "teams/x/studies/y"):
        error = failure(
            stub.CreateStudy, pb.CreateStudyRequest(parent=parent, study_id="ok", study=study)
        )
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "parent")


MALFORMED_NAME_CALLS: list[tuple[str, Callable[[str], Any], str]] = [
    ("GetStudy", lambda n: pb.GetStudyRequest(name=n), "name"),
    ("DeleteStudy", lambda n: pb.DeleteStudyRequest(name=n), "name"),
    (
        "UpdateStudyState",
        lambda n: pb.UpdateStudyStateRequest(name=n, state=study_pb2.STUDY_STATE_PAUSED),
        "name",
    ),
    (
        "SuggestTrials",
        lambda n: pb.SuggestTrialsRequest(parent=n, count=1, client_id="w"),
        "parent",
    ),
    ("CreateTrial", lambda n: pb.CreateTrialRequest(parent=n), "parent"),
    ("ListTrials", lambda n: pb.ListTrialsRequest(parent=n), "parent"),
    ("ListOptimalTrials", lambda n: pb.ListOptimalTrialsRequest(parent=n), "parent"),
    (
        "ComputeParameterImportance",
        lambda n: pb.ComputeParameterImportanceRequest(parent=n),
        "parent",
    ),
    ("ListStudies", lambda n: pb.ListStudiesRequest(parent=n + "/x"), "parent"),
    ("GetTrial", lambda n: pb.GetTrialRequest(name=n + "/trials/zero"), "name"),
    (
        "AddTrialMeasurement",
        lambda n: pb.AddTrialMeasurementRequest(name=n + "/trials/0"),
        "name",
    ),
    ("CompleteTrial", lambda n: pb.CompleteTrialRequest(name=n), "name"),
]


@pytest.mark.parametrize(
    ("method", "build", "field"), MALFORMED_NAME_CALLS, ids=[c[0] for c in MALFORMED_NAME_CALLS]
)
def test_malformed_names_are_invalid_argument(
    stub: StudyServiceStub, method: str, build: Callable[[str], Any], field: str
) -> None:
    error = failure(getattr(stub, method), build("teams/acme/studies/Bad Name"))
    assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field)
    assert error.reason == "INVALID_ARGUMENT"


NOT_FOUND_CALLS: list[tuple[str, Any, str]] = [
    ("GetStudy", pb.GetStudyRequest(name=STUDY), "STUDY_NOT_FOUND"),
    ("DeleteStudy", pb.DeleteStudyRequest(name=STUDY), "STUDY_NOT_FOUND"),
    (
        "UpdateStudyState",
        pb.UpdateStudyStateRequest(name=STUDY, state=study_pb2.STUDY_STATE_PAUSED),
        "STUDY_NOT_FOUND",
    ),
    (
        "SuggestTrials",
        pb.SuggestTrialsRequest(parent=STUDY, count=1, client_id="w"),
        "STUDY_NOT_FOUND",
    ),
    ("ListTrials", pb.ListTrialsRequest(parent=STUDY), "STUDY_NOT_FOUND"),
    ("ListOptimalTrials", pb.ListOptimalTrialsRequest(parent=STUDY), "STUDY_NOT_FOUND"),
    (
        "ComputeParameterImportance",
        pb.ComputeParameterImportanceRequest(parent=STUDY),
        "STUDY_NOT_FOUND",
    ),
    ("GetTrial", pb.GetTrialRequest(name=STUDY + "/trials/1"), "STUDY_NOT_FOUND"),
    (
        "CreateTrial",
        pb.CreateTrialRequest(
            parent=STUDY,
            trial=trial_pb2.Trial(
                parameters=values(**GOOD_VALUES), state=trial_pb2.TRIAL_STATE_REQUESTED
            ),
        ),
        "STUDY_NOT_FOUND",
    ),
]


@pytest.mark.parametrize(
    ("method", "request_", "reason"), NOT_FOUND_CALLS, ids=[c[0] for c in NOT_FOUND_CALLS]
)
def test_unknown_studies_are_not_found(
    stub: StudyServiceStub, method: str, request_: Any, reason: str
) -> None:
    error = failure(getattr(stub, method), request_)
    assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, reason)


def test_unknown_trials_are_not_found(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    missing = study.name + "/trials/99"
    for method, request in (
        ("GetTrial", pb.GetTrialRequest(name=missing)),
        ("CompleteTrial", pb.CompleteTrialRequest(name=missing, trial_infeasible=True)),
        (
            "AddTrialMeasurement",
            pb.AddTrialMeasurementRequest(
                name=missing, measurement=trial_pb2.Measurement(metrics={"loss": 1.0}, step=1)
            ),
        ),
    ):
        error = failure(getattr(stub, method), request)
        assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "TRIAL_NOT_FOUND")


def test_enum_zero_values_are_rejected(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    cases = [
        (stub.UpdateStudyState, pb.UpdateStudyStateRequest(name=study.name), "state"),
        (stub.ListTrials, pb.ListTrialsRequest(parent=study.name, states=[0]), "states[0]"),
        (
            stub.CreateTrial,
            pb.CreateTrialRequest(
                parent=study.name, trial=trial_pb2.Trial(parameters=values(**GOOD_VALUES))
            ),
            "trial.state",
        ),
    ]
    for method, request, field in cases:
        error = failure(method, request)
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field)


def good_trial(state: trial_pb2.TrialState, **fields: Any) -> trial_pb2.Trial:
    """A trial of GOOD_VALUES in `state`, with the message's other `fields`."""
    return trial_pb2.Trial(parameters=values(**GOOD_VALUES), state=state, **fields)


def completed_trial(**metrics: float) -> trial_pb2.Trial:
    return good_trial(
        trial_pb2.TRIAL_STATE_COMPLETED, final_measurement=trial_pb2.Measurement(metrics=metrics)
    )


def with_values(**changes: float | int | str) -> trial_pb2.Trial:
    return trial_pb2.Trial(
        parameters=values(**{**GOOD_VALUES, **changes}),
        state=trial_pb2.TRIAL_STATE_COMPLETED,
        final_measurement=trial_pb2.Measurement(metrics={"loss": 1.0}),
    )


BAD_TRIALS: list[tuple[str, trial_pb2.Trial, str]] = [
    ("nan metric", completed_trial(loss=math.nan), "trial.final_measurement.metrics['loss']"),
    ("inf metric", completed_trial(loss=math.inf), "trial.final_measurement.metrics['loss']"),
    ("-inf metric", completed_trial(loss=-math.inf), "trial.final_measurement.metrics['loss']"),
    (
        "extra metric with an invalid name",
        completed_trial(loss=1.0, **{"1st": 2.0}),
        "trial.final_measurement.metrics['1st']",
    ),
    (
        "extra metric not finite",
        completed_trial(loss=1.0, train_loss=math.nan),
        "trial.final_measurement.metrics['train_loss']",
    ),
    ("missing metric", completed_trial(), "trial.final_measurement.metrics"),
    ("unknown parameter", with_values(momentum=0.9), "trial.parameters['momentum']"),
    ("double above max", with_values(x=1.5), "trial.parameters['x']"),
    ("double nan", with_values(x=math.nan), "trial.parameters['x']"),
    ("integer out of range", with_values(n=9), "trial.parameters['n']"),
    ("integer not integral", with_values(n=2.5), "trial.parameters['n']"),
    ("discrete not listed", with_values(b=48.0), "trial.parameters['b']"),
    ("categorical not listed", with_values(c="lbfgs"), "trial.parameters['c']"),
    ("categorical given a number", with_values(c=1.0), "trial.parameters['c']"),
    ("double given a string", with_values(x="high"), "trial.parameters['x']"),
    (
        "completed without measurement",
        good_trial(trial_pb2.TRIAL_STATE_COMPLETED),
        "trial.final_measurement",
    ),
    (
        "requested with measurement",
        good_trial(
            trial_pb2.TRIAL_STATE_REQUESTED,
            final_measurement=trial_pb2.Measurement(metrics={"loss": 1.0}),
        ),
        "trial.final_measurement",
    ),
    ("active state", good_trial(trial_pb2.TRIAL_STATE_ACTIVE), "trial.state"),
    (
        "reserved metadata",
        good_trial(trial_pb2.TRIAL_STATE_REQUESTED, metadata={"sibyl.algorithm": "forged"}),
        "trial.metadata['sibyl.algorithm']",
    ),
]


@pytest.mark.parametrize(("case", "trial", "field"), BAD_TRIALS, ids=[c[0] for c in BAD_TRIALS])
def test_bad_trials_are_rejected_and_nothing_is_written(
    stub: StudyServiceStub, unique_id: str, case: str, trial: trial_pb2.Trial, field: str
) -> None:
    study = create_study(stub, unique_id)
    error = failure(stub.CreateTrial, pb.CreateTrialRequest(parent=study.name, trial=trial))
    assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field), error
    assert stub.GetStudy(pb.GetStudyRequest(name=study.name)).study.trial_count == 0
    assert not stub.ListTrials(pb.ListTrialsRequest(parent=study.name)).trials


def test_bad_completions_and_measurements_change_nothing(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    [trial] = suggest(stub, study.name).trials
    cases = [
        (
            stub.CompleteTrial,
            pb.CompleteTrialRequest(
                name=trial.name, final_measurement=trial_pb2.Measurement(metrics={"loss": math.nan})
            ),
            "final_measurement.metrics['loss']",
        ),
        (
            stub.CompleteTrial,
            pb.CompleteTrialRequest(
                name=trial.name, final_measurement=trial_pb2.Measurement(metrics={"other": 1.0})
            ),
            "final_measurement.metrics",  # the objective is missing; "other" alone is fine
        ),
        (
            stub.CompleteTrial,
            pb.CompleteTrialRequest(
                name=trial.name,
                trial_infeasible=True,
                final_measurement=trial_pb2.Measurement(metrics={"loss": 1.0}),
            ),
            "final_measurement",
        ),
        (
            stub.AddTrialMeasurement,
            pb.AddTrialMeasurementRequest(
                name=trial.name,
                measurement=trial_pb2.Measurement(metrics={"loss": math.inf}, step=1),
            ),
            "measurement.metrics['loss']",
        ),
        (
            stub.AddTrialMeasurement,
            pb.AddTrialMeasurementRequest(
                name=trial.name, measurement=trial_pb2.Measurement(metrics={"loss": 1.0}, step=-1)
            ),
            "measurement.step",
        ),
        (stub.AddTrialMeasurement, pb.AddTrialMeasurementRequest(name=trial.name), "measurement"),
    ]
    for method, request, field in cases:
        error = failure(method, request)
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field), error
    unchanged = stub.GetTrial(pb.GetTrialRequest(name=trial.name)).trial
    assert unchanged.state == trial_pb2.TRIAL_STATE_ACTIVE
    assert not unchanged.measurements


def test_suggest_arguments(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    for count in (0, -1, 1001):
        error = failure(
            stub.SuggestTrials,
            pb.SuggestTrialsRequest(parent=study.name, count=count, client_id="w"),
        )
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "count")
    for client in ("", "x" * 129, "tab\there"):
        error = failure(
            stub.SuggestTrials,
            pb.SuggestTrialsRequest(parent=study.name, count=1, client_id=client),
        )
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "client_id")
    assert stub.GetStudy(pb.GetStudyRequest(name=study.name)).study.trial_count == 0


def test_oversized_requests(stub: StudyServiceStub, unique_id: str) -> None:
    huge = spec_with(parameters=[categorical("c", ["v" * 250 + str(i) for i in range(20_000)])])
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=huge)
    )
    assert request.ByteSize() > 4 * 1024 * 1024
    error = failure(stub.CreateStudy, request)
    assert error.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    long_name = spec_with(parameters=[categorical("c", ["x" * 300])])
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=long_name)
    )
    error = failure(stub.CreateStudy, request)
    assert error.field == "study.spec.parameters[0].categorical_values.values[0]"
    too_long_reason = pb.CompleteTrialRequest(
        name=f"{TEAM}/studies/{unique_id}/trials/1",
        trial_infeasible=True,
        infeasibility_reason="r" * 5000,
    )
    assert failure(stub.CompleteTrial, too_long_reason).field == "infeasibility_reason"


def test_errors_carry_error_info_and_bad_request_details(stub: StudyServiceStub) -> None:
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    request = pb.SuggestTrialsRequest(parent=STUDY, count=0, client_id="w")
    with pytest.raises(grpc.RpcError) as caught:
        stub.SuggestTrials(request)
    status = rpc_status.from_call(caught.value)
    assert status is not None
    info, bad_request = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    assert status.details[0].Unpack(info) and status.details[1].Unpack(bad_request)
    assert (info.domain, info.reason) == ("sibyl", "INVALID_ARGUMENT")
    assert bad_request.field_violations[0].field == "count"
