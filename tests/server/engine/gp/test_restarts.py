"""Restarts out of a stalled study (gp/restarts.py): when one begins and ends, what its
steps see, and where its state is kept."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import torch

from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec, PriorStudy
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp import designer
from sibyl_server.engine.gp.fit import LENGTHSCALE
from sibyl_server.engine.gp.model import saved_lengthscales, surrogate, warm_start
from sibyl_server.engine.gp.restarts import (
    EARLIEST_IN_DESIGNS,
    IGNORED_INPUT_RATIO,
    PATIENCE,
    Restart,
    ignores_an_input,
    next_restart,
    restarts_on,
    stalled,
)
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_FALLBACK_REASON,
    METADATA_RESTART,
    Observation,
    SuggestionRequest,
    SuggestionResult,
)
from tests.server.engine.gp.studies import FAST, LOSS, X, gp_spec, observe

SPEC = gp_spec((*X, ParameterSpec.double("z", 0.0, 1.0)), LOSS)  # the loss ignores z
DESIGN = SPEC.initial_trials()  # 6 for two parameters
IGNORES_Z = {"loss": {LENGTHSCALE: [[0.1, 8.0]]}}
"""A study fit whose lengthscale along z is 80 times its lengthscale along x."""
IGNORING_Z = saved_lengthscales(IGNORES_Z["loss"])
STALLED = max(DESIGN + PATIENCE, EARLIEST_IN_DESIGNS * DESIGN)
"""Finished trials of `stalled_study`: the first count that may restart."""


def at(x: float, z: float = 0.5) -> dict[str, float]:
    return {"x": x, "z": z}


def loss(x: float) -> dict[str, float]:
    return {"loss": (x - 0.3) ** 2}


def worse_trials(count: int, start: float = 0.9) -> list[Observation]:
    """`count` trials far from the optimum at x = 0.3, none better than the design's best."""
    return [Observation(at(start + 0.005 * i), loss(start + 0.005 * i)) for i in range(count)]


def stalled_study() -> list[Observation]:
    """A design whose best trial no later trial beats, `STALLED` trials in all."""
    return observe(SPEC, lambda p: loss(p["x"]), DESIGN) + worse_trials(STALLED - DESIGN)


def sobol_points(count: int) -> list[dict[str, Any]]:
    """The first `count` points of the study's Sobol sequence."""
    design = Engine(FAST).suggest(SuggestionRequest(SPEC, [], [], count, 7, {}))
    return [dict(p.parameters) for p in design.suggestions]


def stalled_study_with_a_failure() -> list[Observation]:
    """`stalled_study` with a failed trial at (0.5, 0.5) among its design."""
    completed = stalled_study()
    completed.insert(2, Observation(at(0.5), {}, infeasible=True))
    return completed


def step(
    completed: list[Observation],
    state: dict[str, Any],
    restarts: bool = True,
    pending: list[dict[str, Any]] | None = None,
    count: int = 1,
) -> SuggestionResult:
    options = dataclasses.replace(FAST, stall_restarts=restarts)
    request = SuggestionRequest(SPEC, completed, pending or [], count, 7, state)
    return Engine(options).suggest(request)


def test_a_best_value_that_stopped_improving_has_stalled() -> None:
    improving = [5.0 - 0.1 * i for i in range(DESIGN + PATIENCE)]
    flat = [1.0] * DESIGN + [2.0] * PATIENCE
    tiny_gains = [*([1.0] * DESIGN), *(1.0 - 1e-6 * i for i in range(PATIENCE)), 3.0]
    assert not stalled(improving, DESIGN)
    assert stalled(flat, DESIGN)
    assert stalled(tiny_gains, DESIGN)
    assert not stalled(flat[:-1], DESIGN)  # too few trials to tell


def test_failed_trials_count_as_trials_without_improvement() -> None:
    failed_tail = [1.0] * DESIGN + [None] * PATIENCE
    improved_after_failures = [None] * DESIGN + [2.0] + [None] * (PATIENCE - 2) + [1.0]
    first_values_late = [None] * DESIGN + [3.0, *([None] * (PATIENCE - 1))]
    assert stalled(failed_tail, DESIGN)
    assert stalled([None] * (DESIGN + PATIENCE), DESIGN)
    assert not stalled([None] * (DESIGN + PATIENCE - 1), DESIGN)
    assert not stalled(improved_after_failures, DESIGN)
    assert not stalled(first_values_late, DESIGN)


def test_a_restart_whose_trials_all_fail_ends() -> None:
    completed = stalled_study()
    begun = Restart(start=len(completed), count=1)
    failures = [Observation(at(0.1 + 0.01 * i), {}, infeasible=True) for i in range(30)]
    request = SuggestionRequest(SPEC, completed, [], 1, 7)
    going = dataclasses.replace(request, completed=completed + failures[: DESIGN + PATIENCE - 1])
    assert next_restart(going, begun, IGNORING_Z) == begun
    done = dataclasses.replace(request, completed=completed + failures[: DESIGN + PATIENCE])
    assert next_restart(done, begun, IGNORING_Z) == Restart(start=None, count=1)


def test_a_stalled_study_restarts_and_the_restart_ends_when_it_stalls() -> None:
    completed = stalled_study()
    request = SuggestionRequest(SPEC, completed, [], 1, 7)
    gp_steps = Restart(suggested=PATIENCE)
    fewer = dataclasses.replace(request, completed=completed[:-1])
    assert next_restart(fewer, gp_steps, IGNORING_Z) == gp_steps
    begun = next_restart(request, gp_steps, IGNORING_Z)
    assert begun == Restart(start=len(completed), count=1)

    # The restart's own trials: a design and PATIENCE trials without improvement.
    own = observe(SPEC, lambda p: loss(p["x"]), DESIGN, seed=3) + worse_trials(PATIENCE - 1)
    going = dataclasses.replace(request, completed=completed + own)
    assert next_restart(going, begun, IGNORING_Z) == begun
    done = dataclasses.replace(request, completed=[*completed, *own, *worse_trials(1, 0.95)])
    ended = next_restart(done, begun, IGNORING_Z)
    assert ended == Restart(start=None, count=1)

    # Back on every trial, the study stalls again only after PATIENCE more GP points.
    later = dataclasses.replace(request, completed=[*done.completed, *worse_trials(PATIENCE)])
    unready = ended.counted(PATIENCE - 1)
    assert next_restart(later, unready, IGNORING_Z) == unready
    again = next_restart(later, ended.counted(PATIENCE), IGNORING_Z)
    assert again == Restart(start=len(later.completed), count=2)


def test_a_study_restarts_only_once_it_has_run_some_designs_of_trials() -> None:
    completed = stalled_study()
    early = completed[:-1]
    assert len(early) < EARLIEST_IN_DESIGNS * DESIGN <= len(completed)
    assert stalled([o.metrics["loss"] for o in early], DESIGN)
    gp_steps = Restart(suggested=PATIENCE)
    request = SuggestionRequest(SPEC, early, [], 1, 7)
    assert next_restart(request, gp_steps, IGNORING_Z) == gp_steps
    later = dataclasses.replace(request, completed=completed)
    assert next_restart(later, gp_steps, IGNORING_Z).running


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
    first_stalled = next(n for n in range(len(values) + 1) if stalled(values[:n], DESIGN))
    # The first step that could restart did: stalled, and past the earliest trial count.
    assert restarted_at == max(first_stalled, EARLIEST_IN_DESIGNS * DESIGN)
    assert state["gp"]["restart"]["start"] == restarted_at
    assert ignores_an_input(saved_lengthscales(state["gp"]["hyperparameters"]["loss"]))


def test_only_a_gp_that_ignores_an_input_restarts() -> None:
    assert ignores_an_input([0.5, 0.5 * IGNORED_INPUT_RATIO, 0.4, 0.6])
    assert not ignores_an_input([0.5, 0.49 * IGNORED_INPUT_RATIO, 0.4, 0.6])
    assert ignores_an_input([0.1, 0.1 * IGNORED_INPUT_RATIO])
    assert not ignores_an_input([10.0])  # one input: none to compare it with
    assert not ignores_an_input(None)  # no fit saved yet
    request = SuggestionRequest(SPEC, stalled_study(), [], 1, 7)
    gp_steps = Restart(suggested=PATIENCE)
    assert next_restart(request, gp_steps, IGNORING_Z).running
    assert next_restart(request, gp_steps, [0.8, 1.2]) == gp_steps
    assert next_restart(request, gp_steps, None) == gp_steps
    sees_both = {"loss": {LENGTHSCALE: [[0.5, 0.6]]}}
    state = {"gp": {"hyperparameters": sees_both, "restart": gp_steps.stored()}}
    result = step(stalled_study(), state)
    assert METADATA_RESTART not in result.suggestions[0].metadata
    assert not Restart.read(result.state["gp"]["restart"]).running


def test_a_saved_fit_reads_back_as_the_models_lengthscales() -> None:
    completed = stalled_study()
    result = step(completed, {}, restarts=False)
    saved = result.state["gp"]["hyperparameters"]["loss"]
    model = surrogate(torch.rand(4, 2, dtype=torch.float64), torch.rand(4, 1).double(), [])
    warm_start(model, saved)
    expected = model.covar_module.lengthscale.flatten().tolist()
    assert saved_lengthscales(saved) == pytest.approx(expected, rel=1e-12)
    assert saved_lengthscales({}) is None


def test_a_maximized_objective_stalls_on_its_largest_value() -> None:
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE),))
    rising = [Observation(at(0.01 * i), {"score": float(i)}) for i in range(STALLED)]
    request = SuggestionRequest(spec, rising, [], 1, 7)
    gp_steps = Restart(suggested=PATIENCE)
    assert not next_restart(request, gp_steps, IGNORING_Z).running
    falling = [Observation(o.parameters, {"score": -o.metrics["score"]}) for o in rising]
    flat_tail = dataclasses.replace(request, completed=falling)
    assert next_restart(flat_tail, gp_steps, IGNORING_Z).running


def test_the_restart_runs_its_own_design_then_its_own_gp() -> None:
    sequence = sobol_points(2 * DESIGN)
    design = [Observation(p, loss(p["x"])) for p in sequence[:DESIGN]]
    completed = design + worse_trials(STALLED - DESIGN)
    study_fit = IGNORES_Z
    state: dict[str, Any] = {
        "quasi_random": {"position": DESIGN},
        "gp": {"hyperparameters": study_fit, "restart": Restart(suggested=PATIENCE).stored()},
    }
    own: list[Observation] = []
    for position in range(DESIGN, 2 * DESIGN):
        result = step(completed + own, state)
        (point,) = result.suggestions
        state = result.state
        # The restart's design continues the study's Sobol sequence.
        assert dict(point.parameters) == sequence[position]
        assert point.metadata == {METADATA_ALGORITHM: "QUASI_RANDOM_SEARCH", METADATA_RESTART: "1"}
        own.append(Observation(point.parameters, loss(float(point.parameters["x"]))))
    assert state["gp"]["restart"]["start"] == len(completed)

    model_based = step(completed + own, state)
    (point,) = model_based.suggestions
    assert point.metadata == {METADATA_ALGORITHM: "GP_BANDIT", METADATA_RESTART: "1"}
    stored = model_based.state["gp"]
    assert "loss" in stored["restart"]["hyperparameters"]
    assert stored["hyperparameters"] == study_fit  # the study's own fit is kept apart


def test_trials_pending_when_the_restart_began_stay_out_of_it() -> None:
    completed = stalled_study()
    running = [at(0.71), at(0.72)]
    request = SuggestionRequest(SPEC, completed, running, 1, 7)
    begun = next_restart(request, Restart(suggested=PATIENCE), IGNORING_Z)
    assert begun.start == len(completed) and begun.pending == tuple(running)
    assert Restart.read(begun.stored()) == begun
    own = observe(SPEC, lambda p: loss(p["x"]), 2, seed=3)
    # The first pending trial finishes after the restart's first two: listed by trial
    # number, it comes before them.
    late = Observation(running[0], loss(0.71))
    later = dataclasses.replace(request, completed=[*completed, late, *own], pending=running[1:])
    assert list(begun.trials_of(later).completed) == own


def test_after_the_restart_the_gp_fits_every_trial_again() -> None:
    completed = stalled_study()
    restart_fit = {"loss": {LENGTHSCALE: [[0.05, 0.05]]}}
    begun = Restart(start=len(completed), count=1, hyperparameters=restart_fit)
    own = observe(SPEC, lambda p: loss(p["x"]), DESIGN, seed=3) + worse_trials(PATIENCE, 0.95)
    state = {"gp": {"restart": begun.stored()}}
    result = step(completed + own, state)
    (point,) = result.suggestions
    assert point.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert result.state["gp"]["restart"] == {"start": None, "count": 1, "suggested": 0}
    study_fit = result.state["gp"]["hyperparameters"]["loss"]
    assert study_fit[LENGTHSCALE] != [[0.05, 0.05]]  # fitted, not carried over


def test_a_restart_left_running_ends_on_a_server_without_restarts() -> None:
    completed = stalled_study()
    restart_fit = {"loss": {LENGTHSCALE: [[0.05, 0.05]]}}
    running = Restart(start=len(completed) - 2, count=1, hyperparameters=restart_fit)
    result = step(completed, {"gp": {"restart": running.stored()}}, restarts=False)
    assert result.suggestions[0].metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert result.state["gp"]["restart"] == {"start": None, "count": 1, "suggested": 0}
    assert "loss" in result.state["gp"]["hyperparameters"]


def test_without_restarts_a_stalled_study_keeps_refining() -> None:
    state = {"gp": {"hyperparameters": IGNORES_Z, "restart": Restart(suggested=PATIENCE).stored()}}
    result = step(stalled_study(), state, restarts=False)
    assert METADATA_RESTART not in result.suggestions[0].metadata
    assert result.state["gp"]["restart"] == state["gp"]["restart"]


def test_only_plain_single_objective_studies_restart() -> None:
    request = SuggestionRequest(SPEC, stalled_study(), [], 1, 7)
    assert restarts_on(request, server_default=True)
    two = (*LOSS, MetricSpec("time", Goal.MINIMIZE))
    constrained = (*LOSS, dataclasses.replace(LOSS[0], name="mem", goal=None))
    priors = (PriorStudy("teams/t/studies/old"),)
    for spec in (
        dataclasses.replace(SPEC, metrics=two),
        dataclasses.replace(SPEC, metrics=constrained),
        dataclasses.replace(SPEC, prior_studies=priors),
    ):
        assert not restarts_on(dataclasses.replace(request, spec=spec), server_default=True)


@pytest.mark.parametrize(
    ("spec_says", "server_default", "restarts"),
    [(None, False, False), (None, True, True), (True, False, True), (False, True, False)],
)
def test_a_spec_that_says_whether_it_restarts_overrides_the_servers_default(
    spec_says: bool | None, server_default: bool, restarts: bool
) -> None:
    spec = dataclasses.replace(SPEC, stall_restarts=spec_says)
    options = dataclasses.replace(FAST, stall_restarts=server_default)
    state = {"gp": {"hyperparameters": IGNORES_Z, "restart": Restart(suggested=PATIENCE).stored()}}
    request = SuggestionRequest(spec, stalled_study(), [], 1, 7, state)
    result = Engine(options).suggest(request)
    assert (METADATA_RESTART in result.suggestions[0].metadata) is restarts
    assert Restart.read(result.state["gp"]["restart"]).running is restarts


def test_a_stored_restart_reads_back_as_written() -> None:
    restart = Restart(start=40, count=2, suggested=25, hyperparameters={"loss": {"a": [1.0]}})
    assert Restart.read(restart.stored()) == restart
    assert Restart.read(None) == Restart()


class RepeatsAFailedTrial:
    """A strategy whose candidate is the study's failed trial (0.5, 0.5), as a discrete
    space's optimum can round to one."""

    def candidates(self, context: object) -> torch.Tensor:
        return torch.tensor([[0.5, 0.5]], dtype=torch.float64)


def test_a_restart_never_repeats_a_trial_that_failed_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed = stalled_study_with_a_failure()
    own = observe(SPEC, lambda p: loss(p["x"]), DESIGN, seed=3)
    state = {"gp": {"restart": Restart(start=len(completed), count=1).stored()}}
    monkeypatch.setattr(designer, "choose_strategy", lambda *_: RepeatsAFailedTrial())
    (point,) = step(completed + own, state).suggestions
    assert dict(point.parameters) != at(0.5)
    assert point.metadata[METADATA_FALLBACK_REASON] == "GP candidate repeated a trial"
    assert point.metadata[METADATA_RESTART] == "1"


def test_a_pending_rerun_of_a_finished_trial_leaves_the_restart_its_own_trials() -> None:
    completed = stalled_study()
    rerun = dict(completed[1].parameters)  # a finished configuration, run again
    request = SuggestionRequest(SPEC, completed, [rerun, rerun], 1, 7)
    begun = next_restart(request, Restart(suggested=PATIENCE), IGNORING_Z)
    own = observe(SPEC, lambda p: loss(p["x"]), 2, seed=3)
    running = dataclasses.replace(request, completed=[*completed, *own])
    assert list(begun.trials_of(running).completed) == own
    assert list(begun.trials_of(running).pending) == []  # neither is the restart's
    mine = at(0.33)  # a trial of the restart's own, pending
    with_mine = dataclasses.replace(running, pending=[rerun, mine, rerun])
    assert list(begun.trials_of(with_mine).pending) == [mine]
    # One of the two identical pending trials finishes: one place on, not two.
    late = Observation(rerun, loss(rerun["x"]))
    later = dataclasses.replace(running, completed=[*completed, late, *own], pending=[rerun])
    assert list(begun.trials_of(later).completed) == own


def test_trials_pending_before_the_restart_do_not_shorten_its_design() -> None:
    sequence = sobol_points(DESIGN + 2)
    completed = [Observation(p, loss(p["x"])) for p in sequence[:DESIGN]] + worse_trials(
        STALLED - DESIGN
    )
    running = [at(0.71), at(0.72)]
    state: dict[str, Any] = {
        "quasi_random": {"position": DESIGN},
        "gp": {"hyperparameters": IGNORES_Z, "restart": Restart(suggested=PATIENCE).stored()},
    }
    own: list[Observation] = []
    for _ in range(DESIGN // 2 + 1):  # past half the design with both still pending
        result = step(completed + own, state, pending=running)
        (point,) = result.suggestions
        state = result.state
        assert point.metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"
        own.append(Observation(point.parameters, loss(float(point.parameters["x"]))))
    assert state["gp"]["restart"]["start"] == len(completed)


def test_only_the_points_the_gp_made_count_toward_a_restart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed = stalled_study_with_a_failure()
    # A candidate repeating a failed trial is replaced by a Sobol point: not counted.
    monkeypatch.setattr(designer, "choose_strategy", lambda *_: RepeatsAFailedTrial())
    replaced = step(completed, {})
    assert replaced.suggestions[0].metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"
    assert suggested(replaced) == 0

    def fails(*_: object) -> None:
        raise RuntimeError("no model today")

    # A step that falls back to quasi-random points: not counted either.
    monkeypatch.setattr(designer, "choose_strategy", fails)
    fallback = step(completed, {})
    assert "no model today" in fallback.suggestions[0].metadata[METADATA_FALLBACK_REASON]
    assert suggested(fallback) == 0
    monkeypatch.undo()
    assert suggested(step(completed, {})) == 1  # a point the GP made


def suggested(result: SuggestionResult) -> int:
    """The GP points the result's state has counted toward the next restart."""
    return Restart.read(result.state.get("gp", {}).get("restart")).suggested


class OneNewOneRepeat:
    """A strategy whose two candidates are a new point and the failed trial (0.5, 0.5)."""

    def candidates(self, context: object) -> torch.Tensor:
        return torch.tensor([[0.41, 0.5], [0.5, 0.5]], dtype=torch.float64)


def test_a_batch_counts_its_gp_points_and_not_their_stand_ins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed = stalled_study_with_a_failure()
    monkeypatch.setattr(designer, "choose_strategy", lambda *_: OneNewOneRepeat())
    result = step(completed, {}, count=2)
    algorithms = [s.metadata[METADATA_ALGORITHM] for s in result.suggestions]
    assert algorithms == ["GP_BANDIT", "QUASI_RANDOM_SEARCH"]
    assert suggested(result) == 1
