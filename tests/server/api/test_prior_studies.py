"""Prior studies through the contract: what is refused, and what a suggestion says."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from sibyl.v1 import study_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import TEAM, categorical, complete, double, failure, suggest

FIELD = "study.spec.prior_studies"
INVALID = grpc.StatusCode.INVALID_ARGUMENT


def spec(*priors: study_pb2.PriorStudy, **options: Any) -> study_pb2.StudySpec:
    """x, y in [0, 1], loss minimized, GP_BANDIT, with `priors`."""
    parameters = options.pop("parameters", [double("x", 0.0, 1.0), double("y", 0.0, 1.0)])
    metrics = options.pop("metrics", [study_pb2.MetricSpec(name="loss", goal=1)])
    return study_pb2.StudySpec(
        parameters=parameters,
        metrics=metrics,
        algorithm=options.pop("algorithm", study_pb2.ALGORITHM_GP_BANDIT),
        prior_studies=list(priors),
        **options,
    )


def create(
    stub: StudyServiceStub, study_id: str, study_spec: study_pb2.StudySpec, team: str = TEAM
) -> study_pb2.Study:
    request = pb.CreateStudyRequest(
        parent=team, study_id=study_id, study=study_pb2.Study(spec=study_spec)
    )
    return stub.CreateStudy(request, timeout=30).study


def refused(stub: StudyServiceStub, study_id: str, study_spec: study_pb2.StudySpec) -> Any:
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=study_id, study=study_pb2.Study(spec=study_spec)
    )
    return failure(stub.CreateStudy, request)


def prior(name: str, objective: str = "") -> study_pb2.PriorStudy:
    return study_pb2.PriorStudy(study=name, objective=objective)


@pytest.fixture(scope="module")
def earlier(stub: StudyServiceStub) -> str:
    """A finished run of the bowl (x - 0.3)^2 + (y - 0.7)^2, 10 trials, as a prior."""
    study = create(stub, "bowl-earlier", spec(initial_trials=10))
    for trial in suggest(stub, study.name, count=10).trials:
        x, y = trial.parameters["x"].double_value, trial.parameters["y"].double_value
        complete(stub, trial.name, (x - 0.3) ** 2 + (y - 0.7) ** 2)
    return study.name


def test_a_study_with_a_prior_reports_it_and_its_shorter_initial_design(
    stub: StudyServiceStub, earlier: str, unique_id: str
) -> None:
    created = create(stub, unique_id, spec(prior(earlier)))
    assert list(created.spec.prior_studies) == [prior(earlier)]
    assert created.spec.initial_trials == 2
    fetched = stub.GetStudy(pb.GetStudyRequest(name=created.name)).study
    assert fetched.spec.prior_studies == created.spec.prior_studies


def test_suggested_trials_carry_the_prior_weights(
    stub: StudyServiceStub, earlier: str, unique_id: str
) -> None:
    study = create(stub, unique_id, spec(prior(earlier)))
    for trial in suggest(stub, study.name, count=2).trials:  # the initial design
        assert "sibyl.prior_weights" not in trial.metadata
        x, y = trial.parameters["x"].double_value, trial.parameters["y"].double_value
        complete(stub, trial.name, (x - 0.3) ** 2 + (y - 0.7) ** 2)
    (trial,) = suggest(stub, study.name).trials
    assert trial.metadata["sibyl.algorithm"] == "GP_BANDIT"
    weights = json.loads(trial.metadata["sibyl.prior_weights"])
    assert list(weights) == [earlier]
    assert 0.0 < weights[earlier] <= 1.0


def test_a_prior_under_another_objective_name(
    stub: StudyServiceStub, earlier: str, unique_id: str
) -> None:
    metrics = [study_pb2.MetricSpec(name="error", goal=study_pb2.GOAL_MINIMIZE)]
    created = create(stub, unique_id, spec(prior(earlier, "loss"), metrics=metrics))
    assert created.spec.prior_studies[0].objective == "loss"
    error = refused(stub, unique_id + "-b", spec(prior(earlier), metrics=metrics))
    assert (error.code, error.field) == (INVALID, f"{FIELD}[0].objective")
    assert "'error' is not an objective of" in str(error)


def test_a_prior_of_another_team_is_not_found_like_a_missing_one(
    stub: StudyServiceStub, unique_id: str
) -> None:
    other = create(stub, "theirs", spec(), team="teams/other-team")
    elsewhere = refused(stub, unique_id, spec(prior(other.name)))
    missing = refused(stub, unique_id, spec(prior(f"{TEAM}/studies/none-such")))
    assert (elsewhere.code, elsewhere.reason) == (grpc.StatusCode.NOT_FOUND, "STUDY_NOT_FOUND")
    assert (missing.code, missing.reason) == (grpc.StatusCode.NOT_FOUND, "STUDY_NOT_FOUND")
    assert str(elsewhere).replace(other.name, "X") == str(missing).replace(
        f"{TEAM}/studies/none-such", "X"
    )


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ("itself", f"{FIELD}[0].study", "its own prior"),
        ("not a name", f"{FIELD}[0].study", "is not of the form"),
        ("twice", f"{FIELD}[1].study", "duplicate prior study"),
        ("too many", FIELD, "at most 5"),
        ("no shared parameter", f"{FIELD}[0].study", "shares no parameter"),
        ("another kind", f"{FIELD}[0].study", "shares no parameter"),
        ("bad objective name", f"{FIELD}[0].objective", "is not a valid name"),
        ("random search", FIELD, "ALGORITHM_GP_BANDIT only"),
        ("a constraint", FIELD, "one objective and no outcome constraint"),
    ],
)
def test_what_a_prior_may_not_be(
    stub: StudyServiceStub, earlier: str, unique_id: str, case: str, field: str, words: str
) -> None:
    own = f"{TEAM}/studies/{unique_id}"
    memory = study_pb2.MetricSpec(name="mem", constraint=study_pb2.OutcomeConstraint(upper_bound=8))
    cases = {
        "itself": spec(prior(own)),
        "not a name": spec(prior("bowl-earlier")),
        "twice": spec(prior(earlier), prior(earlier)),
        "too many": spec(*(prior(f"{TEAM}/studies/s{i}") for i in range(6))),
        "no shared parameter": spec(prior(earlier), parameters=[double("z", 0.0, 1.0)]),
        "another kind": spec(prior(earlier), parameters=[categorical("x", ["a", "b"])]),
        "bad objective name": spec(prior(earlier, "no spaces")),
        "random search": spec(prior(earlier), algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH),
        "a constraint": spec(prior(earlier), metrics=[*spec().metrics, memory]),
    }
    error = refused(stub, unique_id, cases[case])
    assert (error.code, error.field) == (INVALID, field)
    assert words in str(error)


def test_a_study_goes_on_without_a_prior_deleted_since(
    stub: StudyServiceStub, unique_id: str
) -> None:
    gone = create(stub, unique_id + "-gone", spec())
    for trial in suggest(stub, gone.name, count=3).trials:
        complete(stub, trial.name, trial.parameters["x"].double_value)
    study = create(stub, unique_id, spec(prior(gone.name)))
    stub.DeleteStudy(pb.DeleteStudyRequest(name=gone.name))
    for trial in suggest(stub, study.name, count=2).trials:
        complete(stub, trial.name, trial.parameters["x"].double_value)
    (trial,) = suggest(stub, study.name).trials
    assert trial.metadata["sibyl.algorithm"] == "GP_BANDIT"
    assert "sibyl.prior_weights" not in trial.metadata
    complete(stub, trial.name, trial.parameters["x"].double_value)
    # Another study under the prior's name is not the prior named at creation.
    again = create(stub, unique_id + "-gone", spec())
    for trial in suggest(stub, again.name, count=3).trials:
        complete(stub, trial.name, trial.parameters["x"].double_value)
    (trial,) = suggest(stub, study.name).trials
    assert trial.metadata["sibyl.algorithm"] == "GP_BANDIT"
    assert "sibyl.prior_weights" not in trial.metadata
