"""Every kind of GP_BANDIT step runs on every device here: the CPU, and CUDA where present.

A step that breaks falls back to a random point with `sibyl.fallback_reason` set, so a
device bug would hide behind valid suggestions: each test asserts the step stayed
model-based. `benchmarks/gpu_check.sh` runs the CUDA cases on a GPU machine.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from sibyl_server.domain.study import (
    Goal,
    MetricSpec,
    OutcomeConstraint,
    ParameterSpec,
    PriorStudy,
    StudySpec,
)
from sibyl_server.domain.validation import check_parameters
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.importance import ImportanceMethod
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_PRIOR_WEIGHTS,
    Observation,
    Parameters,
    PriorObservations,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions
from tests.server.engine.gp.studies import LOSS, MIXED, conditional_space, gp_spec, observe

DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=[
            pytest.mark.cuda,
            pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
        ],
    ),
]
XY = (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.double("y", 0.0, 1.0))


def bowl(values: dict) -> float:
    return (values["x"] - 0.3) ** 2 + (values["y"] - 0.7) ** 2


def numeric_sum(values: dict) -> float:
    return sum(float(v) for v in values.values() if isinstance(v, int | float))


def options(device: str) -> EngineOptions:
    return EngineOptions(
        device=device, cpu_threads=1, num_restarts=3, raw_samples=128, mc_samples=64
    )


def model_based_step(
    device: str,
    spec: StudySpec,
    completed: list[Observation],
    *,
    pending: list[Parameters] | None = None,
    count: int = 1,
    state: dict | None = None,
    priors: tuple[PriorObservations, ...] = (),
) -> SuggestionResult:
    request = SuggestionRequest(spec, completed, pending or [], count, 7, state or {}, priors)
    result = Engine(options(device)).suggest(request)
    assert len(result.suggestions) == count
    for suggestion in result.suggestions:
        assert "sibyl.fallback_reason" not in suggestion.metadata, suggestion.metadata
        assert suggestion.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
        parameters = dict(suggestion.parameters)
        assert check_parameters(spec, parameters, "p") == parameters
    return result


@pytest.mark.parametrize("device", DEVICES)
def test_a_mixed_space_batch_beside_pending_trials(device: str) -> None:
    spec = gp_spec(MIXED, LOSS)
    completed = observe(spec, lambda p: {"loss": numeric_sum(p)}, 20)
    pending = [dict(completed[0].parameters)]
    model_based_step(device, spec, completed, pending=pending, count=3)


@pytest.mark.parametrize("device", DEVICES)
def test_a_conditional_space(device: str) -> None:
    spec = gp_spec(conditional_space(), LOSS)
    completed = observe(spec, lambda p: {"loss": p.get("momentum", p.get("beta1", 0.0))}, 10)
    model_based_step(device, spec, completed)


@pytest.mark.parametrize("device", DEVICES)
def test_an_outcome_constraint(device: str) -> None:
    memory = MetricSpec("memory", constraint=OutcomeConstraint(0.5))
    spec = gp_spec(XY, (*LOSS, memory))
    completed = observe(spec, lambda p: {"loss": bowl(p), "memory": p["x"]}, 10)
    model_based_step(device, spec, completed)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("objectives", [2, 3])
def test_several_objectives(device: str, objectives: int) -> None:
    metrics = tuple(MetricSpec(f"f{k}", Goal.MINIMIZE) for k in range(objectives))
    spec = gp_spec(XY, metrics)

    def measure(p: dict) -> dict[str, float]:
        corners = [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
        return {
            f"f{k}": (p["x"] - cx) ** 2 + (p["y"] - cy) ** 2
            for k, (cx, cy) in enumerate(corners[:objectives])
        }

    model_based_step(device, spec, observe(spec, measure, 10), count=2)


@pytest.mark.parametrize("device", DEVICES)
def test_the_next_step_warm_starts_from_the_state_of_the_last(device: str) -> None:
    spec = gp_spec(XY, LOSS)
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 10)
    first = model_based_step(device, spec, completed[:-1])
    model_based_step(device, spec, completed, state=dict(first.state))


@pytest.mark.parametrize("device", DEVICES)
def test_a_related_prior_study_is_weighed(device: str) -> None:
    base = gp_spec(XY, LOSS)
    name = "teams/t/studies/related"
    spec = StudySpec(
        base.parameters, base.metrics, base.algorithm, seed=7, prior_studies=(PriorStudy(name),)
    )
    prior_trials = observe(base, lambda p: {"loss": 3 * bowl(p) + 5}, 30, seed=1)
    prior = PriorObservations(name, XY, MetricSpec("loss", Goal.MINIMIZE), prior_trials)
    completed = observe(base, lambda p: {"loss": bowl(p)}, 6)
    result = model_based_step(device, spec, completed, priors=(prior,))
    assert name in result.suggestions[0].metadata[METADATA_PRIOR_WEIGHTS]


@pytest.mark.parametrize("device", DEVICES)
def test_importance_ranks_the_parameter_that_matters_first(device: str) -> None:
    spec = gp_spec(XY, LOSS)
    completed = observe(spec, lambda p: {"loss": 10 * p["x"] + 0.01 * p["y"]}, 20)
    result = Engine(options(device)).parameter_importance(spec, completed, "loss", 7)
    assert result.method is ImportanceMethod.GP_SOBOL
    assert [i.parameter for i in result.importances] == ["x", "y"]


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_a_step_on_cuda_warm_starts_from_a_smaller_step_on_the_cpu() -> None:
    spec = gp_spec(XY, LOSS)
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 12)
    switching = replace(options("cuda"), cpu_below=12)
    assert (switching.device_for(11), switching.device_for(12)) == ("cpu", "cuda")
    engine = Engine(switching)
    first = engine.suggest(SuggestionRequest(spec, completed[:-1], [], 1, 7, {}))
    second = engine.suggest(SuggestionRequest(spec, completed, [], 1, 7, dict(first.state)))
    for result in (first, second):
        assert "sibyl.fallback_reason" not in result.suggestions[0].metadata
        assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
