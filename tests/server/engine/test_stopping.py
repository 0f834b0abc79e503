"""Early-stopping rules on hand-made learning curves."""

from __future__ import annotations

import numpy as np
import pytest

from sibyl_server.domain.study import EarlyStoppingPolicy, EarlyStoppingRule, stopping_policy
from sibyl_server.engine.stopping import Curve, decide, model_rule, new_rung, optimistic_final

MEDIAN = EarlyStoppingPolicy(EarlyStoppingRule.MEDIAN, min_step=2, min_trials=3)
HALVING = EarlyStoppingPolicy(EarlyStoppingRule.SUCCESSIVE_HALVING, min_step=1, reduction_factor=3)
CURVE = EarlyStoppingPolicy(
    EarlyStoppingRule.LEARNING_CURVE, min_step=3, min_trials=2, final_step=50
)


def curve(number: int, values: list[float], final: float | None = None) -> Curve:
    return Curve(number, tuple(range(1, len(values) + 1)), tuple(values), final)


def test_median_rule_stops_a_trial_below_the_median_of_running_averages() -> None:
    others = [curve(i, [0.5, 0.6, 0.7, 0.8]) for i in range(1, 4)]
    assert decide(MEDIAN, curve(9, [0.1, 0.2, 0.3]), others).should_stop
    assert not decide(MEDIAN, curve(9, [0.5, 0.6, 0.7]), others).should_stop
    assert not decide(MEDIAN, curve(9, [0.1]), others).should_stop, "before min_step"
    assert not decide(MEDIAN, curve(9, [0.1, 0.2, 0.3]), others[:2]).should_stop, "min_trials"
    reason = decide(MEDIAN, curve(9, [0.1, 0.2, 0.3]), others).reason
    assert "median" in reason and "0.3" in reason


def test_median_rule_only_counts_trials_that_got_as_far() -> None:
    short = [curve(i, [0.9]) for i in range(1, 4)]
    assert not decide(MEDIAN, curve(9, [0.1, 0.2, 0.3]), short).should_stop


def test_successive_halving_keeps_the_top_third_at_each_rung() -> None:
    others = [curve(i, [v] * 3) for i, v in enumerate([0.9, 0.8, 0.7, 0.6, 0.5], start=1)]
    assert not decide(HALVING, curve(9, [0.95]), others).should_stop, "best at rung 1"
    assert not decide(HALVING, curve(9, [0.85]), others).should_stop, "second of six"
    assert decide(HALVING, curve(9, [0.75]), others).should_stop, "third of six: out"
    assert not decide(HALVING, curve(9, [0.1]), []).should_stop, "nobody to compare with"
    # At step 3 (rung 3), only trials that reached step 3 compete.
    assert decide(HALVING, curve(9, [0.95, 0.95, 0.4]), others).should_stop


HYPERBAND = EarlyStoppingPolicy(
    EarlyStoppingRule.SUCCESSIVE_HALVING, min_step=1, reduction_factor=3, brackets=3
)


def test_hyperband_brackets_judge_a_trial_from_its_brackets_first_rung() -> None:
    # Trial n is in bracket n % 3: first judged at step 1, 3 or 9.
    assert [HYPERBAND.first_rung(n) for n in range(1, 7)] == [3, 9, 1, 3, 9, 1]
    # Bracket 1 (trials 1, 4, 7 ...): the worst of its peers at step 1 runs on to 3.
    peers = [curve(n, [v] * 9) for n, v in ((1, 0.9), (4, 0.8), (7, 0.7))]
    assert not decide(HYPERBAND, curve(10, [0.1, 0.1]), peers).should_stop, "before rung 3"
    assert decide(HYPERBAND, curve(10, [0.1, 0.1, 0.1]), peers).should_stop, "rung 3: last"
    # Bracket 0 (trials 3, 6, 9 ...) starts at rung 1: judged there at once.
    zero = [curve(n, [v] * 3) for n, v in ((3, 0.9), (6, 0.8), (9, 0.7))]
    assert decide(HYPERBAND, curve(12, [0.1]), zero).should_stop


def test_hyperband_brackets_compare_a_trial_only_with_its_own_bracket() -> None:
    # Trial 12 (bracket 0) at rung 1: better than its bracket's trials, worse than
    # everyone in other brackets; only its bracket counts.
    own = [curve(n, [0.2]) for n in (3, 6, 9)]
    strangers = [curve(n, [0.9] * 9) for n in (1, 2, 4, 5, 7, 8)]
    assert not decide(HYPERBAND, curve(12, [0.5]), own + strangers).should_stop
    assert decide(HALVING, curve(12, [0.5]), own + strangers).should_stop, "one bracket"


def test_one_bracket_is_plain_asha() -> None:
    assert {HALVING.first_rung(n) for n in range(1, 20)} == {1}
    assert {HALVING.bracket(n) for n in range(1, 20)} == {0}


def test_learning_curve_rule_extrapolates() -> None:
    steps = np.arange(1, 51)
    best_finals = [curve(i, [], final=0.9) for i in range(1, 3)]
    slow_but_good = list(1.0 - 0.5 * steps[:8] ** -0.5)  # heads to ~0.93 by step 50
    plateaued_low = list(0.6 - 0.3 * np.exp(-steps[:8] / 2.0))  # flat at 0.6
    assert not decide(CURVE, curve(9, slow_but_good), best_finals).should_stop
    decision = decide(CURVE, curve(9, plateaued_low), best_finals)
    assert decision.should_stop and "predicted final value" in decision.reason
    assert not decide(CURVE, curve(9, plateaued_low), best_finals[:1]).should_stop, "min_trials"


def test_a_saturating_curve_that_ends_best_is_never_stopped() -> None:
    """0.95 - 0.6 e^(-t/6) ends at 0.929 by step 20, above the best final 0.90; its
    first points, fitted by a log line or a middle extrapolation, predicted 0.83-0.90."""
    policy = stopping_policy(EarlyStoppingRule.LEARNING_CURVE, final_step=20, min_trials=3)
    finals = [curve(i, [], final=0.9) for i in range(1, 4)]
    values = [0.95 - 0.6 * np.exp(-t / 6) for t in range(1, 20)]
    decisions = [decide(policy, curve(9, values[:n]), finals) for n in range(3, 20)]
    assert [d.reason for d in decisions if d.should_stop] == []
    assert optimistic_final(curve(9, values[:3]), 20) is None, "3 points fit no family"


def test_reasons_give_the_metrics_own_values() -> None:
    """Curves are larger-is-better; a minimized loss of 0.4 is shown as 0.4, not -0.4."""
    loss = Curve(9, (1, 2, 3), (-0.4, -0.4, -0.4), sign=-1.0)
    others = [Curve(i, (1, 2, 3), (-0.1, -0.1, -0.1), sign=-1.0) for i in range(1, 4)]
    median = decide(MEDIAN, loss, others).reason
    assert "best value 0.4 by step 3 is worse than the median 0.1" in median
    assert "value 0.4 at rung step 3" in decide(HALVING, loss, others).reason


def test_a_trial_at_its_fidelitys_last_step_is_not_judged() -> None:
    others = [curve(i, [v] * 9) for i, v in enumerate([0.9, 0.8, 0.7], start=1)]
    last = curve(9, [0.1] * 9)
    assert decide(HALVING, last, others).should_stop, "rung 9, below max_step 27"
    assert not decide(HALVING, last, others, max_step=9).should_stop, "its length: done"


def test_optimistic_final_is_never_below_the_best_value_seen() -> None:
    noisy = curve(1, [0.5, 0.9, 0.2, 0.3, 0.1])
    optimistic = optimistic_final(noisy, 100)
    assert optimistic is not None and optimistic >= 0.9


@pytest.mark.parametrize("policy", [MEDIAN, HALVING, CURVE])
def test_a_trial_without_measurements_continues(policy: EarlyStoppingPolicy) -> None:
    assert not decide(policy, Curve(1, (), ()), [curve(2, [1.0, 1.0, 1.0], 1.0)]).should_stop


MODEL = stopping_policy(EarlyStoppingRule.MODEL)


def test_the_model_rule_judges_a_trial_once_at_each_rung_it_reaches() -> None:
    def rung(steps: tuple[int, ...], max_step: int = 27) -> int | None:
        return new_rung(MODEL, Curve(1, steps, tuple(0.0 for _ in steps)), max_step)

    assert [rung((1,)), rung((1, 2)), rung((1, 2, 3)), rung((2, 5))] == [1, None, 3, 3]
    assert rung((4, 12)) == 9, "a trial that reports every 4 steps is judged past the rung"
    assert rung((26, 27)) is None, "max_step is where trials end, no rung"
    assert rung((), 9) is None
    later = stopping_policy(EarlyStoppingRule.MODEL, min_step=2, reduction_factor=2)
    assert new_rung(later, Curve(1, (1,), (0.0,)), 27) is None
    assert new_rung(later, Curve(1, (3, 4), (0.0, 0.0)), 27) == 4


def test_the_model_rule_stops_what_cannot_end_best_or_is_already_known() -> None:
    unlikely = model_rule(MODEL, 3, probability=0.05, spread=0.5)
    assert unlikely.should_stop and "probability of 0.05" in unlikely.reason
    known = model_rule(MODEL, 3, probability=0.9, spread=0.01)
    assert known.should_stop and "already predicts" in known.reason
    assert not model_rule(MODEL, 3, probability=0.2, spread=0.5).should_stop


def test_the_model_rule_is_not_decided_from_curves() -> None:
    with pytest.raises(ValueError, match="model_rule"):
        decide(MODEL, curve(1, [0.5]), [])
