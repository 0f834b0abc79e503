"""Every RPC's happy path, through raw stubs, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from sibyl_server.domain.study import (
    DEFAULT_GRID_RESOLUTION,
    LEARNING_CURVE_MIN_STEP,
    EarlyStoppingPolicy,
    EarlyStoppingRule,
)
from tests.server.api.conftest import (
    GOOD_VALUES,
    TEAM,
    complete,
    create_study,
    double,
    failure,
    invalid,
    make_spec,
    suggest,
    values,
)

ACTIVE = trial_pb2.TRIAL_STATE_ACTIVE


def test_create_get_delete_study(stub: StudyServiceStub, unique_id: str) -> None:
    created = create_study(stub, unique_id)
    assert created.name == f"{TEAM}/studies/{unique_id}"
    assert created.state == study_pb2.STUDY_STATE_ACTIVE
    assert created.spec.HasField("seed"), "the server picks and reports a seed"
    assert created.spec.trial_lease.seconds == 3600
    assert created.create_time.seconds > 0
    fetched = stub.GetStudy(pb.GetStudyRequest(name=created.name)).study
    assert fetched == created
    stub.DeleteStudy(pb.DeleteStudyRequest(name=created.name))
    error = failure(stub.GetStudy, pb.GetStudyRequest(name=created.name))
    assert (error.code.name, error.reason) == ("NOT_FOUND", "STUDY_NOT_FOUND")


def test_a_study_reports_its_effective_spec(stub: StudyServiceStub, unique_id: str) -> None:
    curve = study_pb2.LearningCurveRule(final_step=10)
    gp = create_study(
        stub,
        unique_id,
        algorithm=study_pb2.ALGORITHM_GP_BANDIT,
        early_stopping=study_pb2.EarlyStoppingPolicy(learning_curve=curve),
    )
    defaults = EarlyStoppingPolicy(EarlyStoppingRule.LEARNING_CURVE)
    assert gp.spec.early_stopping.learning_curve == study_pb2.LearningCurveRule(
        final_step=10, min_step=LEARNING_CURVE_MIN_STEP, min_trials=defaults.min_trials
    )
    assert gp.spec.initial_trials == 2 * len(gp.spec.parameters) + 2
    assert gp.spec.grid_resolution == DEFAULT_GRID_RESOLUTION
    median = study_pb2.EarlyStoppingPolicy(median=study_pb2.MedianStoppingRule())
    quasi = create_study(stub, unique_id + "-q", early_stopping=median)
    assert quasi.spec.early_stopping.median.min_trials == defaults.min_trials
    assert not quasi.spec.HasField("initial_trials"), "only GP_BANDIT has initial trials"


def test_a_gp_study_fixes_whether_it_restarts_at_creation(
    stub: StudyServiceStub, unique_id: str
) -> None:
    # The test server runs with its default (no restarts): a study that leaves it
    # unset reports that default, one that says true keeps it.
    gp = study_pb2.ALGORITHM_GP_BANDIT
    unset = create_study(stub, unique_id, algorithm=gp)
    assert unset.spec.HasField("stall_restarts") and not unset.spec.stall_restarts
    wanted = create_study(stub, unique_id + "-r", algorithm=gp, stall_restarts=True)
    assert wanted.spec.stall_restarts
    fetched = stub.GetStudy(pb.GetStudyRequest(name=wanted.name)).study
    assert fetched.spec.stall_restarts
    declined = create_study(stub, unique_id + "-q", stall_restarts=False)
    assert declined.spec.HasField("stall_restarts") and not declined.spec.stall_restarts
    quasi = create_study(stub, unique_id + "-u")
    assert not quasi.spec.HasField("stall_restarts"), "only GP_BANDIT studies restart"
    two = [
        study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE),
        study_pb2.MetricSpec(name="time", goal=study_pb2.GOAL_MINIMIZE),
    ]
    front = make_spec(algorithm=gp)
    del front.metrics[:]
    front.metrics.extend(two)
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=unique_id + "-2", study=study_pb2.Study(spec=front)
    )
    created = stub.CreateStudy(request).study
    assert not created.spec.HasField("stall_restarts"), "a Pareto front never restarts"


def test_list_studies_pages_through_a_team(stub: StudyServiceStub, unique_id: str) -> None:
    team = "teams/" + unique_id
    ids = [f"study-{i}" for i in range(5)]
    for study_id in ids:
        request = pb.CreateStudyRequest(
            parent=team, study_id=study_id, study=create_study_message()
        )
        stub.CreateStudy(request)
    seen, token = [], ""
    while True:
        page = stub.ListStudies(pb.ListStudiesRequest(parent=team, page_size=2, page_token=token))
        assert len(page.studies) <= 2
        seen += [s.name.rsplit("/", 1)[1] for s in page.studies]
        token = page.next_page_token
        if not token:
            break
    assert seen == ids
    error = failure(
        stub.ListStudies, pb.ListStudiesRequest(parent="teams/other", page_token="garbage")
    )
    assert (error.code.name, error.field) == ("INVALID_ARGUMENT", "page_token")


def create_study_message() -> study_pb2.Study:
    return study_pb2.Study(
        spec=study_pb2.StudySpec(
            parameters=[double("x", 0, 1)],
            metrics=[study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE)],
            algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
        )
    )


def test_duplicate_study_is_already_exists(stub: StudyServiceStub, unique_id: str) -> None:
    create_study(stub, unique_id)
    error = failure(
        stub.CreateStudy,
        pb.CreateStudyRequest(parent=TEAM, study_id=unique_id, study=create_study_message()),
    )
    assert (error.code.name, error.reason) == ("ALREADY_EXISTS", "STUDY_ALREADY_EXISTS")


def test_study_states(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)

    def set_state(state: int) -> study_pb2.Study:
        request = pb.UpdateStudyStateRequest(name=study.name, state=state)
        return stub.UpdateStudyState(request).study

    assert set_state(study_pb2.STUDY_STATE_PAUSED).state == study_pb2.STUDY_STATE_PAUSED
    error = failure(
        stub.SuggestTrials, pb.SuggestTrialsRequest(parent=study.name, count=1, client_id="w")
    )
    assert (error.code.name, error.reason) == ("FAILED_PRECONDITION", "STUDY_NOT_ACTIVE")
    assert set_state(study_pb2.STUDY_STATE_ACTIVE).state == study_pb2.STUDY_STATE_ACTIVE
    assert len(suggest(stub, study.name).trials) == 1
    assert set_state(study_pb2.STUDY_STATE_COMPLETED).state == study_pb2.STUDY_STATE_COMPLETED


def test_suggest_assigns_new_trials_and_returns_them_to_the_same_client(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    first = suggest(stub, study.name, count=3, client="alice").trials
    assert [t.id for t in first] == [1, 2, 3]
    assert [t.name for t in first] == [f"{study.name}/trials/{i}" for i in (1, 2, 3)]
    for trial in first:
        assert trial.state == ACTIVE
        assert trial.client_id == "alice"
        assert trial.metadata["sibyl.algorithm"] == "QUASI_RANDOM_SEARCH"
        assert trial.HasField("lease_expire_time")
        assert set(trial.parameters) == {"x", "n", "b", "c"}
    again = suggest(stub, study.name, count=3, client="alice").trials
    assert [t.id for t in again] == [1, 2, 3], "a restarted worker resumes its trials"
    other = suggest(stub, study.name, count=2, client="bob").trials
    assert [t.id for t in other] == [4, 5]
    more = suggest(stub, study.name, count=4, client="alice").trials
    assert [t.id for t in more] == [1, 2, 3, 6], "held trials first, then new ones"


def test_suggested_values_are_valid_and_typed(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    for trial in suggest(stub, study.name, count=20).trials:
        p = trial.parameters
        assert 0.0 <= p["x"].double_value <= 1.0
        assert p["n"].WhichOneof("kind") == "int_value" and 1 <= p["n"].int_value <= 5
        assert p["b"].double_value in (16.0, 32.0, 64.0)
        assert p["c"].string_value in ("sgd", "adam")


@pytest.mark.filterwarnings("ignore:The balance properties")
def test_quasi_random_continues_one_sobol_sequence_across_calls(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_one_double_study(stub, unique_id, seed=11)
    xs = [t.parameters["x"].double_value for t in suggest(stub, study.name, count=3).trials]
    xs += [t.parameters["x"].double_value for t in suggest(stub, study.name, 2, "other").trials]
    expected = qmc.Sobol(d=1, scramble=True, seed=11).random(5)[:, 0] * 10 - 5
    np.testing.assert_allclose(xs, expected, rtol=0, atol=1e-12)


def create_one_double_study(
    stub: StudyServiceStub,
    study_id: str,
    seed: int,
    algorithm: int = study_pb2.ALGORITHM_QUASI_RANDOM_SEARCH,
) -> study_pb2.Study:
    spec = study_pb2.StudySpec(
        parameters=[double("x", -5, 5)],
        metrics=[study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE)],
        algorithm=algorithm,
        seed=seed,
    )
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=study_id, study=study_pb2.Study(spec=spec)
    )
    return stub.CreateStudy(request).study


def test_gp_bandit_says_which_algorithm_produced_each_trial(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_one_double_study(
        stub, unique_id, seed=1, algorithm=study_pb2.ALGORITHM_GP_BANDIT
    )
    [trial] = suggest(stub, study.name).trials
    assert trial.metadata["sibyl.algorithm"] in ("GP_BANDIT", "QUASI_RANDOM_SEARCH")


def test_random_search_is_reproducible_from_the_seed(
    stub: StudyServiceStub, unique_id: str
) -> None:
    runs = []
    for suffix in ("a", "b"):
        study = create_one_double_study(
            stub, f"{unique_id}-{suffix}", seed=5, algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH
        )
        runs.append([t.parameters["x"].double_value for t in suggest(stub, study.name, 4).trials])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 4


def test_grid_search_walks_the_grid_then_completes(stub: StudyServiceStub, unique_id: str) -> None:
    spec = study_pb2.StudySpec(
        parameters=[
            double("x", 0, 1),
            study_pb2.ParameterSpec(
                name="c", categorical_values=study_pb2.CategoricalValues(values=["a", "b"])
            ),
        ],
        metrics=[study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE)],
        algorithm=study_pb2.ALGORITHM_GRID_SEARCH,
        grid_resolution=3,
    )
    name = stub.CreateStudy(
        pb.CreateStudyRequest(parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=spec))
    ).study.name
    points = []
    while stub.GetStudy(pb.GetStudyRequest(name=name)).study.state == study_pb2.STUDY_STATE_ACTIVE:
        response = suggest(stub, name, count=4)
        for trial in response.trials:
            points.append((trial.parameters["x"].double_value, trial.parameters["c"].string_value))
            complete(stub, trial.name, 1.0)
    assert points == [(x, c) for x in (0.0, 0.5, 1.0) for c in ("a", "b")]
    study = stub.GetStudy(pb.GetStudyRequest(name=name)).study
    assert study.state == study_pb2.STUDY_STATE_COMPLETED
    assert study.state_reason == "grid exhausted"


def test_max_trials_completes_the_study(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id, max_trials=3)
    trials = suggest(stub, study.name, count=5).trials
    assert len(trials) == 3, "never more trials than the budget"
    assert len(suggest(stub, study.name, count=1, client="late").trials) == 0
    for trial in trials[:2]:
        complete(stub, trial.name, 1.0)
    assert (
        stub.GetStudy(pb.GetStudyRequest(name=study.name)).study.state
        == study_pb2.STUDY_STATE_ACTIVE
    )
    complete(stub, trials[2].name, 1.0)
    done = stub.GetStudy(pb.GetStudyRequest(name=study.name)).study
    assert (done.state, done.state_reason) == (
        study_pb2.STUDY_STATE_COMPLETED,
        "max_trials reached",
    )
    error = failure(
        stub.SuggestTrials, pb.SuggestTrialsRequest(parent=study.name, count=1, client_id="w")
    )
    assert error.code.name == "FAILED_PRECONDITION"
    assert error.metadata["state"] == "COMPLETED"


def test_requested_trials_are_handed_out_before_new_ones(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    queued = stub.CreateTrial(
        pb.CreateTrialRequest(
            parent=study.name,
            trial=trial_pb2.Trial(
                parameters=values(**GOOD_VALUES), state=trial_pb2.TRIAL_STATE_REQUESTED
            ),
        )
    ).trial
    assert (queued.id, queued.state) == (1, trial_pb2.TRIAL_STATE_REQUESTED)
    assert queued.metadata["sibyl.algorithm"] == "USER"
    trials = suggest(stub, study.name, count=2).trials
    assert [t.id for t in trials] == [1, 2]
    assert trials[0].parameters["x"].double_value == 0.5
    assert trials[0].state == ACTIVE and trials[0].client_id == "worker-1"


def test_create_trial_warm_start_and_idempotent_retry(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    request = pb.CreateTrialRequest(
        parent=study.name,
        request_id="retry-me",
        trial=trial_pb2.Trial(
            parameters=values(x=0.25, n=3, b=64.0, c="sgd"),
            state=trial_pb2.TRIAL_STATE_COMPLETED,
            final_measurement=trial_pb2.Measurement(metrics={"loss": 0.5}),
            measurements=[trial_pb2.Measurement(metrics={"loss": 0.8}, step=1)],
            metadata={"source": "last-week"},
        ),
    )
    first = stub.CreateTrial(request).trial
    again = stub.CreateTrial(request).trial
    assert first == again
    assert first.state == trial_pb2.TRIAL_STATE_COMPLETED
    assert first.metadata["source"] == "last-week"
    infeasible = stub.CreateTrial(
        pb.CreateTrialRequest(
            parent=study.name,
            trial=trial_pb2.Trial(
                parameters=values(**GOOD_VALUES),
                state=trial_pb2.TRIAL_STATE_INFEASIBLE,
                infeasibility_reason="out of memory",
            ),
        )
    ).trial
    assert (infeasible.id, infeasible.infeasibility_reason) == (2, "out of memory")
    assert stub.GetStudy(pb.GetStudyRequest(name=study.name)).study.trial_count == 2
    best = stub.ListOptimalTrials(pb.ListOptimalTrialsRequest(parent=study.name)).optimal_trials
    assert list(best) == [first], "whole, its learning curve included"
    assert len(first.measurements) == 1


def test_measurements_renew_the_lease_and_retries_are_no_ops(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    [trial] = suggest(stub, study.name).trials

    def measure(step: int, loss: float) -> trial_pb2.Trial:
        request = pb.AddTrialMeasurementRequest(
            name=trial.name,
            measurement=trial_pb2.Measurement(
                metrics={"loss": loss}, step=step, elapsed_seconds=1.5
            ),
        )
        return stub.AddTrialMeasurement(request).trial

    measure(1, 0.9)
    updated = measure(2, 0.7)
    resent = measure(2, 0.7)
    assert [m.step for m in resent.measurements] == [1, 2], "a resent measurement is a no-op"
    assert [m.step for m in updated.measurements] == [1, 2]
    assert updated.lease_expire_time.ToMicroseconds() >= trial.lease_expire_time.ToMicroseconds()
    error = failure(
        stub.AddTrialMeasurement,
        pb.AddTrialMeasurementRequest(
            name=trial.name, measurement=trial_pb2.Measurement(metrics={"loss": 0.1}, step=2)
        ),
    )
    assert (error.code.name, error.reason) == (
        "FAILED_PRECONDITION",
        "MEASUREMENT_STEP_NOT_INCREASING",
    )
    completed = stub.CompleteTrial(pb.CompleteTrialRequest(name=trial.name)).trial
    assert completed.final_measurement.metrics["loss"] == 0.7, "the last measurement is used"
    error = failure(
        stub.AddTrialMeasurement,
        pb.AddTrialMeasurementRequest(
            name=trial.name, measurement=trial_pb2.Measurement(metrics={"loss": 0.1}, step=3)
        ),
    )
    assert (error.code.name, error.reason) == ("FAILED_PRECONDITION", "TRIAL_NOT_ACTIVE")


def test_complete_twice_same_result_is_a_no_op_else_failed_precondition(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    first, second = suggest(stub, study.name, count=2).trials
    done = complete(stub, first.name, 0.3)
    assert done.state == trial_pb2.TRIAL_STATE_COMPLETED
    assert done.HasField("complete_time") and not done.HasField("lease_expire_time")
    assert complete(stub, first.name, 0.3) == done
    error = failure(
        stub.CompleteTrial,
        pb.CompleteTrialRequest(
            name=first.name, final_measurement=trial_pb2.Measurement(metrics={"loss": 0.4})
        ),
    )
    assert (error.code.name, error.reason) == ("FAILED_PRECONDITION", "TRIAL_ALREADY_COMPLETED")
    infeasible = pb.CompleteTrialRequest(
        name=second.name, trial_infeasible=True, infeasibility_reason="diverged"
    )
    result = stub.CompleteTrial(infeasible).trial
    assert (result.state, result.infeasibility_reason) == (
        trial_pb2.TRIAL_STATE_INFEASIBLE,
        "diverged",
    )
    assert stub.CompleteTrial(infeasible).trial == result
    error = failure(
        stub.CompleteTrial, pb.CompleteTrialRequest(name=second.name, trial_infeasible=True)
    )
    assert error.reason == "TRIAL_ALREADY_COMPLETED"


def test_complete_without_any_measurement_is_failed_precondition(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    [trial] = suggest(stub, study.name).trials
    error = failure(stub.CompleteTrial, pb.CompleteTrialRequest(name=trial.name))
    assert (error.code.name, error.reason) == ("FAILED_PRECONDITION", "NO_MEASUREMENT")
    assert stub.GetTrial(pb.GetTrialRequest(name=trial.name)).trial.state == ACTIVE


def test_complete_from_a_last_measurement_without_every_metric_is_failed_precondition(
    stub: StudyServiceStub, unique_id: str
) -> None:
    # It named final_measurement.metrics as INVALID_ARGUMENT, a field the call left unset.
    memory = study_pb2.MetricSpec(
        name="memory", constraint=study_pb2.OutcomeConstraint(upper_bound=8.0)
    )
    spec = make_spec()
    spec.metrics.append(memory)
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=spec)
    )
    study = stub.CreateStudy(request).study
    [trial] = suggest(stub, study.name).trials
    stub.AddTrialMeasurement(
        pb.AddTrialMeasurementRequest(
            name=trial.name, measurement=trial_pb2.Measurement(metrics={"loss": 0.5}, step=1)
        )
    )
    error = failure(stub.CompleteTrial, pb.CompleteTrialRequest(name=trial.name))
    assert (error.code.name, error.reason) == ("FAILED_PRECONDITION", "LAST_MEASUREMENT_INCOMPLETE")
    assert "'memory'" in error.message and "send a final_measurement" in error.message
    assert stub.GetTrial(pb.GetTrialRequest(name=trial.name)).trial.state == ACTIVE


def test_list_trials_filters_and_pages(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    trials = suggest(stub, study.name, count=7).trials
    for trial in trials[:4]:
        complete(stub, trial.name, float(trial.id))
    seen, token = [], ""
    while True:
        page = stub.ListTrials(
            pb.ListTrialsRequest(
                parent=study.name,
                states=[trial_pb2.TRIAL_STATE_COMPLETED],
                page_size=3,
                page_token=token,
            )
        )
        seen += [t.id for t in page.trials]
        token = page.next_page_token
        if not token:
            break
    assert seen == [1, 2, 3, 4]
    everything = stub.ListTrials(pb.ListTrialsRequest(parent=study.name)).trials
    assert [t.id for t in everything] == list(range(1, 8))
    got = stub.GetTrial(pb.GetTrialRequest(name=trials[5].name)).trial
    assert (got.id, got.client_id, got.state) == (6, "worker-1", ACTIVE)
    assert got.parameters == trials[5].parameters


def test_the_basic_view_lists_trials_without_their_intermediate_measurements(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    trials = suggest(stub, study.name, count=2).trials
    for step, loss in ((1, 0.9), (2, 0.7)):
        measurement = trial_pb2.Measurement(metrics={"loss": loss}, step=step)
        request = pb.AddTrialMeasurementRequest(name=trials[0].name, measurement=measurement)
        stub.AddTrialMeasurement(request)
    complete(stub, trials[0].name, 0.5)

    def listed(view: int) -> list[trial_pb2.Trial]:
        request = pb.ListTrialsRequest(parent=study.name, view=view)  # type: ignore[arg-type]
        return list(stub.ListTrials(request).trials)

    full, basic = listed(pb.TRIAL_VIEW_FULL), listed(pb.TRIAL_VIEW_BASIC)
    assert listed(pb.TRIAL_VIEW_UNSPECIFIED) == full
    assert [len(t.measurements) for t in full] == [2, 0]
    assert all(not t.measurements for t in basic)
    for trial in full:
        del trial.measurements[:]
    assert basic == full, "every other field is the same"
    assert basic[0].final_measurement.metrics["loss"] == 0.5
    invalid(failure(stub.ListTrials, pb.ListTrialsRequest(parent=study.name, view=9)), "view")


def test_a_page_token_keeps_its_view(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    suggest(stub, study.name, count=3)
    basic = pb.ListTrialsRequest(parent=study.name, page_size=1, view=pb.TRIAL_VIEW_BASIC)
    token = stub.ListTrials(basic).next_page_token
    basic.page_token = token
    assert [t.id for t in stub.ListTrials(basic).trials] == [2]
    full = pb.ListTrialsRequest(parent=study.name, page_size=1, page_token=token)
    invalid(failure(stub.ListTrials, full), "page_token")
    unspecified = stub.ListTrials(pb.ListTrialsRequest(parent=study.name, page_size=1))
    full.page_token, full.view = unspecified.next_page_token, pb.TRIAL_VIEW_FULL
    assert [t.id for t in stub.ListTrials(full).trials] == [2], "FULL is UNSPECIFIED's view"


@pytest.mark.parametrize(
    ("goal", "best"), [(study_pb2.GOAL_MINIMIZE, 2), (study_pb2.GOAL_MAXIMIZE, 3)]
)
def test_optimal_trial_follows_the_goal(
    stub: StudyServiceStub, unique_id: str, goal: int, best: int
) -> None:
    study = create_study(stub, unique_id, goal=goal)
    assert not stub.ListOptimalTrials(pb.ListOptimalTrialsRequest(parent=study.name)).optimal_trials
    trials = suggest(stub, study.name, count=4).trials
    for trial, loss in zip(trials, [0.5, 0.1, 0.9, 0.1], strict=True):
        complete(stub, trial.name, loss)
    optimal = stub.ListOptimalTrials(pb.ListOptimalTrialsRequest(parent=study.name)).optimal_trials
    assert [t.id for t in optimal] == [best]


def test_health_and_reflection_are_served(server: object) -> None:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    with grpc.insecure_channel(server.address) as channel:  # type: ignore[attr-defined]
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", "sibyl.v1.StudyService"):
            status = health.Check(health_pb2.HealthCheckRequest(service=service)).status
            assert status == health_pb2.HealthCheckResponse.SERVING
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        response = next(reflection.ServerReflectionInfo(iter([request])))
        names = {s.name for s in response.list_services_response.service}
    assert "sibyl.v1.StudyService" in names
