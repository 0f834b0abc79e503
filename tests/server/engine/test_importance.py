"""Parameter importance on functions whose Sobol indices are known."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sibyl_server.domain.study import (
    Goal,
    MetricSpec,
    ParameterSpec,
    ParentCondition,
    StudySpec,
)
from sibyl_server.engine import importance
from sibyl_server.engine.importance import (
    ImportanceMethod,
    parameter_importance,
    sobol_indices,
)
from sibyl_server.engine.interface import Observation
from sibyl_server.engine.sampling import decode_unit_point

SIX = StudySpec(
    parameters=tuple(ParameterSpec.double(f"x{i}", 0.0, 1.0) for i in range(6)),
    metrics=(MetricSpec("y", Goal.MINIMIZE),),
)


def two_matter(p: dict) -> float:
    # Var(3 sin 2 pi x0) = 4.5, Var(2 x1) = 1/3: total effects about 0.931 and 0.069.
    return 3 * math.sin(2 * math.pi * p["x0"]) + 2 * p["x1"]


def observe(spec: StudySpec, function, count: int, seed: int = 0) -> list[Observation]:
    rng = np.random.default_rng(seed)
    points = [
        decode_unit_point(spec.parameters, u) for u in rng.random((count, len(spec.parameters)))
    ]
    return [Observation(p, {"y": function(p)}) for p in points]


def test_sobol_indices_of_a_known_function() -> None:
    def function(points: list) -> np.ndarray:
        return np.array([two_matter(p) for p in points])

    indices = sobol_indices(SIX.parameters, function, np.random.default_rng(1), samples=4096)
    assert indices["x0"][1] == pytest.approx(4.5 / (4.5 + 1 / 3), abs=0.03)
    assert indices["x1"][1] == pytest.approx((1 / 3) / (4.5 + 1 / 3), abs=0.02)
    assert all(indices[f"x{i}"] == (0.0, 0.0) for i in range(2, 6))


def test_the_gp_finds_the_two_parameters_that_matter() -> None:
    result = parameter_importance(SIX, observe(SIX, two_matter, 40), "y", seed=0)
    assert result.method is ImportanceMethod.GP_SOBOL
    assert result.trial_count == 40
    ranked = [p.parameter for p in result.importances]
    assert ranked[:2] == ["x0", "x1"]
    shares = {p.parameter: p.importance for p in result.importances}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["x0"] == pytest.approx(0.93, abs=0.05)
    assert shares["x0"] + shares["x1"] > 0.98


def test_an_interaction_shows_in_total_effects_not_first_order() -> None:
    def interaction(p: dict) -> float:
        return (p["x0"] - 0.5) * (p["x1"] - 0.5) * 8  # no main effect at all

    result = parameter_importance(SIX, observe(SIX, interaction, 60), "y", seed=0)
    by_name = {p.parameter: p for p in result.importances}
    assert {p.parameter for p in result.importances[:2]} == {"x0", "x1"}
    for name in ("x0", "x1"):
        assert by_name[name].first_order < 0.1
        assert by_name[name].total_effect is not None and by_name[name].total_effect > 0.8


def test_few_trials_get_the_model_free_estimate() -> None:
    result = parameter_importance(SIX, observe(SIX, two_matter, 7), "y", seed=0)
    assert result.method is ImportanceMethod.CORRELATION_RATIO
    assert all(p.total_effect is None for p in result.importances)
    assert sum(p.importance for p in result.importances) == pytest.approx(1.0)


def test_a_conditional_child_and_a_categorical_parent() -> None:
    spec = StudySpec(
        parameters=(
            ParameterSpec.categorical("opt", ["sgd", "adam"]),
            dataclasses.replace(
                ParameterSpec.double("momentum", 0.0, 1.0),
                condition=ParentCondition("opt", categories=("sgd",)),
            ),
            ParameterSpec.double("noise", 0.0, 1.0),
        ),
        metrics=(MetricSpec("y", Goal.MINIMIZE),),
    )

    def loss(p: dict) -> float:
        return 2.0 * p["momentum"] if p["opt"] == "sgd" else 1.0

    observations = []
    for o in observe(spec, lambda p: 0.0, 40):
        active = dict(o.parameters)
        if active["opt"] != "sgd":
            del active["momentum"]
        observations.append(Observation(active, {"y": loss(active)}))
    result = parameter_importance(spec, observations, "y", seed=0)
    assert result.method is ImportanceMethod.GP_SOBOL
    assert result.importances[-1].parameter == "noise"
    assert result.importances[-1].importance < 0.05


def test_a_constant_metric_has_no_important_parameter() -> None:
    result = parameter_importance(SIX, observe(SIX, lambda p: 1.0, 10), "y", seed=0)
    assert all(p.importance == 0.0 for p in result.importances)


def test_fewer_than_two_values_is_an_error() -> None:
    with pytest.raises(ValueError, match="fewer than 2"):
        parameter_importance(SIX, observe(SIX, two_matter, 1), "y", seed=0)


def test_a_large_study_is_analysed_on_a_sample_spread_over_all_its_trials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importance, "MAX_MODEL_TRIALS", 30)
    # The first half of the study explored x0 below 0.5, the second half above it.
    trials = observe(SIX, two_matter, 80)
    trials.sort(key=lambda o: o.parameters["x0"])
    result = parameter_importance(SIX, trials, "y", seed=0)
    assert result.trial_count == 30
    kept = importance._bounded([(o.parameters, o.metrics["y"]) for o in trials], seed=0)
    assert len(kept) == 30
    assert min(p["x0"] for p, _ in kept) < 0.25 and max(p["x0"] for p, _ in kept) > 0.75
    assert [p.parameter for p in result.importances][:2] == ["x0", "x1"]
