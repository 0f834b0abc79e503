"""Several objectives, outcome constraints, conditional parameters, early stopping."""

from __future__ import annotations

import time
from typing import Any

import grpc

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import TEAM, categorical, double, failure, integer, suggest, values


def create(stub: StudyServiceStub, study_id: str, spec: study_pb2.StudySpec) -> str:
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=study_id, study=study_pb2.Study(spec=spec)
    )
    return str(stub.CreateStudy(request).study.name)


def add_completed(
    stub: StudyServiceStub, study: str, params: dict[str, Any], metrics: dict[str, float]
) -> int:
    trial = trial_pb2.Trial(
        parameters=values(**params),
        state=trial_pb2.TRIAL_STATE_COMPLETED,
        final_measurement=trial_pb2.Measurement(metrics=metrics),
    )
    return int(stub.CreateTrial(pb.CreateTrialRequest(parent=study, trial=trial)).trial.id)


def optimal(stub: StudyServiceStub, study: str) -> pb.ListOptimalTrialsResponse:
    return stub.ListOptimalTrials(pb.ListOptimalTrialsRequest(parent=study))


def objective(name: str, goal: int) -> study_pb2.MetricSpec:
    return study_pb2.MetricSpec(name=name, goal=goal)


def constraint(name: str, upper: float) -> study_pb2.MetricSpec:
    metric = study_pb2.MetricSpec(name=name)
    metric.constraint.upper_bound = upper
    return metric


def test_several_objectives_give_the_pareto_front(stub: StudyServiceStub, unique_id: str) -> None:
    spec = study_pb2.StudySpec(
        parameters=[double("x", 0, 1)],
        metrics=[
            objective("accuracy", study_pb2.GOAL_MAXIMIZE),
            objective("latency", study_pb2.GOAL_MINIMIZE),
        ],
        algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
    )
    study = create(stub, unique_id, spec)
    results = [(0.9, 50.0), (0.8, 20.0), (0.85, 60.0), (0.95, 80.0), (0.7, 30.0), (0.8, 20.0)]
    ids = [
        add_completed(stub, study, {"x": 0.5}, {"accuracy": a, "latency": lat})
        for a, lat in results
    ]
    front = optimal(stub, study)
    # (0.85, 60) is dominated by (0.9, 50); (0.7, 30) by (0.8, 20); equal points both stay.
    assert [t.id for t in front.optimal_trials] == [ids[0], ids[1], ids[3], ids[5]]
    assert (front.feasible_trial_count, front.completed_trial_count) == (6, 6)


def test_only_feasible_trials_can_be_optimal(stub: StudyServiceStub, unique_id: str) -> None:
    spec = study_pb2.StudySpec(
        parameters=[double("x", 0, 1)],
        metrics=[objective("loss", study_pb2.GOAL_MINIMIZE), constraint("memory_gb", 8.0)],
        algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
    )
    study = create(stub, unique_id, spec)
    add_completed(stub, study, {"x": 0.1}, {"loss": 0.1, "memory_gb": 12.0})
    nothing = optimal(stub, study)
    assert not nothing.optimal_trials
    assert (nothing.feasible_trial_count, nothing.completed_trial_count) == (0, 1)
    feasible = add_completed(stub, study, {"x": 0.2}, {"loss": 0.5, "memory_gb": 7.5})
    found = optimal(stub, study)
    assert [t.id for t in found.optimal_trials] == [feasible]
    assert found.feasible_trial_count == 1
    error = failure(
        stub.CreateTrial,
        pb.CreateTrialRequest(
            parent=study,
            trial=trial_pb2.Trial(
                parameters=values(x=0.3),
                state=trial_pb2.TRIAL_STATE_COMPLETED,
                final_measurement=trial_pb2.Measurement(metrics={"loss": 0.2}),
            ),
        ),
    )
    assert (error.code, error.field) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "trial.final_measurement.metrics",
    )


def conditional_spec(algorithm: int) -> study_pb2.StudySpec:
    """optimizer -> momentum (sgd) | beta1 (adam) -> eps (beta1 >= 0.9);
    layers -> units_3 (layers >= 3)."""
    momentum = double("momentum", 0.0, 0.99)
    momentum.condition.parent = "optimizer"
    momentum.condition.categories.values.append("sgd")
    beta1 = double("beta1", 0.8, 0.999)
    beta1.condition.parent = "optimizer"
    beta1.condition.categories.values.append("adam")
    eps = double("eps", 1e-9, 1e-6, log=True)
    eps.condition.parent = "beta1"
    eps.condition.range.min_value = 0.9
    units = integer("units_3", 8, 64)
    units.condition.parent = "layers"
    units.condition.range.min_value = 3
    return study_pb2.StudySpec(
        parameters=[
            categorical("optimizer", ["sgd", "adam"]),
            momentum,
            beta1,
            eps,
            integer("layers", 1, 4),
            units,
        ],
        metrics=[objective("loss", study_pb2.GOAL_MINIMIZE)],
        algorithm=algorithm,
        grid_resolution=2,
        seed=4,
    )


def expected_names(params: dict[str, Any]) -> set[str]:
    names = {"optimizer", "layers"}
    if params["optimizer"] == "sgd":
        names.add("momentum")
    else:
        names.add("beta1")
        if params["beta1"] >= 0.9:
            names.add("eps")
    if params["layers"] >= 3:
        names.add("units_3")
    return names


def plain(trial: trial_pb2.Trial) -> dict[str, Any]:
    return {k: getattr(v, v.WhichOneof("kind")) for k, v in trial.parameters.items()}


def test_suggestions_carry_exactly_the_active_parameters(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create(stub, unique_id, conditional_spec(study_pb2.ALGORITHM_QUASI_RANDOM_SEARCH))
    trials = [plain(t) for t in suggest(stub, study, count=64).trials]
    for params in trials:
        assert set(params) == expected_names(params), params
    assert {"momentum", "beta1", "eps", "units_3"} <= set().union(*map(set, trials))
    assert any("eps" not in p and p["optimizer"] == "adam" for p in trials), "nested depth 2"


def test_grid_search_walks_only_active_combinations(stub: StudyServiceStub, unique_id: str) -> None:
    study = create(stub, unique_id, conditional_spec(study_pb2.ALGORITHM_GRID_SEARCH))
    points = [plain(t) for t in suggest(stub, study, count=1000).trials]
    # Two grid points per range: layers {1, 4}, so 1 + 2 (units_3) = 3 layer branches.
    # sgd: momentum(2) x 3; adam: beta1 0.8 (no eps) x 3 + beta1 0.999 x eps(2) x 3.
    assert len(points) == 2 * 3 + (3 + 2 * 3)
    assert len({tuple(sorted(p.items())) for p in points}) == len(points)
    for params in points:
        assert set(params) == expected_names(params)
    done = stub.GetStudy(pb.GetStudyRequest(name=study)).study
    assert done.trial_count == 15
    assert done.state == study_pb2.STUDY_STATE_ACTIVE, "trials still run"


def test_inactive_or_missing_conditional_parameters_are_rejected(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create(stub, unique_id, conditional_spec(study_pb2.ALGORITHM_QUASI_RANDOM_SEARCH))
    spec = stub.GetStudy(pb.GetStudyRequest(name=study)).study.spec
    assert spec.parameters[3].condition.range.min_value == 0.9
    cases = [
        (
            {"optimizer": "sgd", "momentum": 0.9, "beta1": 0.9, "layers": 1},
            "trial.parameters['beta1']",
        ),
        ({"optimizer": "sgd", "layers": 1}, "trial.parameters['momentum']"),
        ({"optimizer": "adam", "beta1": 0.85, "eps": 1e-8, "layers": 1}, "trial.parameters['eps']"),
        (
            {"optimizer": "sgd", "momentum": 0.5, "layers": 2, "units_3": 16},
            "trial.parameters['units_3']",
        ),
    ]
    for params, field in cases:
        trial = trial_pb2.Trial(parameters=values(**params), state=trial_pb2.TRIAL_STATE_REQUESTED)
        error = failure(stub.CreateTrial, pb.CreateTrialRequest(parent=study, trial=trial))
        assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field), error
    good = {"optimizer": "adam", "beta1": 0.95, "eps": 1e-8, "layers": 3, "units_3": 16}
    trial = trial_pb2.Trial(parameters=values(**good), state=trial_pb2.TRIAL_STATE_REQUESTED)
    assert stub.CreateTrial(pb.CreateTrialRequest(parent=study, trial=trial)).trial.id == 1


def stopping_spec(**policy: Any) -> study_pb2.StudySpec:
    return study_pb2.StudySpec(
        parameters=[double("x", 0, 1)],
        metrics=[objective("loss", study_pb2.GOAL_MINIMIZE)],
        algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
        early_stopping=study_pb2.EarlyStoppingPolicy(**policy),
    )


def measure(stub: StudyServiceStub, trial: str, losses: list[float]) -> None:
    for step, loss in enumerate(losses, start=1):
        stub.AddTrialMeasurement(
            pb.AddTrialMeasurementRequest(
                name=trial, measurement=trial_pb2.Measurement(metrics={"loss": loss}, step=step)
            )
        )


def check(stub: StudyServiceStub, trial: str) -> pb.CheckTrialEarlyStoppingResponse:
    return stub.CheckTrialEarlyStopping(pb.CheckTrialEarlyStoppingRequest(name=trial))


def test_median_rule_stops_a_bad_trial_which_completes_with_its_last_value(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create(stub, unique_id, stopping_spec(median=study_pb2.MedianStoppingRule(min_step=2)))
    good = suggest(stub, study, count=3, client="good").trials
    for trial in good:
        measure(stub, trial.name, [0.5, 0.4, 0.3])
        assert not check(stub, trial.name).should_stop
    [bad] = suggest(stub, study, client="bad").trials
    measure(stub, bad.name, [0.9, 0.8])
    answer = check(stub, bad.name)
    assert answer.should_stop and "median" in answer.reason
    assert answer.trial.state == trial_pb2.TRIAL_STATE_STOPPING
    assert check(stub, bad.name).should_stop, "a STOPPING trial keeps answering yes"
    done = stub.CompleteTrial(pb.CompleteTrialRequest(name=bad.name)).trial
    assert (done.state, done.final_measurement.metrics["loss"]) == (
        trial_pb2.TRIAL_STATE_COMPLETED,
        0.8,
    )


def test_without_a_policy_nothing_stops_but_a_user_can_stop_a_trial(
    stub: StudyServiceStub, unique_id: str
) -> None:
    spec = stopping_spec()
    spec.ClearField("early_stopping")
    study = create(stub, unique_id, spec)
    [trial] = suggest(stub, study).trials
    measure(stub, trial.name, [9.0, 9.0, 9.0])
    assert not check(stub, trial.name).should_stop
    stopped = stub.StopTrial(pb.StopTrialRequest(name=trial.name)).trial
    assert stopped.state == trial_pb2.TRIAL_STATE_STOPPING
    assert check(stub, trial.name).should_stop
    assert stub.StopTrial(pb.StopTrialRequest(name=trial.name)).trial.state == stopped.state
    stub.CompleteTrial(pb.CompleteTrialRequest(name=trial.name))
    error = failure(stub.StopTrial, pb.StopTrialRequest(name=trial.name))
    assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "TRIAL_NOT_ACTIVE")


def test_a_stopping_trial_whose_worker_left_is_completed_after_the_lease(
    stub: StudyServiceStub, unique_id: str
) -> None:
    spec = stopping_spec(successive_halving=study_pb2.SuccessiveHalvingRule(min_step=1))
    spec.trial_lease.FromMilliseconds(1000)
    study = create(stub, unique_id, spec)
    first, second = suggest(stub, study, count=2, client="left").trials
    measure(stub, first.name, [0.2])
    measure(stub, second.name, [0.9])
    assert check(stub, second.name).should_stop
    time.sleep(1.2)
    suggest(stub, study, client="someone-else")
    finished = stub.GetTrial(pb.GetTrialRequest(name=second.name)).trial
    assert (finished.state, finished.final_measurement.metrics["loss"]) == (
        trial_pb2.TRIAL_STATE_COMPLETED,
        0.9,
    )
