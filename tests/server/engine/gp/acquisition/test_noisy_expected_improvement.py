"""One objective under constraints no trial meets yet: qLogNEI's points."""

from __future__ import annotations

from sibyl_server.domain.study import Goal, MetricSpec, OutcomeConstraint
from sibyl_server.engine.interface import METADATA_ALGORITHM
from tests.server.engine.gp.studies import X, gp_spec, observe, suggest


def test_without_a_feasible_trial_a_batch_comes_from_the_model() -> None:
    # Maximize x subject to memory = x <= 0.05, which no trial meets.
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.05))
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE), memory))
    observed = observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 12)
    completed = [o for o in observed if o.parameters["x"] > 0.1]
    result = suggest(spec, completed, count=2)
    assert [s.metadata for s in result.suggestions] == [{METADATA_ALGORITHM: "GP_BANDIT"}] * 2
    [a, b] = [s.parameters["x"] for s in result.suggestions]
    assert 0.0 <= a <= 1.0 and 0.0 <= b <= 1.0 and a != b
