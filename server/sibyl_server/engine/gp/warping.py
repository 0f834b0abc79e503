"""A monotone warping of the objective's values before the GP sees them.

Objectives of tuning problems are rarely Gaussian: a few diverged runs or a valley
floor orders of magnitude below the rest (Rosenbrock, Branin) stretch the standardized
scale, so the GP spends its flexibility on the outliers and is overconfident and flat
where the good trials are. Two steps, each keeping the order of every pair of values
(so the incumbent stays the incumbent):

1. A Yeo-Johnson power transform, its exponent fitted by maximum likelihood to the
   standardized values, pulls the long tails in.
2. The worse half is then replaced by its ranks (as OSS Vizier's half-rank warper
   does): the values below the median become the lower half of a Gaussian centred on
   the median, as wide as the better half's spread. A power transform cannot undo a
   plateau of failed configurations far below the rest (an SVC with the wrong kernel
   scores chance level, 0.75-0.9 error, against 0.012-0.03 for good ones), and those
   would otherwise set the scale on which the good trials look alike.

The second step is left out under outcome constraints (and once a trial was
infeasible, which adds a feasibility constraint), where the incumbent is the best
feasible trial and infeasible trials may hold the better half of the values.
Measured in docs/engine.md#warping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import fminbound
from scipy.special import ndtri

BRENT_TOLERANCE = 1.48e-08
"""scipy.stats.yeojohnson_normmax's tolerance on the exponent."""
FLOAT = np.finfo(np.float64)
EXTREME_DEVIATIONS = 1e6
"""How many median absolute deviations from the median a value may lie before it is
brought closer: far beyond any tail the benchmarks' objectives have, so only values
that would cost the others their precision are."""


def warp_objective(values: Sequence[float], rank_worse_half: bool = True) -> list[float]:
    """The values, standardized, Yeo-Johnson transformed and, if `rank_worse_half`,
    their worse half rank-warped (order preserved).

    Returned unchanged where there is nothing to fit (fewer than three values, all
    equal) or where the fitted transform is not finite and strictly monotone on them.
    """
    if len(values) < 3:
        return list(values)
    array = _compress_extremes(np.asarray(values, dtype=np.float64))
    # Divided by the largest magnitude: the variance of values above ~1e154 overflows.
    magnitude = float(np.max(np.abs(array)))
    if not math.isfinite(magnitude) or magnitude == 0.0:
        return list(values)
    scaled = array / magnitude
    spread = float(scaled.std())
    if not math.isfinite(spread) or spread == 0.0:
        return list(values)
    standardized = (scaled - scaled.mean()) / spread
    warped = _yeo_johnson(standardized, _fitted_exponent(standardized))
    if rank_worse_half:
        warped = _half_rank(warped)
    if not np.all(np.isfinite(warped)) or not _same_order(array, warped):
        return list(values)
    return [float(v) for v in warped]


def _compress_extremes(x: np.ndarray) -> np.ndarray:
    """`x` with the values more than EXTREME_DEVIATIONS deviations from the median
    brought logarithmically closer (order kept, the others unchanged): a diverged run's
    loss would otherwise leave the others equal to float precision once standardized
    (docs/engine.md#warping).

    The deviation is the median absolute one, or where half the values tie (a plateau
    of failed runs), the smallest that is not 0.
    """
    median = float(np.median(x))
    distance = np.abs(x - median)
    deviation = float(np.median(distance))
    if deviation == 0.0:
        deviation = float(np.min(distance[distance > 0.0], initial=math.inf))
    if not (math.isfinite(deviation) and deviation > 0.0):
        return x
    limit = EXTREME_DEVIATIONS * deviation
    far = distance > limit
    if not np.any(far):
        return x
    out = x.copy()
    out[far] = median + np.sign(x[far] - median) * limit * (1 + np.log(distance[far] / limit))
    return out


def _half_rank(x: np.ndarray) -> np.ndarray:
    """`x` with its values below the median replaced by Gaussian quantiles of their rank.

    The m distinct values below the median, from the worst (rank 1) up, become
    median + spread * Phi^-1(rank / (2 (m + 1))), where spread is the root mean square
    of the better half's distances from the median: they fill the lower half of a
    Gaussian as wide as the better half, whatever their distances were. Ties stay tied.
    """
    median = float(np.median(x))
    worse = x < median
    spread = math.sqrt(float(np.mean((x[~worse] - median) ** 2)))
    if spread == 0.0 or not np.any(worse):
        return x
    distinct = np.unique(x[worse])
    ranks = np.arange(1, distinct.size + 1)
    quantiles = median + spread * ndtri(ranks / (2 * (distinct.size + 1)))
    out = x.copy()
    out[worse] = quantiles[np.searchsorted(distinct, x[worse])]
    return out


def _same_order(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether `after` ranks every pair as `before` does (ties included)."""
    order = np.argsort(before, kind="stable")
    b, a = before[order], after[order]
    return bool(np.all((np.diff(a) > 0) == (np.diff(b) > 0)))


def _fitted_exponent(x: np.ndarray) -> float:
    """The maximum-likelihood Yeo-Johnson exponent, as `scipy.stats.yeojohnson` fits it
    (same bounds, same bounded Brent search), with a plain NumPy likelihood: SciPy's
    public `yeojohnson_llf` spends most of its time on argument handling
    (docs/engine.md#warping)."""
    log1p_max = math.log1p(20 * float(np.max(np.abs(x))))
    log_tiny = (math.log(FLOAT.tiny) - math.log(FLOAT.eps)) / 2
    log_max = (math.log(FLOAT.max) + math.log(FLOAT.eps)) / 2
    lower, upper = log_tiny / log1p_max, log_max / log1p_max
    if np.all(x < 0):
        lower, upper = 2 - upper, 2 - lower
    elif np.any(x < 0):
        lower, upper = max(2 - upper, lower), min(2 - lower, upper)
    signed_log = float(np.sum(np.sign(x) * np.log1p(np.abs(x))))

    def negative_log_likelihood(exponent: float) -> float:
        variance = float(np.var(_yeo_johnson(x, exponent)))
        if not variance >= FLOAT.smallest_normal:
            return math.inf
        return len(x) / 2 * math.log(variance) - (exponent - 1) * signed_log

    return float(fminbound(negative_log_likelihood, lower, upper, xtol=BRENT_TOLERANCE))


def _yeo_johnson(x: np.ndarray, exponent: float) -> np.ndarray:
    """The Yeo-Johnson transform of x with the given exponent."""
    out = np.zeros_like(x)
    positive = x >= 0
    if abs(exponent) < FLOAT.eps:
        out[positive] = np.log1p(x[positive])
    else:
        out[positive] = np.expm1(exponent * np.log1p(x[positive])) / exponent
    if abs(exponent - 2) > FLOAT.eps:
        out[~positive] = -np.expm1((2 - exponent) * np.log1p(-x[~positive])) / (2 - exponent)
    else:
        out[~positive] = -np.log1p(-x[~positive])
    return out
