"""Restarts out of a stalled study (gp/restarts.py): when one begins and ends, what its
steps see, and where its state is kept."""

from __future__ import annotations

import dataclasses
from typing import Any

from sibyl_server.domain.study import Goal, MetricSpec, PriorStudy
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.restarts import (
    PATIENCE,
    Restart,
    next_restart,
    restarts_apply,
    stalled,
)
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_RESTART,
    Observation,
    SuggestionRequest,
    SuggestionResult,
)
from tests.server.engine.gp.studies import FAST, LOSS, X, gp_spec, observe

SPEC = gp_spec(X, LOSS)
DESIGN = SPEC.initial_trials()  # 4 for one parameter


def loss(x: float) -> dict[str, float]:
    return {"loss": (x - 0.3) ** 2}


def worse_trials(count: int, start: float = 0.9) -> list[Observation]:
    """`count` trials far from the optimum at 0.3, none better than the design's best."""
    return [Observation({"x": start + 0.005 * i}, loss(start + 0.005 * i)) for i in range(count)]


def stalled_study() -> list[Observation]:
    """A design whose best trial no later trial beats, PATIENCE trials on."""
    return observe(SPEC, lambda p: loss(p["x"]), DESIGN) + worse_trials(PATIENCE)


def step(
    completed: list[Observation], state: dict[str, Any], restarts: bool = True
) -> SuggestionResult:
    options = dataclasses.replace(FAST, stall_restarts=restarts)
    request = SuggestionRequest(SPEC, completed, [], 1, 7, state)
    return Engine(options).suggest(request)


def test_a_best_value_that_stopped_improving_has_stalled() -> None:
    improving = [5.0 - 0.1 * i for i in range(DESIGN + PATIENCE)]
    flat = [1.0] * DESIGN + [2.0] * PATIENCE
    tiny_gains = [*([1.0] * DESIGN), *(1.0 - 1e-6 * i for i in range(PATIENCE)), 3.0]
    assert not stalled(improving, DESIGN)
    assert stalled(flat, DESIGN)
    assert stalled(tiny_gains, DESIGN)
    assert not stalled(flat[:-1], DESIGN)  # too few trials to tell


def test_a_stalled_study_restarts_and_the_restart_ends_when_it_stalls() -> None:
    completed = stalled_study()
    request = SuggestionRequest(SPEC, completed, [], 1, 7)
    gp_steps = Restart(suggested=PATIENCE)
    assert next_restart(dataclasses.replace(request, completed=completed[:-1]), gp_steps) == (
        gp_steps
    )
    begun = next_restart(request, gp_steps)
    assert begun == Restart(start=len(completed), count=1)

    # The restart's own trials: a design and PATIENCE trials without improvement.
    own = observe(SPEC, lambda p: loss(p["x"]), DESIGN, seed=3) + worse_trials(PATIENCE - 1)
    going = dataclasses.replace(request, completed=completed + own)
    assert next_restart(going, begun) == begun
    done = dataclasses.replace(request, completed=[*completed, *own, *worse_trials(1, 0.95)])
    ended = next_restart(done, begun)
    assert ended == Restart(start=None, count=1)

    # Back on every trial, the study stalls again only after PATIENCE more GP points.
    later = dataclasses.replace(request, completed=[*done.completed, *worse_trials(PATIENCE)])
    assert next_restart(later, ended.counted(PATIENCE - 1)) == ended.counted(PATIENCE - 1)
    again = next_restart(later, ended.counted(PATIENCE))
    assert again == Restart(start=len(later.completed), count=2)


def test_trials_added_by_hand_never_start_a_restart_on_their_own() -> None:
    result = step(stalled_study(), {})
    assert result.suggestions[0].metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert result.state["gp"]["restart"] == {"start": None, "count": 0, "suggested": 1}


def test_a_study_run_by_its_own_gp_restarts_once_its_best_stops_improving() -> None:
    completed: list[Observation] = []
    state: dict[str, Any] = {}
    restarted_at = None
    while restarted_at is None and len(completed) < 40:
        result = step(completed, state)
        (point,) = result.suggestions
        state = result.state
        if METADATA_RESTART in point.metadata:
            restarted_at = len(completed)
        completed.append(Observation(point.parameters, loss(float(point.parameters["x"]))))
    assert restarted_at is not None, "the GP refining 0.3 never stalled"
    values = [o.metrics["loss"] for o in completed[:restarted_at]]
    assert stalled(values, DESIGN)
    assert not stalled(values[:-1], DESIGN)  # the first step that could restart did
    assert state["gp"]["restart"]["start"] == restarted_at


def test_a_maximized_objective_stalls_on_its_largest_value() -> None:
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE),))
    rising = [Observation({"x": 0.01 * i}, {"score": float(i)}) for i in range(DESIGN + PATIENCE)]
    request = SuggestionRequest(spec, rising, [], 1, 7)
    gp_steps = Restart(suggested=PATIENCE)
    assert not next_restart(request, gp_steps).running
    falling = [Observation(o.parameters, {"score": -o.metrics["score"]}) for o in rising]
    assert next_restart(dataclasses.replace(request, completed=falling), gp_steps).running


def test_the_restart_runs_its_own_design_then_its_own_gp() -> None:
    completed = stalled_study()
    study_fit = {"loss": {"covar_module.raw_lengthscale": [[0.5]]}}
    gp_steps = Restart(suggested=PATIENCE).stored()
    first = step(completed, {"gp": {"hyperparameters": study_fit, "restart": gp_steps}})
    (point,) = first.suggestions
    assert point.metadata[METADATA_RESTART] == "1"
    assert point.metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"
    assert first.state["gp"]["restart"]["start"] == len(completed)

    state = first.state
    own: list[Observation] = []
    for _ in range(DESIGN - 1):
        own.append(Observation(point.parameters, loss(float(point.parameters["x"]))))
        result = step(completed + own, state)
        (point,) = result.suggestions
        state = result.state
        assert point.metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"
    own.append(Observation(point.parameters, loss(float(point.parameters["x"]))))
    # Sobol points continue the study's sequence: none repeats a trial of the study.
    assert not {o.parameters["x"] for o in own} & {o.parameters["x"] for o in completed}

    model_based = step(completed + own, state)
    (point,) = model_based.suggestions
    assert point.metadata == {METADATA_ALGORITHM: "GP_BANDIT", METADATA_RESTART: "1"}
    stored = model_based.state["gp"]
    assert "loss" in stored["restart"]["hyperparameters"]
    assert stored["hyperparameters"] == study_fit  # the study's own fit is kept apart


def test_after_the_restart_the_gp_fits_every_trial_again() -> None:
    completed = stalled_study()
    begun = Restart(start=len(completed), count=1)
    own = observe(SPEC, lambda p: loss(p["x"]), DESIGN, seed=3) + worse_trials(PATIENCE, 0.95)
    state = {"gp": {"restart": begun.stored()}}
    result = step(completed + own, state)
    (point,) = result.suggestions
    assert point.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert result.state["gp"]["restart"] == {"start": None, "count": 1, "suggested": 0}
    assert "loss" in result.state["gp"]["hyperparameters"]


def test_without_restarts_a_stalled_study_keeps_refining() -> None:
    state = {"gp": {"restart": Restart(suggested=PATIENCE).stored()}}
    result = step(stalled_study(), state, restarts=False)
    assert METADATA_RESTART not in result.suggestions[0].metadata
    assert result.state["gp"]["restart"] == state["gp"]["restart"]


def test_only_plain_single_objective_studies_restart() -> None:
    request = SuggestionRequest(SPEC, stalled_study(), [], 1, 7)
    assert restarts_apply(request)
    two = (*LOSS, MetricSpec("time", Goal.MINIMIZE))
    constrained = (*LOSS, dataclasses.replace(LOSS[0], name="mem", goal=None))
    priors = (PriorStudy("teams/t/studies/old"),)
    for spec in (
        dataclasses.replace(SPEC, metrics=two),
        dataclasses.replace(SPEC, metrics=constrained),
        dataclasses.replace(SPEC, prior_studies=priors),
    ):
        assert not restarts_apply(dataclasses.replace(request, spec=spec))


def test_a_stored_restart_reads_back_as_written() -> None:
    restart = Restart(start=40, count=2, suggested=25, hyperparameters={"loss": {"a": [1.0]}})
    assert Restart.read(restart.stored()) == restart
    assert Restart.read(None) == Restart()
