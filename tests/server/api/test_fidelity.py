"""A fidelity study through the server: its schedule, the trials it stops, its model's data."""

from __future__ import annotations

import math

import grpc
import pytest

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import suggest
from tests.server.api.test_prior_studies import create, prior, refused, spec
from tests.server.api.test_rich_studies import check, measure

FIELD = "study.spec.fidelity"


def fidelity(max_step: int = 9) -> study_pb2.Fidelity:
    return study_pb2.Fidelity(max_step=max_step)


def bowl(trial: trial_pb2.Trial, step: int, max_step: int = 9) -> float:
    """(x - 0.3)^2 + (y - 0.7)^2, plus what a short training leaves: 0.5 at step 1, 0
    at max_step."""
    x, y = trial.parameters["x"].double_value, trial.parameters["y"].double_value
    return (x - 0.3) ** 2 + (y - 0.7) ** 2 + 0.5 * (1 - math.log(step) / math.log(max_step))


def test_a_fidelity_study_reports_its_schedule(stub: StudyServiceStub, unique_id: str) -> None:
    created = create(stub, unique_id, spec(fidelity=fidelity(27)))
    assert created.spec.fidelity.max_step == 27
    rule = created.spec.early_stopping.successive_halving
    assert (rule.min_step, rule.reduction_factor) == (1, 3.0), "ASHA from step 1"
    median = study_pb2.EarlyStoppingPolicy(median=study_pb2.MedianStoppingRule(min_step=2))
    named = create(stub, unique_id + "-m", spec(fidelity=fidelity(27), early_stopping=median))
    assert named.spec.early_stopping.WhichOneof("rule") == "median", "a named rule is kept"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"fidelity": fidelity(1)}, FIELD + ".max_step"),
        ({"fidelity": study_pb2.Fidelity()}, FIELD + ".max_step"),
        ({"fidelity": fidelity(1_000_001)}, FIELD + ".max_step"),
        (
            {
                "fidelity": fidelity(),
                "metrics": [
                    study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE),
                    study_pb2.MetricSpec(name="cost", goal=study_pb2.GOAL_MINIMIZE),
                ],
            },
            FIELD,
        ),
    ],
)
def test_what_a_fidelity_may_not_be(
    stub: StudyServiceStub, unique_id: str, options: dict, field: str
) -> None:
    error = refused(stub, unique_id, spec(**options))
    assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field)


def test_a_fidelity_and_prior_studies_are_refused_together(
    stub: StudyServiceStub, unique_id: str
) -> None:
    earlier = create(stub, unique_id + "-old", spec())
    error = refused(stub, unique_id, spec(prior(earlier.name), fidelity=fidelity()))
    assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, FIELD)


def test_at_each_rung_only_the_best_third_continues(stub: StudyServiceStub, unique_id: str) -> None:
    study = create(
        stub, unique_id, spec(fidelity=fidelity(9), algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH)
    )
    trials = suggest(stub, study.name, count=4).trials
    decisions = []
    for trial, loss in zip(trials, (0.2, 0.1, 0.9, 0.3), strict=True):
        measure(stub, trial.name, [loss])
        decisions.append(check(stub, trial.name).should_stop)
    # Each is ranked among those at step 1 so far: 0.2 alone; 0.1 best of two; 0.9 not
    # the best of three; 0.3 not the best of four.
    assert decisions == [False, False, True, True]
    # Until the next rung (step 3) a trial is judged where it last was: the best runs on,
    # and the first, no longer among the best third of the four at step 1, stops.
    measure(stub, trials[1].name, [0.1, 0.09])
    assert not check(stub, trials[1].name).should_stop
    measure(stub, trials[0].name, [0.2, 0.19])
    assert check(stub, trials[0].name).should_stop


def test_hyperband_brackets_let_every_other_trial_run_to_its_later_first_rung(
    stub: StudyServiceStub, unique_id: str
) -> None:
    halving = study_pb2.SuccessiveHalvingRule(min_step=1, reduction_factor=3, brackets=2)
    stopping = study_pb2.EarlyStoppingPolicy(successive_halving=halving)
    study = create(
        stub,
        unique_id,
        spec(
            fidelity=fidelity(9),
            early_stopping=stopping,
            algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
        ),
    )
    assert study.spec.early_stopping.successive_halving.brackets == 2
    trials = suggest(stub, study.name, count=6).trials
    assert [t.id for t in trials] == [1, 2, 3, 4, 5, 6]
    # Even ids (bracket 0) are judged from step 1, odd ones (bracket 1) from step 3,
    # each among its own bracket: the worse of two at step 1 stops only in bracket 0.
    for trial, loss in zip(trials[:4], (0.2, 0.1, 0.9, 0.8), strict=True):
        measure(stub, trial.name, [loss])
    decisions = [check(stub, t.name).should_stop for t in trials[:4]]
    assert decisions == [False, False, False, True]
    for trial, losses in zip(trials[:4:2], ([0.2, 0.2, 0.2], [0.9, 0.9, 0.9]), strict=True):
        measure(stub, trial.name, losses)
    assert [check(stub, t.name).should_stop for t in trials[:4:2]] == [False, True]


def test_the_model_learns_from_trials_stopped_at_low_steps(
    stub: StudyServiceStub, unique_id: str
) -> None:
    """Ten trials of which two ran to step 9: the step after is the fidelity GP's."""
    study = create(stub, unique_id, spec(fidelity=fidelity(9), initial_trials=10, seed=3))
    for index, trial in enumerate(suggest(stub, study.name, count=10).trials):
        last = 9 if index < 2 else 1 + 2 * (index % 2)  # steps 1 or 3 for the others
        measure(stub, trial.name, [bowl(trial, step) for step in range(1, last + 1)])
        stub.CompleteTrial(pb.CompleteTrialRequest(name=trial.name))
    [trial] = suggest(stub, study.name).trials
    assert trial.metadata["sibyl.algorithm"] == "GP_BANDIT"
    assert "sibyl.fallback_reason" not in trial.metadata
    x, y = trial.parameters["x"].double_value, trial.parameters["y"].double_value
    assert (x - 0.3) ** 2 + (y - 0.7) ** 2 < 0.1, "close to the optimum the low steps show"


def model_rule(**settings: float) -> study_pb2.EarlyStoppingPolicy:
    return study_pb2.EarlyStoppingPolicy(model=study_pb2.ModelStoppingRule(**settings))


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"early_stopping": model_rule()}, "study.spec.early_stopping.model"),
        (
            {"fidelity": fidelity(), "early_stopping": model_rule(min_probability=1.5)},
            "study.spec.early_stopping.model.min_probability",
        ),
        (
            {"fidelity": fidelity(), "early_stopping": model_rule(reduction_factor=1.5)},
            "study.spec.early_stopping.model.reduction_factor",
        ),
        (
            {"fidelity": fidelity(9), "early_stopping": model_rule(min_step=9)},
            "study.spec.early_stopping.model.min_step",
        ),
    ],
)
def test_what_the_model_rule_may_not_be(
    stub: StudyServiceStub, unique_id: str, options: dict, field: str
) -> None:
    error = refused(stub, unique_id, spec(**options))
    assert (error.code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field)


def test_the_model_rule_stops_at_rungs_what_cannot_end_best(
    stub: StudyServiceStub, unique_id: str
) -> None:
    """Five trials ran to step 9 on the bowl; a new trial far from its optimum stops at
    step 1 by the model, one between rungs is not judged."""
    study = create(
        stub,
        unique_id,
        spec(
            fidelity=fidelity(9),
            early_stopping=model_rule(),
            algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
            seed=5,
        ),
    )
    assert study.spec.early_stopping.model.min_probability == pytest.approx(0.1)
    for trial in suggest(stub, study.name, count=5).trials:
        measure(stub, trial.name, [bowl(trial, step) for step in range(1, 10)])
        stub.CompleteTrial(pb.CompleteTrialRequest(name=trial.name))
    [far, best] = suggest(stub, study.name, count=2).trials
    worst = max(bowl(far, 9), 0.5) + 3.0  # far worse than any trial at any step
    stub.AddTrialMeasurement(
        pb.AddTrialMeasurementRequest(
            name=far.name, measurement=trial_pb2.Measurement(metrics={"loss": worst}, step=1)
        )
    )
    stopped = check(stub, far.name)
    assert stopped.should_stop and stopped.reason.startswith("model: at step 1")
    assert stopped.trial.state == trial_pb2.TRIAL_STATE_STOPPING
    assert stopped.trial.metadata["sibyl.stop_step"] == "1"
    # Below every value seen at any step: it may well end best, and the model cannot
    # yet say by how much. It runs on, and at step 2, no rung, it is not judged.
    measure(stub, best.name, [-0.5])
    assert not check(stub, best.name).should_stop
    stub.AddTrialMeasurement(
        pb.AddTrialMeasurementRequest(
            name=best.name, measurement=trial_pb2.Measurement(metrics={"loss": 5.0}, step=2)
        )
    )
    assert not check(stub, best.name).should_stop, "step 2 is no rung"
