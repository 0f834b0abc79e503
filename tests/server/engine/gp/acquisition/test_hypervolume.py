"""Several objectives: qLogNEHVI, with the spec's reference point or an inferred one."""

from __future__ import annotations

import pytest
import torch

from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec
from sibyl_server.engine.gp.acquisition.hypervolume import reference_point
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext
from sibyl_server.engine.gp.data import step_data
from sibyl_server.engine.interface import METADATA_ALGORITHM, SuggestionRequest
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


def test_a_given_reference_point_is_in_the_objectives_modelled_units() -> None:
    # Objectives of 1e10 are modelled divided by 2^34; a reference point given in the
    # spec's units must be divided too, or it lies ~1e10 modelled units off the front.
    parameters = (ParameterSpec.double("a", 0.0, 1.0),)
    metrics = (
        MetricSpec("cost", Goal.MINIMIZE, reference_value=3e10),
        MetricSpec("speed", Goal.MAXIMIZE, reference_value=0.5),
    )
    spec = gp_spec(parameters, metrics)
    completed = observe(spec, lambda p: {"cost": 1e10 * (1 + p["a"]), "speed": p["a"]}, 6)
    data = step_data(SuggestionRequest(spec, completed, [], 1, 7), 400, torch.device("cpu"))
    assert data.training.scales == (2.0**35, 1.0)  # 2e10 / 2^35 = 0.58
    context = AcquisitionContext(spec, data, [], 1, 7, 16, None)  # type: ignore[arg-type]
    assert reference_point(context).tolist() == [-3e10 / 2.0**35, 0.5]
