"""Several objectives: qLogNEHVI, with the spec's reference point or an inferred one."""

from __future__ import annotations

import pytest

from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec
from sibyl_server.engine.interface import METADATA_ALGORITHM
from tests.server.engine.gp.studies import gp_spec, observe, suggest


@pytest.mark.parametrize("reference", [None, -2.0])
def test_several_objectives_use_the_hypervolume_acquisition(reference: float | None) -> None:
    parameters = (ParameterSpec.double("a", 0.0, 1.0), ParameterSpec.double("b", 0.0, 1.0))
    metrics = (
        MetricSpec("accuracy", Goal.MAXIMIZE, reference_value=reference),
        MetricSpec("latency", Goal.MINIMIZE, reference_value=None if reference is None else 3.0),
    )
    spec = gp_spec(parameters, metrics)

    def measure(p: dict) -> dict[str, float]:
        return {"accuracy": p["a"] - 0.2 * p["b"], "latency": p["a"] ** 2 + p["b"]}

    result = suggest(spec, observe(spec, measure, 10), count=2)
    assert [s.metadata for s in result.suggestions] == [{METADATA_ALGORITHM: "GP_BANDIT"}] * 2
    # Any b > 0 is dominated (it lowers accuracy and raises latency): the front is b = 0.
    assert all(s.parameters["b"] < 0.2 for s in result.suggestions)
