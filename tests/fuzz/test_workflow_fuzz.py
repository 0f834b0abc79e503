"""Sequences of calls whose later steps depend on what earlier ones stored: a study
that CreateStudy accepts can suggest, and early-stopping checks answer on any curves.

Authentication changes nothing here, so only the worlds without it run.
"""

from __future__ import annotations

import uuid

import grpc
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as ss
from tests.fuzz.conftest import RecordedLog
from tests.fuzz.harness import METHOD, check_healthy, describe, exercise, strategies_for
from tests.fuzz.messages import integers
from tests.fuzz.oracle import tracebacks
from tests.fuzz.profiles import FUZZ
from tests.fuzz.requests import WORKER, near_valid_request
from tests.fuzz.world import World

pytestmark = pytest.mark.parametrize("world", ["auth-off"], indirect=True)
CREATE_STUDY = METHOD["CreateStudy"]
SUGGEST_TRIALS = METHOD["SuggestTrials"]
MAX_INT64 = 2**63 - 1


@FUZZ
@given(data=st.data())
def test_every_study_created_can_suggest(
    world: World, server_log: RecordedLog, data: st.DataObject
) -> None:
    """A spec that CreateStudy accepts is one the algorithms can work with."""
    logged = len(server_log.records)
    target = world.target()
    request = data.draw(near_valid_request(CREATE_STUDY, target, strategies_for(target)))
    note(describe(CREATE_STUDY, request, "admin"))
    reply, failure = exercise(world, CREATE_STUDY, request.SerializeToString(), "admin")
    if failure is not None:
        return
    assert reply.body is not None
    study = ss.CreateStudyResponse.FromString(reply.body).study
    suggest = ss.SuggestTrialsRequest(parent=study.name, count=2, client_id=WORKER)
    _, failure = exercise(world, SUGGEST_TRIALS, suggest.SerializeToString(), "admin")
    assert failure is None, f"the study {study.name} cannot suggest: {failure}"
    assert not tracebacks(server_log.records[logged:])


@st.composite
def stopping_policies(draw: st.DrawFn) -> study_pb2.EarlyStoppingPolicy:
    """Early-stopping rules with small and extreme steps, trial counts and factors."""
    steps = st.one_of(st.integers(0, 20), integers(0, MAX_INT64))
    policy = study_pb2.EarlyStoppingPolicy()
    rule = draw(st.sampled_from(("median", "successive_halving", "learning_curve")))
    if rule == "median":
        policy.median.min_step = draw(steps)
        policy.median.min_trials = draw(st.integers(0, 4))
    elif rule == "successive_halving":
        policy.successive_halving.min_step = draw(steps)
        factors = st.one_of(st.sampled_from((0.0, 2.0, 3.0, 1e308)), st.floats(2, 1e6))
        policy.successive_halving.reduction_factor = draw(factors)
    else:
        policy.learning_curve.final_step = draw(steps)
        policy.learning_curve.min_step = draw(steps)
        policy.learning_curve.min_trials = draw(st.integers(0, 4))
    return policy


@st.composite
def learning_curves(draw: st.DrawFn) -> list[tuple[int, float]]:
    """(step, value) pairs by increasing step: small, huge and extreme steps and values."""
    steps = draw(
        st.lists(
            st.one_of(st.integers(0, 30), integers(0, MAX_INT64)),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    values = st.one_of(
        st.sampled_from((0.0, 1.0, -1.0, 1e308, -1e308, 5e-324)),
        st.floats(allow_nan=False, allow_infinity=False),
    )
    return [(step, draw(values)) for step in sorted(steps)]


def _stopping_study(policy: study_pb2.EarlyStoppingPolicy, goal: int) -> ss.CreateStudyRequest:
    spec = study_pb2.StudySpec(
        parameters=[
            study_pb2.ParameterSpec(
                name="x",
                double_range=study_pb2.DoubleRange(
                    min_value=0, max_value=1, scale_type=study_pb2.SCALE_TYPE_LINEAR
                ),
            )
        ],
        metrics=[study_pb2.MetricSpec(name="y", goal=goal)],
        algorithm=study_pb2.ALGORITHM_RANDOM_SEARCH,
        early_stopping=policy,
    )
    study_id = "es-" + uuid.uuid4().hex[:12]
    return ss.CreateStudyRequest(study_id=study_id, study=study_pb2.Study(spec=spec))


@FUZZ
@given(data=st.data())
def test_early_stopping_on_generated_curves(
    world: World, server_log: RecordedLog, data: st.DataObject
) -> None:
    """Whatever rule a study has and whatever its trials measured, a stopping check
    answers (authentication changes nothing here: one world of each store runs it)."""
    logged = len(server_log.records)
    policy = data.draw(stopping_policies(), label="policy")
    goal = data.draw(st.sampled_from((study_pb2.GOAL_MINIMIZE, study_pb2.GOAL_MAXIMIZE)))
    curves = data.draw(st.lists(learning_curves(), min_size=2, max_size=4), label="curves")
    finished = data.draw(st.integers(0, len(curves) - 1), label="completed trials")
    create = _stopping_study(policy, goal)
    create.parent = f"teams/{world.team_id}"
    reply, failure = exercise(world, CREATE_STUDY, create.SerializeToString(), "admin")
    if failure is not None:
        return
    assert reply.body is not None
    study = ss.CreateStudyResponse.FromString(reply.body).study.name
    suggest = ss.SuggestTrialsRequest(parent=study, count=len(curves), client_id=WORKER)
    reply, _ = exercise(world, SUGGEST_TRIALS, suggest.SerializeToString(), "admin")
    assert reply.body is not None
    trials = [t.name for t in ss.SuggestTrialsResponse.FromString(reply.body).trials]
    for name, curve in zip(trials, curves, strict=True):
        _measure(world, name, curve)
    for name in trials[:finished]:
        request = ss.CompleteTrialRequest(name=name)
        exercise(world, METHOD["CompleteTrial"], request.SerializeToString(), "admin")
    for name in trials[finished:]:
        request = ss.CheckTrialEarlyStoppingRequest(name=name, client_id=WORKER)
        exercise(world, METHOD["CheckTrialEarlyStopping"], request.SerializeToString(), "admin")
    assert not tracebacks(server_log.records[logged:])


def _measure(world: World, trial: str, curve: list[tuple[int, float]]) -> list[int]:
    """Reports the curve's measurements; returns the steps the server recorded (some
    may be refused: generated curves repeat steps)."""
    steps = []
    for step, value in curve:
        measurement = trial_pb2.Measurement(metrics={"y": value}, step=step)
        request = ss.AddTrialMeasurementRequest(name=trial, measurement=measurement)
        _, failure = exercise(
            world, METHOD["AddTrialMeasurement"], request.SerializeToString(), "admin"
        )
        steps += [step] if failure is None else []
    return steps


def test_a_trial_first_measured_past_its_highest_rung_continues(
    world: World, server_log: RecordedLog
) -> None:
    """Found by this suite: such a check once answered INTERNAL."""
    policy = study_pb2.EarlyStoppingPolicy(
        successive_halving=study_pb2.SuccessiveHalvingRule(min_step=1, reduction_factor=2)
    )
    create = _stopping_study(policy, study_pb2.GOAL_MAXIMIZE)
    create.parent = f"teams/{world.team_id}"
    study = world.invoke("CreateStudy", create).study.name
    suggest = ss.SuggestTrialsRequest(parent=study, count=2, client_id=WORKER)
    early, late = (t.name for t in world.invoke("SuggestTrials", suggest).trials)
    # Rungs 1, 2, 4: `late` is first measured at step 5, past all of them.
    for name, steps in ((early, (1, 2, 3, 4, 5)), (late, (5,))):
        for step in steps:
            measurement = trial_pb2.Measurement(metrics={"y": float(step)}, step=step)
            request = ss.AddTrialMeasurementRequest(name=name, measurement=measurement)
            world.invoke("AddTrialMeasurement", request)
    logged = len(server_log.records)
    check = ss.CheckTrialEarlyStoppingRequest(name=late).SerializeToString()
    reply = world.call(METHOD["CheckTrialEarlyStopping"], check)
    assert reply.code == grpc.StatusCode.OK, reply.details
    assert not ss.CheckTrialEarlyStoppingResponse.FromString(reply.body or b"").should_stop
    assert not tracebacks(server_log.records[logged:])


def test_the_server_is_healthy_afterwards(world: World, server_log: RecordedLog) -> None:
    check_healthy(world, server_log)
