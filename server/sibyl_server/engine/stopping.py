"""Early stopping: whether a running trial is worth finishing, from learning curves.

Pure: curves in, a decision out. Values are signed so that larger is better (the
caller multiplies by the objective's sign), steps are the measurements' steps.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from sibyl_server.domain.study import EarlyStoppingPolicy, EarlyStoppingRule, Fidelity


@dataclass(frozen=True)
class Curve:
    """A trial's intermediate values of the objective.

    Attributes:
        number: The trial's number.
        steps: Increasing steps.
        values: The values at those steps, larger is better.
        final: The final value of a COMPLETED trial (larger is better), else None.
        sign: The objective's sign: a value times `sign` is the metric's own (for the
            reasons a decision gives, in the user's units).
    """

    number: int
    steps: tuple[int, ...]
    values: tuple[float, ...]
    final: float | None = None
    sign: float = 1.0

    def shown(self, value: float) -> str:
        """`value` (larger is better) as the metric's own, for a reason."""
        return f"{self.sign * value:.6g}"

    def value_at(self, step: int) -> float | None:
        """The last value measured at or before `step`; None if none was."""
        point = self.point_at(step)
        return None if point is None else point[1]

    def point_at(self, step: int) -> tuple[int, float] | None:
        """The last (step, value) measured at or before `step`; None if none was."""
        index = int(np.searchsorted(self.steps, step, side="right")) - 1
        return (self.steps[index], self.values[index]) if index >= 0 else None

    def running_average(self, step: int) -> float | None:
        count = int(np.searchsorted(self.steps, step, side="right"))
        return float(np.mean(self.values[:count])) if count else None


@dataclass(frozen=True)
class StoppingDecision:
    should_stop: bool
    reason: str = ""


CONTINUE = StoppingDecision(False)


def decide(
    policy: EarlyStoppingPolicy,
    trial: Curve,
    others: Sequence[Curve],
    max_step: int | None = None,
) -> StoppingDecision:
    """Whether `trial` should stop, by `policy`, given the study's other trials (every
    rule but MODEL, which `model_rule` decides from the fidelity GP's prediction). A
    trial that reached a fidelity study's `max_step` has run its length: not judged."""
    if not trial.steps or trial.steps[-1] < policy.min_step:
        return CONTINUE
    if max_step is not None and trial.steps[-1] >= max_step:
        return CONTINUE
    if policy.rule is EarlyStoppingRule.MODEL:
        raise ValueError("the model rule is decided by model_rule, from the fidelity GP")
    rules: dict[
        EarlyStoppingRule, Callable[[EarlyStoppingPolicy, Curve, Sequence[Curve]], StoppingDecision]
    ] = {
        EarlyStoppingRule.MEDIAN: median_rule,
        EarlyStoppingRule.SUCCESSIVE_HALVING: successive_halving_rule,
        EarlyStoppingRule.LEARNING_CURVE: learning_curve_rule,
    }
    return rules[policy.rule](policy, trial, others)


MODEL_SPREAD_TOLERANCE = 0.05
"""The model rule stops a trial whose predicted final value has a standard deviation
below this share of the values' spread: running on would teach the model little."""


def new_rung(policy: EarlyStoppingPolicy, trial: Curve, max_step: int) -> int | None:
    """The highest rung (the fidelity's model steps below `max_step`) that the
    trial's newest measurement reached and its previous one had not; None if none."""
    if not trial.steps:
        return None
    previous = trial.steps[-2] if len(trial.steps) > 1 else 0
    rungs = Fidelity(max_step).model_steps(policy)[:-1]
    reached = [r for r in rungs if previous < r <= trial.steps[-1]]
    return reached[-1] if reached else None


def model_rule(
    policy: EarlyStoppingPolicy, rung: int, probability: float, spread: float
) -> StoppingDecision:
    """Stops a trial at `rung` when the fidelity GP gives it less than
    `policy.min_probability` of ending better than every other trial's predicted final
    value, or predicts its final value within MODEL_SPREAD_TOLERANCE (`spread` is the
    prediction's standard deviation over the values' spread)."""
    if probability < policy.min_probability:
        return StoppingDecision(
            True,
            f"model: at step {rung} the fidelity model gives it a probability of "
            f"{probability:.3g} of ending better than the other trials, below "
            f"{policy.min_probability:.3g}",
        )
    if spread < MODEL_SPREAD_TOLERANCE:
        return StoppingDecision(
            True,
            f"model: at step {rung} the fidelity model already predicts its final value "
            f"closely (standard deviation {spread:.3g} of the values' spread, below "
            f"{MODEL_SPREAD_TOLERANCE})",
        )
    return CONTINUE


def median_rule(
    policy: EarlyStoppingPolicy, trial: Curve, others: Sequence[Curve]
) -> StoppingDecision:
    """Stops when the trial's best value so far is below the median of the other
    trials' running averages up to the same step (trials that got that far)."""
    step = trial.steps[-1]
    averages = [
        average
        for other in others
        if other.steps
        and other.steps[-1] >= step
        and (average := other.running_average(step)) is not None
    ]
    if len(averages) < policy.min_trials:
        return CONTINUE
    best, median = max(trial.values), float(np.median(averages))
    if best < median:
        return StoppingDecision(
            True,
            f"median rule: best value {trial.shown(best)} by step {step} is worse than the "
            f"median {trial.shown(median)} of {len(averages)} trials' running averages",
        )
    return CONTINUE


def successive_halving_rule(
    policy: EarlyStoppingPolicy, trial: Curve, others: Sequence[Curve]
) -> StoppingDecision:
    """Asynchronous successive halving: at rung steps min_step * factor^k a trial
    survives only among the best max(1, n // factor) of the n trials that reached it.

    With brackets (Hyperband), a trial is judged from its bracket's first rung on, and
    only against the trials of its bracket."""
    rung = _highest_rung(policy, trial.steps[-1])
    if rung is None or rung < policy.first_rung(trial.number):
        return CONTINUE
    mine = trial.value_at(rung)
    if mine is None:
        # First measured after its highest rung (reports every k steps): nothing to
        # compare there yet; the next rung judges it.
        return CONTINUE
    bracket = policy.bracket(trial.number)
    competitors = [
        v
        for o in others
        if o.steps
        and o.steps[-1] >= rung
        and policy.bracket(o.number) == bracket
        and (v := o.value_at(rung)) is not None
    ]
    if not competitors:
        return CONTINUE
    ranked = sorted([mine, *competitors], reverse=True)
    survivors = max(1, int(len(ranked) / policy.reduction_factor))
    if mine < ranked[survivors - 1]:
        return StoppingDecision(
            True,
            f"successive halving: value {trial.shown(mine)} at rung step {rung} is not among "
            f"the best {survivors} of {len(ranked)} trials there",
        )
    return CONTINUE


def _highest_rung(policy: EarlyStoppingPolicy, step: int) -> int | None:
    rung, factor = policy.min_step, policy.reduction_factor
    if step < rung:
        return None
    while rung * factor <= step:
        rung = math.ceil(rung * factor)
    return rung


def learning_curve_rule(
    policy: EarlyStoppingPolicy, trial: Curve, others: Sequence[Curve]
) -> StoppingDecision:
    """Stops when even an optimistic extrapolation of the trial's curve to
    final_step ends below the best final value of the completed trials."""
    finals = [o.final for o in others if o.final is not None]
    if len(finals) < policy.min_trials or trial.steps[-1] >= policy.final_step:
        return CONTINUE
    optimistic = optimistic_final(trial, policy.final_step)
    best = max(finals)
    if optimistic is not None and optimistic < best:
        return StoppingDecision(
            True,
            f"learning curve: predicted final value at step {policy.final_step} is at best "
            f"{trial.shown(optimistic)}, worse than the best final value {trial.shown(best)} "
            f"of {len(finals)} trials",
        )
    return CONTINUE


def optimistic_final(trial: Curve, final_step: int) -> float | None:
    """An optimistic prediction of the curve's value at `final_step`; None until a
    saturating curve family can be fitted (four points).

    Two saturating curve families (Domhan et al., 2015), pow3 `c - a t^-alpha` and
    exp3 `c - a e^(-b t)`, are fitted by least squares: the higher of their
    extrapolations, never below the best value seen, plus the curve's recent noise
    widened with the extrapolation's horizon, `(final_step / step)^0.25`.
    The higher, not a middle one among more families: from a few points, a curve's own
    family may be the only one to reach its final value, and a trial that would have
    ended best must not be stopped (a log-linear fit, `a + b log t`, on three points
    and the middle of three extrapolations stopped such curves at steps 3-5). Nor the
    log-linear family's, which never saturates: with it the rule spent 420 epochs of
    600 on the early-stopping benchmark instead of 310, for the same best trials.
    """
    t = np.asarray(trial.steps, dtype=float)
    y = np.asarray(trial.values, dtype=float)
    scale = max(float(np.ptp(y)), 1e-12)
    predictions = [
        prediction
        for model, initial in _saturating_models(t, y)
        if (prediction := _fit_and_predict(model, initial, t, y, final_step)) is not None
    ]
    if not predictions:
        return None
    center = max(*predictions, float(np.max(y)))
    horizon = (final_step / max(float(t[-1]), 1.0)) ** 0.25
    return center + _residual_spread(t, y, scale) * horizon


def _saturating_models(
    t: np.ndarray, y: np.ndarray
) -> list[tuple[Callable[..., np.ndarray], list[float]]]:
    """pow3 and exp3 with their starting parameters for least squares."""
    top, span = float(np.max(y)), max(float(np.ptp(y)), 1e-9)
    return [
        (lambda s, c, a, alpha: c - a * np.power(s, -alpha), [top, span, 0.5]),
        (lambda s, c, a, b: c - a * np.exp(-b * s), [top, span, 1.0 / max(float(t[-1]), 1.0)]),
    ]


def _fit_and_predict(
    model: Callable[..., np.ndarray],
    initial: list[float],
    t: np.ndarray,
    y: np.ndarray,
    final_step: int,
) -> float | None:
    if len(t) <= len(initial):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            parameters, _ = curve_fit(model, np.maximum(t, 1.0), y, p0=initial, maxfev=2000)
        except (RuntimeError, ValueError):
            return None
    prediction = float(model(float(final_step), *parameters))
    return prediction if math.isfinite(prediction) else None


def _residual_spread(t: np.ndarray, y: np.ndarray, scale: float) -> float:
    """The noise of the last few values around their trend, floored relative to the
    curve's range."""
    tail = y[-min(len(y), 5) :]
    if len(tail) < 3:
        return 0.05 * scale
    trend = np.polyval(np.polyfit(np.arange(len(tail)), tail, 1), np.arange(len(tail)))
    return max(float(np.std(tail - trend)), 0.01 * scale)
