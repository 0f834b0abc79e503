"""A budget parameter's schedule: which configuration runs at which budget."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
import torch

from sibyl_server.domain.study import (
    Algorithm,
    BudgetParameter,
    Goal,
    MetricSpec,
    ParameterSpec,
    StudySpec,
)
from sibyl_server.engine.budget import BudgetSchedule, target_columns
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.optimize import AcquisitionOptimizer
from sibyl_server.engine.interface import (
    METADATA_BUDGET_RUNG,
    Observation,
    Parameters,
    Suggestion,
    SuggestionRequest,
)
from sibyl_server.engine.options import EngineOptions

RUNG = METADATA_BUDGET_RUNG


def study(
    algorithm: Algorithm = Algorithm.RANDOM_SEARCH,
    goal: Goal = Goal.MINIMIZE,
    reduction_factor: int = 3,
) -> StudySpec:
    return StudySpec(
        (
            ParameterSpec.double("x", 0.0, 1.0),
            ParameterSpec.categorical("kind", ["a", "b"]),
            ParameterSpec.integer("epochs", 1, 27),
        ),
        (MetricSpec("loss", goal),),
        algorithm,
        seed=5,
        budget=BudgetParameter("epochs", reduction_factor),
    )


def run(x: float, epochs: int, loss: float | None = None) -> Observation:
    if loss is None:
        return Observation({"x": x, "kind": "a", "epochs": epochs}, {}, infeasible=True)
    return Observation({"x": x, "kind": "a", "epochs": epochs}, {"loss": loss})


def suggest(
    spec: StudySpec,
    completed: list[Observation],
    pending: list[Parameters] | None = None,
    count: int = 1,
) -> list[tuple[Parameters, str]]:
    request = SuggestionRequest(spec, completed, pending or [], count, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Engine(EngineOptions(device="cpu", torch_threads=1)).suggest(request)
    assert len(result.suggestions) == count
    return [(s.parameters, s.metadata[RUNG]) for s in result.suggestions]


@pytest.mark.parametrize(
    ("parameter", "factor", "budgets"),
    [
        (ParameterSpec.integer("e", 1, 27), 3, (1, 3, 9, 27)),
        (ParameterSpec.integer("e", 1, 100), 3, (1, 4, 11, 33, 100)),
        (ParameterSpec.integer("e", 2, 5), 2, (2, 5)),  # 5 / 2 = 2.5 rounds to 2
        (ParameterSpec.double("f", 0.1, 0.9), 3, (0.1, 0.3, 0.9)),
        (ParameterSpec.discrete("n", [100, 1000, 300]), 3, (100.0, 300.0, 1000.0)),
    ],
)
def test_budgets_run_from_the_largest_down_by_the_factor(
    parameter: ParameterSpec, factor: int, budgets: tuple[float, ...]
) -> None:
    found = BudgetParameter(parameter.name, factor).budgets(parameter)
    assert found == pytest.approx(budgets)
    assert found[0] >= (parameter.min_value or min(parameter.values))


def test_new_configurations_get_the_smallest_budget() -> None:
    chosen = suggest(study(), [], count=3)
    assert [(p["epochs"], rung) for p, rung in chosen] == [(1, "0")] * 3
    assert len({p["x"] for p, _ in chosen}) == 3


def test_the_best_of_each_third_runs_at_the_next_budget() -> None:
    finished = [run(0.1, 1, 0.5), run(0.2, 1, 0.2), run(0.3, 1, 0.9)]
    [(parameters, rung)] = suggest(study(), finished)
    assert (parameters["x"], parameters["epochs"], rung) == (0.2, 3, "1")
    # Two finished: a third of two is none yet, so a new configuration.
    [(parameters, rung)] = suggest(study(), finished[:2])
    assert (parameters["epochs"], rung) == (1, "0")
    assert parameters["x"] not in (0.1, 0.2)


def test_a_maximized_objective_promotes_its_largest_value() -> None:
    finished = [run(0.1, 1, 0.5), run(0.2, 1, 0.2), run(0.3, 1, 0.9)]
    [(parameters, _)] = suggest(study(goal=Goal.MAXIMIZE), finished)
    assert (parameters["x"], parameters["epochs"]) == (0.3, 3)


def test_a_configuration_is_promoted_once() -> None:
    finished = [run(0.1, 1, 0.5), run(0.2, 1, 0.2), run(0.3, 1, 0.9)]
    running = {"x": 0.2, "kind": "a", "epochs": 3}
    [(parameters, rung)] = suggest(study(), finished, pending=[running])
    assert (parameters["epochs"], rung) == (1, "0"), "already running at 3"
    failed = [*finished, run(0.2, 3)]  # infeasible at 3: not promoted again
    [(parameters, rung)] = suggest(study(), failed)
    assert (parameters["epochs"], rung) == (1, "0")


def test_higher_budgets_are_promoted_first_then_new_configurations_fill_the_count() -> None:
    finished = [run(x / 10, 1, x / 10) for x in range(1, 7)]  # best third: 0.1 and 0.2
    assert [(p["x"], p["epochs"]) for p, _ in suggest(study(), finished, count=2)] == [
        (0.1, 3),
        (0.2, 3),
    ]
    finished += [run(0.1, 3, 0.3), run(0.2, 3, 0.1), run(0.7, 3, 0.5)]  # best third: 0.2
    chosen = suggest(study(), finished, count=4)
    assert (chosen[0][0]["x"], chosen[0][0]["epochs"], chosen[0][1]) == (0.2, 9, "2")
    # 0.1 and 0.2 already ran at 3 epochs: the other three are new configurations.
    assert [(p["epochs"], rung) for p, rung in chosen[1:]] == [(1, "0")] * 3
    assert not {p["x"] for p, _ in chosen[1:]} & {x / 10 for x in range(1, 8)}


def test_a_larger_factor_promotes_fewer() -> None:
    spec = study(reduction_factor=4)
    assert BudgetSchedule.of(spec).budgets == (2, 7, 27)
    finished = [run(x / 10, 2, x / 10) for x in range(1, 4)]
    [(parameters, _)] = suggest(spec, finished)
    assert parameters["epochs"] == 2, "a quarter of three is none"
    finished.append(run(0.4, 2, 0.4))
    [(parameters, _)] = suggest(spec, finished)
    assert (parameters["x"], parameters["epochs"]) == (0.1, 7)


def test_a_budget_needs_a_positive_low_end() -> None:
    with pytest.raises(ValueError, match="positive min_value"):
        BudgetParameter("f").budgets(ParameterSpec.double("f", 0.0, 1.0))


def test_random_repeats_are_not_promoted() -> None:
    """A random draw of a configuration that ran is a draw, not a choice: it runs at the
    smallest budget; only GP_BANDIT's picks of a finished configuration move it up."""
    spec = StudySpec(
        (ParameterSpec.categorical("kind", ["a", "b"]), ParameterSpec.integer("epochs", 1, 9)),
        (MetricSpec("loss", Goal.MINIMIZE),),
        Algorithm.RANDOM_SEARCH,
        seed=5,
        budget=BudgetParameter("epochs"),
    )
    finished = [Observation({"kind": k, "epochs": 1}, {"loss": 0.5}) for k in ("a", "b")]
    chosen = suggest(spec, finished, count=4)
    assert [(p["epochs"], rung) for p, rung in chosen] == [(1, "0")] * 4


def test_trials_off_the_schedule_inform_only_the_model() -> None:
    spec = study()
    schedule = BudgetSchedule.of(spec)
    assert schedule.budgets == (1, 3, 9, 27)
    assert schedule.rung({"x": 0.1, "kind": "a", "epochs": 5}) is None
    finished = [run(0.1, 5, 0.0), run(0.2, 5, 0.1), run(0.3, 5, 0.2)]
    [(parameters, rung)] = suggest(spec, finished)
    assert (parameters["epochs"], rung) == (1, "0")


def sequential_run(
    spec: StudySpec, loss: Callable[[Parameters], float], steps: int, seed: int
) -> list[Suggestion]:
    """`steps` suggestions of one worker, each measured by `loss` before the next."""
    engine = Engine(EngineOptions(device="cpu", torch_threads=1))
    finished: list[Observation] = []
    suggestions: list[Suggestion] = []
    state: dict = {}
    for _ in range(steps):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = engine.suggest(SuggestionRequest(spec, finished, [], 1, seed, state))
        state = result.state
        suggestions += result.suggestions
        parameters = result.suggestions[0].parameters
        finished.append(Observation(parameters, {"loss": loss(parameters)}))
    return suggestions


def test_gp_bandit_learns_across_budgets_and_promotes() -> None:
    """GP_BANDIT's new configurations start at one epoch; the best third move up."""
    spec = study(Algorithm.GP_BANDIT)

    def loss(parameters: Parameters) -> float:
        return (float(parameters["x"]) - 0.3) ** 2 + 1.0 / int(parameters["epochs"])

    suggestions = sequential_run(spec, loss, 16, seed=5)
    budgets = [s.parameters["epochs"] for s in suggestions]
    for suggestion, budget in zip(suggestions, budgets, strict=True):
        rung = BudgetSchedule.of(spec).budgets.index(budget)
        assert suggestion.metadata[RUNG] == str(rung)
    assert budgets[:3] == [1, 1, 1], "the initial design starts at the smallest budget"
    assert budgets[3] == 3, "then the best of three moves up"
    # Later picks depend on the GP (and a machine's floating point); the schedule holds.
    assert budgets.count(1) >= 6 and max(budgets) >= 3


def test_the_acquisition_judges_configurations_at_the_largest_budget() -> None:
    spec = study(Algorithm.GP_BANDIT)
    encoding = SearchSpaceEncoding(spec.parameters)
    fixed = target_columns(spec)
    assert fixed == {2: 1.0}
    optimizer = AcquisitionOptimizer(
        encoding, EngineOptions(device="cpu"), 10, torch.device("cpu"), fixed=fixed
    )

    class Bowl(torch.nn.Module):
        """Higher at small budgets: without the pin, the optimizer would go there."""

        X_pending = None

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return -((x[..., 0] - 0.4) ** 2 + x[..., 2]).sum(-1)

    candidate = optimizer.maximize(Bowl())  # type: ignore[arg-type]
    assert candidate[0, 2].item() == 1.0
    assert candidate[0, 0].item() == pytest.approx(0.4, abs=1e-3)
    # A space of continuous columns only takes the other path, from the incumbent too.
    continuous = StudySpec(
        (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.double("fraction", 0.1, 1.0)),
        spec.metrics,
        budget=BudgetParameter("fraction"),
    )
    pinned = AcquisitionOptimizer(
        SearchSpaceEncoding(continuous.parameters),
        EngineOptions(device="cpu"),
        10,
        torch.device("cpu"),
        fixed=target_columns(continuous),
    )

    class Slope(torch.nn.Module):
        X_pending = None

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return -((x[..., 0] - 0.4) ** 2 + x[..., 1]).sum(-1)

    start = torch.tensor([0.9, 0.0], dtype=torch.float64)
    candidate = pinned.maximize(Slope(), start=start)  # type: ignore[arg-type]
    assert candidate[0, 1].item() == 1.0
    assert candidate[0, 0].item() == pytest.approx(0.4, abs=1e-3)


def test_gp_bandit_repeats_no_finished_trial_of_a_small_discrete_space() -> None:
    # A configuration that ran at every budget came back at the largest one again (the
    # model's incumbent of a deterministic loss), and the Sobol points replacing such
    # repeats ran at the smallest budget configurations that had run there.
    spec = StudySpec(
        (
            ParameterSpec.integer("a", 0, 20),
            ParameterSpec.categorical("c", ["p", "q"]),
            ParameterSpec.discrete("epochs", [1, 3, 9]),
        ),
        (MetricSpec("loss", Goal.MINIMIZE),),
        Algorithm.GP_BANDIT,
        seed=7,
        budget=BudgetParameter("epochs", 3),
    )

    def loss(parameters: Parameters) -> float:
        distance = (int(parameters["a"]) - 2) ** 2 + (parameters["c"] == "q")
        return distance + 1 / float(parameters["epochs"])

    suggestions = sequential_run(spec, loss, 25, seed=7)
    for index, suggestion in enumerate(suggestions):
        earlier = [s.parameters for s in suggestions[:index]]
        assert suggestion.parameters not in earlier, suggestion
