"""The objective's warping: monotone, safe on degenerate values, single objective only."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import skew, yeojohnson

from sibyl_server.domain.study import Goal, MetricSpec, OutcomeConstraint
from sibyl_server.engine.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp_bandit import training_set
from sibyl_server.engine.interface import Observation
from sibyl_server.engine.warping import warp_objective
from tests.server.engine.test_gp_bandit import X, gp_spec


@pytest.mark.parametrize("seed", range(6))
def test_the_warp_is_scipys_yeo_johnson_fit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(5 + 40 * seed) * 2.0 ** (seed % 3 - 1)
    if seed % 2:
        values = -np.exp(values)  # a long tail towards low values
    standardized = (values - values.mean()) / values.std()
    expected, _ = yeojohnson(standardized)
    np.testing.assert_allclose(warp_objective(list(values)), expected, rtol=1e-6, atol=1e-6)


# A valley floor far below the rest, as on Rosenbrock or after a diverged run.
SKEWED = [0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.55, 0.6, -40.0, -300.0]


def test_the_warp_keeps_the_order_and_pulls_the_tail_in() -> None:
    warped = warp_objective(SKEWED)
    assert np.argsort(warped).tolist() == np.argsort(SKEWED).tolist()
    assert all(math.isfinite(v) for v in warped)
    assert abs(skew(warped)) < abs(skew(SKEWED)) - 0.5  # 2.58 -> 1.57


def test_ties_stay_tied() -> None:
    warped = warp_objective([1.0, 1.0, 2.0, 5.0, 5.0, -3.0])
    assert warped[0] == warped[1] and warped[3] == warped[4]


@pytest.mark.parametrize("values", [[], [1.0], [1.0, 2.0], [3.0, 3.0, 3.0, 3.0]])
def test_nothing_to_fit_leaves_the_values_unchanged(values: list[float]) -> None:
    assert warp_objective(values) == values


def observations(points: list[float], metrics: dict[str, list[float]]) -> list[Observation]:
    return [
        Observation({"x": x}, {name: values[i] for name, values in metrics.items()})
        for i, x in enumerate(points)
    ]


def test_a_single_objective_is_warped_and_larger_is_better() -> None:
    spec = gp_spec(X, (MetricSpec("loss", Goal.MINIMIZE),))
    points = [i / len(SKEWED) for i in range(len(SKEWED))]
    data = training_set(spec, SearchSpaceEncoding(X), observations(points, {"loss": SKEWED}))
    expected = warp_objective([-v for v in SKEWED])
    assert data.outcomes[0].values == pytest.approx(expected)
    assert data.outcomes[0].values != pytest.approx([-v for v in SKEWED])


def test_constraint_metrics_and_several_objectives_keep_their_units() -> None:
    bounded = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.5))
    constrained = gp_spec(X, (MetricSpec("loss", Goal.MINIMIZE), bounded))
    points = [i / len(SKEWED) for i in range(len(SKEWED))]
    data = training_set(
        constrained,
        SearchSpaceEncoding(X),
        observations(points, {"loss": SKEWED, "memory": SKEWED}),
    )
    assert data.outcomes[1].values == SKEWED

    two = gp_spec(X, (MetricSpec("a", Goal.MAXIMIZE), MetricSpec("b", Goal.MAXIMIZE)))
    data = training_set(
        two, SearchSpaceEncoding(X), observations(points, {"a": SKEWED, "b": SKEWED})
    )
    assert [o.values for o in data.outcomes] == [SKEWED, SKEWED]
