"""The fidelity GP: a model of (configuration, step) seen at max_step."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from sibyl_server.domain.study import (
    EarlyStoppingRule,
    Fidelity,
    MetricSpec,
    OutcomeConstraint,
    ParameterSpec,
    StudySpec,
    stopping_policy,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.data import step_data
from sibyl_server.engine.gp.designer import _with_fidelity
from sibyl_server.engine.gp.fidelity import AtStep, bounded, final_prospect, step_position
from sibyl_server.engine.gp.model import fit_models, surrogate
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    FidelityPoint,
    Observation,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions
from tests.server.engine.gp.studies import FAST, LOSS, gp_spec, observe

XY = (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.double("y", 0.0, 1.0))
MAX_STEP = 9


def loss(parameters: dict, step: int) -> float:
    """A bowl at (0.3, 0.7), plus 2.0 at step 1 fading to 0 at MAX_STEP: early values
    rank configurations as the final ones do, but sit far above them."""
    bowl = (parameters["x"] - 0.3) ** 2 + (parameters["y"] - 0.7) ** 2
    return bowl + 2.0 * (1 - step_position(step, MAX_STEP))


def study_data() -> tuple[list[Observation], list[FidelityPoint]]:
    """Two trials far from the optimum ran to MAX_STEP; ten spread ones stopped at 1 or 3."""
    completed, points = [], []
    far = [{"x": 0.9, "y": 0.1}, {"x": 0.8, "y": 0.2}]
    spread = [dict(o.parameters) for o in observe(gp_spec(XY, LOSS), lambda p: {"loss": 0}, 10)]
    for index, parameters in enumerate(far + spread):
        last = MAX_STEP if index < 2 else 1 + 2 * (index % 2)
        points += [
            FidelityPoint(parameters, s, loss(parameters, s)) for s in (1, 3, 9) if s <= last
        ]
        completed.append(Observation(parameters, {"loss": loss(parameters, last)}))
    return completed, points


def step(spec: StudySpec, completed: list[Observation], points: list[FidelityPoint]):
    request = SuggestionRequest(spec, completed, [], 1, 7, {}, (), points)
    return Engine(FAST).suggest(request)


def distance_to_optimum(result: SuggestionResult) -> float:
    parameters = result.suggestions[0].parameters
    return math.hypot(parameters["x"] - 0.3, parameters["y"] - 0.7)


def test_positions_are_on_a_log_scale_from_step_1_to_max_step() -> None:
    assert [step_position(s, 27) for s in (0, 1, 3, 9, 27, 30)] == pytest.approx(
        [0.0, 0.0, 1 / 3, 2 / 3, 1.0, 1.0]
    )


def test_model_steps_are_the_rungs_and_max_step() -> None:
    asha = stopping_policy(EarlyStoppingRule.SUCCESSIVE_HALVING, min_step=1)
    assert Fidelity(27).model_steps(asha) == (1, 3, 9, 27)
    assert Fidelity(10).model_steps(dataclasses.replace(asha, min_step=2, reduction_factor=2)) == (
        2,
        4,
        8,
        10,
    )
    median = stopping_policy(EarlyStoppingRule.MEDIAN)  # min_step 0: from step 1
    assert Fidelity(5).model_steps(median) == (1, 3, 5)


def test_a_fidelity_study_stops_by_asha_unless_it_names_a_rule() -> None:
    spec = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    assert spec.stopping is not None and spec.stopping.rule is EarlyStoppingRule.SUCCESSIVE_HALVING
    median = stopping_policy(EarlyStoppingRule.MEDIAN)
    assert dataclasses.replace(spec, early_stopping=median).stopping == median
    assert gp_spec(XY, LOSS).stopping is None


def test_at_step_is_the_gp_with_the_position_appended() -> None:
    torch.manual_seed(0)
    x = torch.rand(8, 3, dtype=torch.float64)
    model = surrogate(x, x.sum(dim=-1, keepdim=True), [])
    at_end = AtStep(model, 1.0)
    points = torch.rand(5, 2, dtype=torch.float64)
    appended = torch.cat([points, torch.ones(5, 1, dtype=torch.float64)], dim=-1)
    assert torch.allclose(at_end.posterior(points).mean, model.posterior(appended).mean)
    assert at_end.num_outputs == 1


def test_the_model_sees_past_the_early_steps_offset() -> None:
    """Early values sit 2.0 above the final ones: a model of the trials' last values
    alone trusts the two far trials that ran to the end; the fidelity GP learns the
    offset from their curves and goes to the optimum the early values point at."""
    completed, points = study_data()
    fidelity = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    result = step(fidelity, completed, points)
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert "sibyl.fidelity" in result.state["gp"]["hyperparameters"]
    assert distance_to_optimum(result) < 0.35  # the far trials are 0.7 and 0.85 away
    without = step(gp_spec(XY, LOSS), completed, [])
    assert distance_to_optimum(without) > 0.6


@pytest.mark.parametrize("case", ["outcome constraint", "infeasible trial"])
def test_the_fidelity_gp_steps_beside_other_outcomes_models(case: str) -> None:
    # The fidelity GP seen at max_step is no plain GP: beside a constraint's GP (or the
    # feasibility one an infeasible trial adds) ModelListGP refused it, and every step
    # fell back to quasi-random points.
    completed, points = study_data()
    spec = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    if case == "outcome constraint":
        memory = MetricSpec("memory", None, OutcomeConstraint(upper_bound=1.5))
        spec = dataclasses.replace(spec, metrics=(*spec.metrics, memory))
        completed = [
            Observation(o.parameters, {**o.metrics, "memory": 1.0 + o.parameters["x"]})
            for o in completed
        ]
    else:
        completed = [*completed, Observation({"x": 0.5, "y": 0.5}, {}, infeasible=True)]
    result = step(spec, completed, points)
    metadata = result.suggestions[0].metadata
    assert metadata[METADATA_ALGORITHM] == "GP_BANDIT", metadata
    assert "sibyl.fidelity" in result.state["gp"]["hyperparameters"]


def test_too_few_points_leave_the_step_as_without_fidelity() -> None:
    completed, points = study_data()
    fidelity = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    result = step(fidelity, completed, points[:2])
    assert "sibyl.fidelity" not in result.state["gp"]["hyperparameters"]
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"


def test_a_large_study_fits_at_most_the_limit_highest_steps_first() -> None:
    points = [FidelityPoint({"x": i / 10}, step, float(i)) for i in range(10) for step in (1, 3, 9)]
    kept = bounded(points, -1.0, 12)  # minimized: lower values are better
    assert len(kept) == 12
    assert [p.step for p in kept] == [9] * 10 + [3, 3]
    assert [p.value for p in kept[10:]] == [0.0, 1.0], "the better ones among equals"
    assert bounded(points, -1.0, 100) == points


def prospect_of(parameters: dict, value_at_1: float, options: EngineOptions = FAST) -> float:
    """The probability the fidelity GP gives a trial at `parameters` that measured
    `value_at_1` at step 1 of ending better than eight spread trials that ran to
    MAX_STEP (from them the GP learns how step 1 foretells MAX_STEP)."""
    configurations = observe(gp_spec(XY, LOSS), lambda p: {"loss": 0}, 8, seed=4)
    completed, points = [], []
    for configuration in (dict(o.parameters) for o in configurations):
        points += [FidelityPoint(configuration, s, loss(configuration, s)) for s in (1, 3, 9)]
        completed.append(Observation(configuration, {"loss": loss(configuration, MAX_STEP)}))
    spec = dataclasses.replace(
        gp_spec(XY, LOSS),
        fidelity=Fidelity(MAX_STEP),
        early_stopping=stopping_policy(EarlyStoppingRule.MODEL),
    )
    points.append(FidelityPoint(parameters, 1, value_at_1))
    request = SuggestionRequest(spec, completed, [], 1, 7, {}, (), points)
    prospect = final_prospect(request, parameters, options)
    assert prospect is not None
    return prospect.probability


def test_a_trial_s_prospect_follows_how_its_early_value_foretells_its_final_one() -> None:
    optimum = {"x": 0.3, "y": 0.7}
    assert prospect_of(optimum, loss(optimum, 1)) > 0.5
    corner = {"x": 0.95, "y": 0.05}
    assert prospect_of(corner, loss(corner, 1)) < 0.01


def test_a_trial_is_judged_on_its_own_values_when_the_model_sees_a_subset() -> None:
    """With room for 20 of the 25 values, the subset keeps the highest steps and the
    better values: without the judged trial's own, its value would not matter."""
    subset = dataclasses.replace(FAST, max_exact_observations=20)
    optimum = {"x": 0.3, "y": 0.7}
    good, bad = prospect_of(optimum, loss(optimum, 1), subset), prospect_of(optimum, 9.0, subset)
    assert good > bad + 0.1, (good, bad)


def test_without_two_finished_trials_there_is_no_prospect() -> None:
    completed, points = study_data()
    spec = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    request = SuggestionRequest(spec, completed[:1], [], 1, 7, {}, (), points)
    assert final_prospect(request, {"x": 0.3, "y": 0.7}, FAST) is None


def test_a_model_that_fails_leaves_the_trial_running() -> None:
    completed, points = study_data()
    spec = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    request = SuggestionRequest(spec, completed, [], 1, 7, {}, (), points)
    unknown = {"x": "left", "y": 0.5}  # no number: the model cannot place the trial
    assert Engine(FAST).final_prospect(request, unknown) is None


def test_the_incumbent_is_in_the_fidelity_gps_units() -> None:
    """The step's LogEI compares the fidelity GP's predictions with its incumbent's
    value: that value is the GP's mean at max_step, of the trial it predicts best (a
    trial stopped early near the optimum, not a far one that ran to the end)."""
    completed, points = study_data()
    spec = dataclasses.replace(gp_spec(XY, LOSS), fidelity=Fidelity(MAX_STEP))
    request = SuggestionRequest(spec, completed, [], 1, 7, {}, (), points)
    data = step_data(request, FAST.max_exact_observations, torch.device("cpu"))
    fitted = fit_models(data, {}, FAST.max_exact_observations)
    before = data.training.best_feasible_row
    assert before is not None and before < 2, "by last values, a far trial that ran to the end"

    data, models, _ = _with_fidelity(
        request, data, fitted.models, fitted.hyperparameters, {}, FAST.max_exact_observations
    )

    row = data.training.best_feasible_row
    assert row is not None
    with torch.no_grad():
        means = models[0].posterior(data.x).mean.reshape(-1)
    assert data.training.best_feasible() == pytest.approx(float(means[row]))
    assert row == int(means.argmax())
    nearer = math.hypot(completed[row].parameters["x"] - 0.3, completed[row].parameters["y"] - 0.7)
    assert nearer < math.hypot(0.8 - 0.3, 0.2 - 0.7)
