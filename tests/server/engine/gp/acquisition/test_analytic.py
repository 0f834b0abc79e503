"""Analytic LogEI one point at a time: beliefs at pending and chosen points, and
the constrained LogEI over the best feasible trial."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from sibyl_server.domain.study import Goal, MetricSpec, OutcomeConstraint
from sibyl_server.engine.gp.acquisition.analytic import BELIEVED_QUANTILE, believed_values
from sibyl_server.engine.gp.fit import fit_model
from sibyl_server.engine.gp.model import surrogate
from sibyl_server.engine.interface import METADATA_ALGORITHM, Observation
from tests.server.engine.gp.studies import LOSS, X, gp_spec, observe, suggest


def test_pending_trials_push_the_next_point_elsewhere() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    alone = suggest(spec, completed).suggestions[0].parameters
    [beside] = suggest(spec, completed, pending=[alone]).suggestions
    assert beside.metadata[METADATA_ALGORITHM] == "GP_BANDIT", "a model's point, not a fallback"
    # The pending point is believed nearly as good as the best trial: the model expects
    # no improvement on it, though some beside it (the optimum is near): a distinct point.
    assert abs(beside.parameters["x"] - alone["x"]) > 1e-3


def test_pending_trials_where_the_model_expects_poor_values_do_not_draw_the_next_point() -> None:
    # Workers still evaluating early quasi-random points far from the optimum (x = 0.3):
    # believed at a good value, they would make their corner look promising.
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    pending = [{"x": x} for x in (0.97, 0.98, 0.99)]
    [suggestion] = suggest(spec, completed, pending=pending).suggestions
    assert suggestion.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert abs(suggestion.parameters["x"] - 0.3) < 0.15


def test_pending_and_batch_points_are_believed_at_their_mean_capped() -> None:
    x = torch.linspace(0, 1, 9, dtype=torch.float64).unsqueeze(-1)
    y = -((x - 0.3) ** 2)  # maximized
    model = surrogate(x, y, [])
    fit_model(model, warm_started=False)
    ceiling = float(np.quantile(y.squeeze(-1).tolist(), BELIEVED_QUANTILE))
    best = float(y.max())  # 0.3 lies between two trials: the model expects better there
    points = torch.tensor([[0.3], [0.95]], dtype=torch.float64)
    mean = model.posterior(points).mean.reshape(-1).tolist()
    assert mean[0] > best > ceiling and mean[1] == pytest.approx(-(0.65**2), abs=0.02)
    as_pending = believed_values(model, points, best)  # other workers' trials
    assert as_pending.tolist() == pytest.approx([best, mean[1]])
    as_chosen = believed_values(model, points, ceiling)  # this batch's points
    assert as_chosen.tolist() == pytest.approx([ceiling, mean[1]])


def test_a_batch_holds_distinct_model_points() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    batch = suggest(spec, completed, count=4).suggestions
    assert [s.metadata[METADATA_ALGORITHM] for s in batch] == ["GP_BANDIT"] * 4
    xs = sorted(s.parameters["x"] for s in batch)
    # Close together (they refine one optimum), yet each a point of its own. The GP
    # fits some noise to the rank-warped worse half (gp/warping.py), so they sit
    # closer than with the power transform alone: 1.7e-4 apart at the closest, against
    # 2.9e-3; a batch of copies would be 0 apart.
    assert min(b - a for a, b in itertools.pairwise(xs)) > 1e-4


def test_outcome_constraints_steer_to_the_feasible_optimum() -> None:
    # Maximize x subject to memory = x <= 0.4: the optimum is the boundary.
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.4))
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE), memory))
    completed = observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 10)
    suggestion = suggest(spec, completed).suggestions[0]
    assert suggestion.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert 0.25 < suggestion.parameters["x"] < 0.5


def test_suggestions_do_not_creep_past_a_constraint_bound() -> None:
    # Maximize x subject to memory = x <= 0.4, with trials on both sides of the bound.
    # qLogNEI's sigmoid (temperature 1e-3 in memory's units) counted 0.4005 as 40%
    # feasible and suggested it; the GP's probability of feasibility does not.
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.4))
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE), memory))
    completed = observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 10)
    completed += [
        Observation({"x": x}, {"score": x, "memory": x}) for x in (0.399, 0.3995, 0.4005, 0.401)
    ]
    for count in (1, 3):
        suggestions = suggest(spec, completed, count=count).suggestions
        assert all(s.metadata == {METADATA_ALGORITHM: "GP_BANDIT"} for s in suggestions)
        assert all(0.3 < s.parameters["x"] <= 0.4 for s in suggestions), suggestions
