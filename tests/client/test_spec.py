"""Spec classes check their arguments when built and name what is wrong."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

import sibyl
from sibyl import spec as client_spec
from sibyl.spec import StudySpec
from sibyl.v1 import study_pb2
from sibyl_server.domain import validation

X = sibyl.Double("x", 0, 1)
LOSS = sibyl.Metric("loss")


def study(**options: Any) -> StudySpec:
    return StudySpec(**{"parameters": [X], "metrics": [LOSS], **options})


def from_dict(**changes: Any) -> StudySpec:
    data = {
        "parameters": {"x": {"type": "double", "low": 0, "high": 1}},
        "metrics": {"y": "minimize"},
    }
    return StudySpec.from_dict({**data, **changes})


REFUSED: list[tuple[Callable[[], object], str]] = [
    (lambda: sibyl.Integer("layers", 1.5, 4), "Integer 'layers': low must be an integer, got 1.5"),
    (
        lambda: sibyl.Integer("layers", 1, True),
        "Integer 'layers': high must be an integer, got True",
    ),
    (lambda: sibyl.Integer("layers", 0, 4, scale="log"), "low must be at least 1 with scale 'log'"),
    (lambda: sibyl.Integer("n", 0, 2**60), "Integer 'n': high must be between -9007199254740992"),
    (
        lambda: sibyl.Double("lr", 0, 0.1, scale="log"),
        "low must be greater than 0 with scale 'log'",
    ),
    (lambda: sibyl.Double("lr", 0.1, 0.01), "Double 'lr': low must be less than high, got low=0.1"),
    (lambda: sibyl.Double("lr", "0", 1), "Double 'lr': low must be a finite number, got '0'"),
    (lambda: sibyl.Double("lr", 0, float("inf")), "high must be a finite number, got inf"),
    (lambda: sibyl.Double("lr", 0, 1, scale="exp"), "scale must be 'linear' or 'log', got 'exp'"),
    (lambda: sibyl.Double("learning rate", 0, 1), "Double 'learning rate': name must be 1 to 64"),
    (lambda: sibyl.Double("x", 0, 1, when="a"), "Double 'x': when must be a When(...) or None"),
    (lambda: sibyl.Discrete("batch", []), "Discrete 'batch': values must have 1 to 10000 numbers"),
    (lambda: sibyl.Discrete("batch", [16, "32"]), "each value must be a finite number, got '32'"),
    (lambda: sibyl.Discrete("batch", [16, 16.0]), "values must be distinct, got [16] more than"),
    (
        lambda: sibyl.Categorical("opt", "sgd"),
        "Categorical 'opt': values must be a list of strings",
    ),
    (
        lambda: sibyl.Categorical("opt", ["sgd", ""]),
        "values must be strings of 1 to 256 characters",
    ),
    (lambda: sibyl.Categorical("opt", ["sgd", 1]), "values must be strings of 1 to 256 characters"),
    (lambda: sibyl.When("opt"), "When(parent='opt'): give values=[...] of the parent, or at_least"),
    (lambda: sibyl.When("opt", ["a"], at_most=3), "give values, or at_least / at_most, not both"),
    (lambda: sibyl.When("opt", ["a", 1]), "values must be all strings or all numbers"),
    (lambda: sibyl.When("n", at_least=3, at_most=2), "at_least must not exceed at_most, got 3 > 2"),
    (
        lambda: sibyl.Metric("acc", goal="max"),
        "Metric 'acc': goal must be 'minimize' or 'maximize'",
    ),
    (lambda: sibyl.Metric("acc", reference_value="0"), "reference_value must be a finite number"),
    (lambda: sibyl.Constraint("memory_gb"), "Constraint 'memory_gb': give at_most, at_least or"),
    (lambda: sibyl.Constraint("m", at_most=1, at_least=2), "at_least must not exceed at_most"),
    (lambda: sibyl.MedianStopping(min_trials=0), "MedianStopping: min_trials must be at least 1"),
    (lambda: sibyl.SuccessiveHalving(min_step=0), "SuccessiveHalving: min_step must be at least 1"),
    (
        lambda: sibyl.SuccessiveHalving(reduction_factor=1.5),
        "reduction_factor must be between 2 and 100",
    ),
    (lambda: sibyl.SuccessiveHalving(brackets=11), "brackets must be between 1 and 10, got 11"),
    (lambda: sibyl.SuccessiveHalving(brackets=0), "brackets must be between 1 and 10, got 0"),
    (
        lambda: sibyl.LearningCurveStopping(3, min_step=3),
        "final_step must be above min_step, got final_step=3",
    ),
    (lambda: sibyl.LearningCurveStopping(10.5), "final_step must be an integer, got 10.5"),
    (lambda: sibyl.ModelStopping(min_probability=1.0), "min_probability must be above 0 and"),
    (lambda: sibyl.ModelStopping(reduction_factor=1), "reduction_factor must be between 2 and 100"),
    (lambda: sibyl.ModelStopping(reduction_factor=1e306), "reduction_factor must be between 2"),
    (lambda: sibyl.ModelStopping(min_step=0), "ModelStopping: min_step must be at least 1"),
    (
        lambda: study(early_stopping=sibyl.ModelStopping()),
        "early_stopping=ModelStopping() needs a fidelity",
    ),
    (lambda: study(algorithm="bayes"), "StudySpec: algorithm must be one of gp_bandit, random_"),
    (lambda: study(max_trials=-1), "StudySpec: max_trials must be between 0 and 1000000, got -1"),
    (lambda: study(seed=-1), "StudySpec: seed must be between 0 and"),
    (lambda: study(trial_lease_seconds=0.5), "trial_lease_seconds must be between 1 second and"),
    (lambda: study(grid_resolution=1), "StudySpec: grid_resolution must be between 2 and 1000"),
    (lambda: study(initial_trials=0), "StudySpec: initial_trials must be between 1 and 10000"),
    (lambda: study(stall_restarts="yes"), "StudySpec: stall_restarts must be True, False or None"),
    (lambda: study(early_stopping="median"), "early_stopping must be MedianStopping, Successive"),
    (lambda: sibyl.Fidelity(max_step=1), "Fidelity: max_step must be between 2 and 1000000"),
    (lambda: sibyl.Fidelity(max_step=9.5), "Fidelity: max_step must be an integer, got 9.5"),
    (lambda: study(fidelity=27), "StudySpec: fidelity must be Fidelity(max_step=...) or None"),
    (lambda: sibyl.Budget("epochs", 1), "Budget: reduction_factor must be between 2 and 10, got 1"),
    (lambda: sibyl.Budget("epochs", 3.5), "Budget: reduction_factor must be an integer, got 3.5"),
    (lambda: sibyl.Budget("2 epochs"), "Budget: parameter"),
    (lambda: study(budget_parameter="epochs"), "budget_parameter names no parameter: 'epochs'"),
    (lambda: study(budget_parameter=3), "budget_parameter must be Budget, str or None, got 3"),
    (lambda: study(parameters=[]), "StudySpec: parameters must have 1 to 100 items, got 0"),
    (lambda: study(parameters=X), "StudySpec: parameters must be a list"),
    (lambda: study(parameters=[X, X]), "StudySpec: parameter name 'x' is used twice"),
    (lambda: study(parameters=[LOSS]), "parameters must be Double, Integer, Discrete or Categ"),
    (lambda: study(metrics=[sibyl.Constraint("m", at_most=1)]), "1 to 4 objectives (Metric)"),
    (lambda: study(metrics=[sibyl.Metric("x")]), "StudySpec: 'x' is both a parameter and a metric"),
    (
        lambda: study(parameters=[sibyl.Double("m", 0, 1, when=sibyl.When("opt", ["sgd"]))]),
        "Double 'm': when.parent 'opt' is not a parameter of the spec; it has ['m']",
    ),
    (
        lambda: study(parameters=[sibyl.Integer("n", 1, 3, when=sibyl.When("n", at_least=2))]),
        "Integer 'n': a parameter cannot be its own parent",
    ),
]


@pytest.mark.parametrize(("build", "message"), REFUSED)
def test_a_wrong_argument_is_refused_when_built(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        build()
    assert message in str(caught.value)


DICT_REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"budget": 3}, "spec: unknown spec keys ['budget']; valid keys are ['algorithm'"),
    ({"parameters": None}, "spec: 'parameters' is None; it must be a dict from names to def"),
    (
        {"parameters": {"lr": {"type": "double", "lo": 0, "high": 1}}},
        "parameter 'lr': unknown keys ['lo']; valid keys are ['low', 'high', 'scale', 'when']",
    ),
    ({"parameters": {"lr": {"type": "double", "high": 1}}}, "parameter 'lr': missing keys ['low']"),
    (
        {"parameters": {"lr": {"type": "float", "low": 0, "high": 1}}},
        "parameter 'lr': 'type' must be one of ['categorical', 'discrete', 'double', 'integer']",
    ),
    ({"parameters": {"lr": [1, "a"]}}, "parameter 'lr': use a dict with a 'type', or a non-empty"),
    ({"parameters": {"n": {"type": "integer", "low": 1.5, "high": 4}}}, "Integer 'n': low must be"),
    (
        {"parameters": {"n": {"type": "integer", "low": 1, "high": 4, "when": {"parent": "x"}}}},
        "When(parent='x'): give values=[...] of the parent",
    ),
    (
        {"parameters": {"n": {"type": "integer", "low": 1, "high": 4, "when": {"of": "x"}}}},
        "parameter 'n': when: unknown keys ['of']",
    ),
    ({"metrics": {"acc": "max"}}, "Metric 'acc': goal must be 'minimize' or 'maximize', got 'max'"),
    ({"metrics": {"m": {"at_mst": 8}}}, "metric 'm': unknown keys ['at_mst']; valid keys are"),
    ({"metrics": {"m": 8}}, "metric 'm': use 'minimize', 'maximize'"),
    ({"early_stopping": {"rule": "asha"}}, "early_stopping: must be a dict with a 'rule' of"),
    (
        {"early_stopping": {"rule": "learning_curve"}},
        "early_stopping (learning_curve): missing keys ['final_step']",
    ),
    ({"early_stopping": {"rule": "median", "min_step": -1}}, "MedianStopping: min_step must be"),
    ({"fidelity": 27}, "fidelity: must be a dict such as {'max_step': 27}, got 27"),
    ({"fidelity": {"max_steps": 27}}, "fidelity: unknown keys ['max_steps']"),
    ({"budget_parameter": 3}, "budget_parameter: must be a parameter's name or a dict such as"),
    ({"budget_parameter": {"name": "x"}}, "budget_parameter: unknown keys ['name']"),
]


@pytest.mark.parametrize(("changes", "message"), DICT_REFUSED)
def test_the_plain_data_form_names_what_is_wrong(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        from_dict(**changes)
    assert message in str(caught.value)


def test_a_list_is_not_a_spec() -> None:
    with pytest.raises(ValueError, match="spec: must be a dict or a StudySpec, got list"):
        client_spec.as_spec([X])  # type: ignore[arg-type]


def test_valid_specs_build_and_keep_their_values() -> None:
    values = [16, 32]
    batch = sibyl.Discrete("batch", values)
    values.append(float("nan"))  # a later change to the caller's list is not seen
    assert batch.values == (16, 32)
    when = sibyl.When("optimizer", ["sgd"])
    spec = StudySpec(
        parameters=[
            sibyl.Categorical("optimizer", ["sgd", "adam"]),
            sibyl.Double("momentum", 0.0, 0.99, when=when),
            sibyl.Integer("layers", 1, 8, scale="LOG"),
            batch,
        ],
        metrics=[sibyl.Metric("acc", "MAXIMIZE"), sibyl.Constraint("memory_gb", at_most=8)],
        algorithm="GP_BANDIT",
        max_trials=0,
        trial_lease_seconds=60,
        early_stopping=sibyl.LearningCurveStopping(10),
    )
    message = spec.to_proto()
    assert message.parameters[1].condition.categories.values == ["sgd"]
    assert message.metrics[0].goal == study_pb2.GOAL_MAXIMIZE
    assert message.max_trials == 0 and message.trial_lease.seconds == 60
    curve = message.early_stopping.learning_curve
    assert curve == study_pb2.LearningCurveRule(final_step=10), "unset: the server's default"
    assert from_dict(parameters={"n": {"type": "integer", "low": 1, "high": 4}}).parameters == (
        sibyl.Integer("n", 1, 4),
    )
    fidelity = from_dict(fidelity={"max_step": 27}).fidelity
    assert fidelity == sibyl.Fidelity(27)
    assert dataclasses.replace(spec, fidelity=fidelity).to_proto().fidelity.max_step == 27
    by_model = from_dict(fidelity={"max_step": 27}, early_stopping={"rule": "model"}).to_proto()
    assert by_model.early_stopping.model == study_pb2.ModelStoppingRule(), "unset: the server's"
    chosen = sibyl.ModelStopping(min_probability=0.2).to_proto().model
    assert chosen == study_pb2.ModelStoppingRule(min_probability=0.2)
    assert not message.HasField("fidelity")
    assert not message.HasField("budget_parameter")
    with_budget = dataclasses.replace(spec, budget_parameter="layers").to_proto()
    assert with_budget.budget_parameter == study_pb2.BudgetParameter(
        parameter="layers", reduction_factor=3
    )
    fraction = {"fraction": {"type": "double", "low": 0.1, "high": 1}}
    budgeted = from_dict(parameters=fraction, budget_parameter="fraction")
    assert budgeted.budget_parameter == sibyl.Budget("fraction")
    given = {"parameter": "fraction", "reduction_factor": 2}
    budgeted = from_dict(parameters=fraction, budget_parameter=given)
    assert budgeted.budget_parameter == sibyl.Budget("fraction", 2)
    with pytest.raises(ValueError, match="budget_parameter 'x' needs a low end above 0"):
        from_dict(budget_parameter="x")
    assert not message.HasField("stall_restarts"), "unset: the server's default"
    assert from_dict(stall_restarts=True).to_proto().stall_restarts
    declined = from_dict(stall_restarts=False).to_proto()
    assert declined.HasField("stall_restarts") and not declined.stall_restarts


def test_the_limits_are_the_servers() -> None:
    """The client mirrors a few of the server's limits; the server stays the authority."""
    for name in (
        "MAX_PARAMETERS",
        "MAX_METRICS",
        "MAX_OBJECTIVES",
        "MAX_DISCRETE_VALUES",
        "MAX_CATEGORIES",
        "MAX_CATEGORY_LENGTH",
        "MAX_INTEGER",
        "MAX_TRIALS",
        "MAX_FIDELITY_STEP",
    ):
        assert getattr(client_spec, name) == getattr(validation, name), name
    assert client_spec.NAME.pattern == validation.NAME.pattern
    assert client_spec.LEASE_SECONDS == validation.LEASE_SECONDS_RANGE
    assert client_spec.GRID_RESOLUTION == validation.GRID_RESOLUTION_RANGE
    assert client_spec.INITIAL_TRIALS == validation.INITIAL_TRIALS_RANGE
    assert client_spec.BUDGET_REDUCTION == validation.BUDGET_REDUCTION_RANGE
