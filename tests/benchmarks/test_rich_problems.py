"""The constrained problems score regret against their true optimum."""

from __future__ import annotations

import torch
from botorch.test_functions.synthetic import ConstrainedGramacy

from benchmarks.rich_studies import GRAMACY_OPTIMUM, problems


def test_the_gramacy_optimum_is_feasible_and_nothing_feasible_beats_it() -> None:
    function = ConstrainedGramacy()
    optimizer = torch.tensor([[0.19512269, 0.40466536]], dtype=torch.float64)
    assert abs(float(function.evaluate_true(optimizer)) - GRAMACY_OPTIMUM) < 1e-8
    assert bool((function.evaluate_slack_true(optimizer) >= -1e-7).all())
    x = torch.rand(1 << 16, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    feasible = (function.evaluate_slack_true(x) >= 0).all(-1)
    assert float(function.evaluate_true(x[feasible]).min()) > GRAMACY_OPTIMUM


def test_a_point_just_above_the_optimum_scores_its_true_regret() -> None:
    problem = problems()["constrained-gramacy"]
    history = [{"y": GRAMACY_OPTIMUM + 1e-5, "slack0": 0.0, "slack1": 1.0}]
    assert abs(problem.score(history) - (-5.0)) < 1e-6
