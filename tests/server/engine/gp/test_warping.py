"""The objective's warping: monotone, safe on degenerate values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm, skew, yeojohnson

from sibyl_server.engine.gp.warping import warp_objective


def reference_warp(values: np.ndarray) -> np.ndarray:
    """SciPy's Yeo-Johnson fit, then the worse half replaced by Gaussian rank quantiles."""
    transformed, _ = yeojohnson((values - values.mean()) / values.std())
    median = np.median(transformed)
    better = transformed[transformed >= median]
    spread = np.sqrt(np.mean((better - median) ** 2))
    worse = np.sort(transformed[transformed < median])  # distinct in these samples
    quantiles = norm.ppf(np.arange(1, len(worse) + 1) / (2 * (len(worse) + 1)))
    by_value = dict(zip(worse.tolist(), (median + spread * quantiles).tolist(), strict=True))
    return np.array([by_value.get(v, v) for v in transformed.tolist()])


@pytest.mark.parametrize("seed", range(6))
def test_the_warp_is_scipys_yeo_johnson_fit_then_the_worse_half_by_rank(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(5 + 40 * seed) * 2.0 ** (seed % 3 - 1)
    if seed % 2:
        values = -np.exp(values)  # a long tail towards low values
    expected = reference_warp(values)
    np.testing.assert_allclose(warp_objective(list(values)), expected, rtol=1e-6, atol=1e-6)


# A valley floor far below the rest, as on Rosenbrock or after a diverged run.
SKEWED = [0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.55, 0.6, -40.0, -300.0]


def test_the_warp_keeps_the_order_and_pulls_the_tail_in() -> None:
    warped = warp_objective(SKEWED)
    assert np.argsort(warped).tolist() == np.argsort(SKEWED).tolist()
    assert all(math.isfinite(v) for v in warped)
    assert abs(skew(warped)) < abs(skew(SKEWED)) - 0.5  # 2.58 -> 1.57


def test_a_plateau_of_failures_no_longer_sets_the_scale_of_the_good_trials() -> None:
    # CV errors of an SVC search (negated: larger is better), as the GP steps see
    # them: a third of the trials failed at chance level; the others differ by a few
    # errors in 900.
    good = [-0.0133, -0.0178, -0.0189, -0.02, -0.0211, -0.0244, -0.0278, -0.03, -0.0333]
    failed = [-0.74, -0.76, -0.8, -0.83, -0.89]
    values = good + failed
    warped = np.array(warp_objective(values))
    assert np.argsort(warped, kind="stable").tolist() == np.argsort(values, kind="stable").tolist()
    # The best two trials' gap in units of the values' spread, which the GP's
    # standardization sees: 0.029 after the Yeo-Johnson transform alone, 0.52 now.
    yeo_johnson_only, _ = yeojohnson((np.array(values) - np.mean(values)) / np.std(values))
    assert (yeo_johnson_only[0] - yeo_johnson_only[1]) / yeo_johnson_only.std() < 0.05
    assert (warped[0] - warped[1]) / warped.std() > 0.3


def test_the_worse_half_fills_the_lower_half_of_a_gaussian_as_wide_as_the_better() -> None:
    warped = np.array(warp_objective([-50.0, -20.0, -10.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0]))
    median = np.median(warped)
    spread = np.sqrt(np.mean((warped[warped >= median] - median) ** 2))
    expected = median + spread * norm.ppf(np.arange(1, 5) / 10)  # the four below it
    np.testing.assert_allclose(np.sort(warped[warped < median]), expected, rtol=1e-9)


def test_ties_stay_tied() -> None:
    warped = warp_objective([1.0, 1.0, 2.0, 5.0, 5.0, -3.0])
    assert warped[0] == warped[1] and warped[3] == warped[4]


@pytest.mark.parametrize("values", [[], [1.0], [1.0, 2.0], [3.0, 3.0, 3.0, 3.0]])
def test_nothing_to_fit_leaves_the_values_unchanged(values: list[float]) -> None:
    assert warp_objective(values) == values


@pytest.mark.parametrize("magnitude", [1e-300, 1e200, -1e300])
def test_the_warp_does_not_depend_on_the_values_magnitude(magnitude: float) -> None:
    # Standardizing values above ~1e154 directly overflowed their variance, and the
    # GP step fell back to quasi-random points (a loss of 1e200 after divergence).
    warped = warp_objective([v * magnitude for v in SKEWED])
    expected = warp_objective(SKEWED if magnitude > 0 else [-v for v in SKEWED])
    np.testing.assert_allclose(warped, expected, rtol=1e-9, atol=1e-12)


def test_all_zero_values_are_left_unchanged() -> None:
    assert warp_objective([0.0, 0.0, 0.0, 0.0]) == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("diverged", [-1e3, -1e20, -1e200, -1e308])
def test_one_diverged_run_leaves_the_others_apart(diverged: float) -> None:
    # A loss of 1e20 among losses of 0.1 to 0.7 (negated: larger is better) left the
    # others equal to float precision once standardized: the GP saw no difference
    # between the best trials.
    losses = [-0.1, -0.2, -0.25, -0.3, -0.4, -0.5, -0.55, -0.6, -0.7]
    warped = np.array(warp_objective([*losses, diverged]))
    assert np.argsort(warped).tolist() == np.argsort([*losses, diverged]).tolist()
    gap = (warped[0] - warped[1]) / warped.std()
    assert gap > 0.4  # 0.49 with a diverged loss of 1e3, as with 1e308


def test_a_diverged_run_beside_a_plateau_leaves_the_others_apart() -> None:
    # Half the values tie (runs stuck at 0.5): the median absolute deviation is 0, and
    # the diverged loss was left as it was, the good trials 1e-21 apart.
    losses = [-0.5] * 5 + [-0.1, -0.2, -0.3]
    warped = np.array(warp_objective([*losses, -1e20]))
    assert (
        np.argsort(warped, kind="stable").tolist()
        == np.argsort([*losses, -1e20], kind="stable").tolist()
    )
    assert (warped[5] - warped[6]) / warped.std() > 0.1
