"""A spec mismatch lists each differing field with the stored and the given value."""

from __future__ import annotations

import dataclasses

import pytest

import sibyl
from sibyl.spec_diff import mismatch_message, spec_differences

CLIENT_OPTIONS = {"team": "spec-diff-tests"}

STORED = sibyl.StudySpec(
    parameters=[
        sibyl.Categorical("optimizer", ["sgd", "adam"]),
        sibyl.Double("lr", 1e-5, 0.1, scale="log"),
        sibyl.Discrete("batch", [16, 32, 64]),  # as the server stores them: ascending
        sibyl.Double("momentum", 0.0, 0.99, when=sibyl.When("optimizer", ["sgd"])),
    ],
    metrics=[sibyl.Metric("accuracy", "maximize"), sibyl.Constraint("memory_gb", at_most=8)],
    max_trials=50,
)


def differences(**changes: object) -> list[str]:
    given = dataclasses.replace(STORED, **changes)
    return spec_differences(given.to_proto(), STORED.to_proto())


def test_the_same_spec_has_no_differences() -> None:
    assert differences() == []
    reordered = [
        *STORED.parameters[:2],
        sibyl.Discrete("batch", [64, 16, 32]),
        STORED.parameters[3],
    ]
    assert differences(parameters=reordered) == [], "the server stores discrete values ascending"


def test_an_unset_stopping_setting_takes_the_stored_value() -> None:
    stored = STORED.to_proto()
    stored.early_stopping.median.min_trials = 4  # the server reports the value in use
    unset = dataclasses.replace(STORED, early_stopping=sibyl.MedianStopping())
    assert spec_differences(unset.to_proto(), stored) == []
    given = dataclasses.replace(STORED, early_stopping=sibyl.MedianStopping(min_trials=5))
    assert spec_differences(given.to_proto(), stored) == [
        "early_stopping: stored median(min_trials=4), given median(min_trials=5)"
    ]
    other_rule = dataclasses.replace(STORED, early_stopping=sibyl.LearningCurveStopping(9))
    assert spec_differences(other_rule.to_proto(), stored) == [
        "early_stopping: stored median(min_trials=4), given learning_curve(final_step=9)"
    ]
    assert spec_differences(STORED.to_proto(), stored) == [
        "early_stopping: stored median(min_trials=4), given none"
    ]


def test_a_median_min_step_of_0_is_a_setting_of_its_own() -> None:
    # min_step is optional in the contract: 0 given against a stored 5 is a difference,
    # not "unset, take the stored value" (a study loaded with another policy).
    stored = dataclasses.replace(STORED, early_stopping=sibyl.MedianStopping(min_step=5))
    zero = dataclasses.replace(STORED, early_stopping=sibyl.MedianStopping(min_step=0))
    assert spec_differences(zero.to_proto(), stored.to_proto()) == [
        "early_stopping: stored median(min_step=5), given median(min_step=0)"
    ]
    unset = dataclasses.replace(STORED, early_stopping=sibyl.MedianStopping())
    assert spec_differences(unset.to_proto(), stored.to_proto()) == []
    assert spec_differences(zero.to_proto(), zero.to_proto()) == []


def test_each_difference_names_the_field_and_both_values() -> None:
    parameters = list(STORED.parameters)
    parameters[1] = sibyl.Double("lr", 1e-5, 1, scale="log")
    assert differences(parameters=parameters, max_trials=100) == [
        "parameters[1] 'lr': stored double 1e-05..0.1 log, given double 1e-05..1 log",
        "max_trials: stored 50, given 100",
    ]
    assert differences(algorithm="random_search", max_trials=None) == [
        "algorithm: stored gp_bandit, given random_search",
        "max_trials: stored 50, given none",
    ]
    assert differences(early_stopping=sibyl.SuccessiveHalving()) == [
        "early_stopping: stored none, given successive_halving(min_step=1)"
    ]


def test_parameters_added_removed_changed_and_moved() -> None:
    optimizer, lr, batch, _ = STORED.parameters
    changed = [
        lr,
        optimizer,
        sibyl.Integer("batch", 16, 64),
        sibyl.Double("momentum", 0.0, 0.99, when=sibyl.When("optimizer", ["adam"])),
        sibyl.Integer("layers", 1, 4, when=sibyl.When("lr", at_most=0.01)),
    ]
    assert differences(parameters=changed) == [
        "parameters[2] 'batch': stored discrete [16, 32, 64], given integer 16..64 linear",
        "parameters[3] 'momentum': stored double 0..0.99 linear when optimizer in ['sgd'], "
        "given double 0..0.99 linear when optimizer in ['adam']",
        "parameters[4] 'layers': stored none, given integer 1..4 linear when lr <= 0.01",
        "parameters order: stored ['optimizer', 'lr', 'batch', 'momentum'], "
        "given ['lr', 'optimizer', 'batch', 'momentum']",
    ]
    assert differences(parameters=[optimizer, lr, batch]) == [
        "parameters 'momentum': stored double 0..0.99 linear when optimizer in ['sgd'], given none"
    ]


def test_metrics_goals_references_and_constraints() -> None:
    metrics = [
        sibyl.Metric("accuracy", "maximize", reference_value=0.5),
        sibyl.Constraint("memory_gb", at_least=1, at_most=8),
    ]
    assert differences(metrics=metrics) == [
        "metrics[0] 'accuracy': stored maximize, given maximize (reference_value=0.5)",
        "metrics[1] 'memory_gb': stored constraint at_most=8, given constraint at_least=1, "
        "at_most=8",
    ]


def test_the_message_says_how_to_go_on() -> None:
    lines = ["parameters[1] 'lr': stored double 1e-05..0.1 log", "max_trials: stored 50, given 9"]
    message = mismatch_message("teams/t/studies/s", "s", lines)
    assert message.splitlines() == [
        "study teams/t/studies/s exists with different parameters and max_trials:",
        "  parameters[1] 'lr': stored double 1e-05..0.1 log",
        "  max_trials: stored 50, given 9",
        "Use another study id for this spec, or use the stored study as it is: "
        "client.get_study('s'), or pass its stored spec.",
        "The budget of a study can change: client.get_study('s').update(max_trials=N), "
        "or `sibyl update-study s --max-trials N`.",
    ]


def test_create_or_load_study_lists_the_differences(client: sibyl.Client, unique_id: str) -> None:
    stored = client.create_or_load_study(unique_id, STORED)
    assert client.create_or_load_study(unique_id, STORED).name == stored.name
    given = dataclasses.replace(STORED, max_trials=100, algorithm="quasi_random_search")
    with pytest.raises(ValueError) as caught:
        client.create_or_load_study(unique_id, given)
    lines = str(caught.value).splitlines()
    assert lines[:3] == [
        f"study {stored.name} exists with different algorithm and max_trials:",
        "  algorithm: stored gp_bandit, given quasi_random_search",
        "  max_trials: stored 50, given 100",
    ]
    assert f"client.get_study({unique_id!r})" in lines[3]


def test_a_stopping_policy_loads_with_the_servers_defaults(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = dataclasses.replace(STORED, early_stopping=sibyl.LearningCurveStopping(12))
    stored = client.create_or_load_study(unique_id, spec)
    curve = stored.proto.spec.early_stopping.learning_curve
    assert curve.final_step == 12 and curve.min_step > 0 and curve.min_trials > 0
    assert client.create_or_load_study(unique_id, spec).name == stored.name
    changed = dataclasses.replace(spec, early_stopping=sibyl.LearningCurveStopping(12, min_step=5))
    with pytest.raises(ValueError, match="early_stopping: stored learning_curve"):
        client.create_or_load_study(unique_id, changed)


def test_a_fidelity_study_loads_with_the_servers_schedule(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("lr", 1e-5, 0.1, scale="log")],
        metrics=[sibyl.Metric("val_error")],
        fidelity=sibyl.Fidelity(max_step=27),
    )
    stored = client.create_or_load_study(unique_id, spec)
    assert stored.proto.spec.fidelity.max_step == 27
    assert stored.proto.spec.early_stopping.WhichOneof("rule") == "successive_halving"
    assert client.create_or_load_study(unique_id, spec).name == stored.name
    changed = dataclasses.replace(spec, fidelity=sibyl.Fidelity(max_step=9))
    with pytest.raises(ValueError, match=r"fidelity: stored Fidelity\(max_step=27\), given Fid"):
        client.create_or_load_study(unique_id, changed)
    plain = dataclasses.replace(spec, fidelity=None)
    with pytest.raises(ValueError, match=r"fidelity: stored Fidelity\(max_step=27\), given none"):
        client.create_or_load_study(unique_id, plain)


def test_a_study_with_a_budget_parameter_loads_only_with_the_same_one(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("lr", 1e-5, 0.1, scale="log"), sibyl.Integer("epochs", 1, 27)],
        metrics=[sibyl.Metric("val_error")],
        budget_parameter="epochs",
    )
    stored = client.create_or_load_study(unique_id, spec)
    assert stored.proto.spec.budget_parameter.parameter == "epochs"
    assert client.create_or_load_study(unique_id, spec).name == stored.name
    changed = dataclasses.replace(spec, budget_parameter=sibyl.Budget("epochs", 2))
    with pytest.raises(ValueError, match=r"budget_parameter: stored Budget\(parameter=epochs, "):
        client.create_or_load_study(unique_id, changed)
    plain = dataclasses.replace(spec, budget_parameter=None)
    with pytest.raises(ValueError, match=r"reduction_factor=3\), given none"):
        client.create_or_load_study(unique_id, plain)


def test_a_study_loads_with_its_restarts_or_a_spec_that_leaves_them_unset(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = sibyl.StudySpec(parameters=[sibyl.Double("x", 0, 1)], metrics=[sibyl.Metric("loss")])
    stored = client.create_or_load_study(unique_id, spec)
    assert not stored.proto.spec.stall_restarts, "the test server's default, fixed"
    declined = dataclasses.replace(spec, stall_restarts=False)
    assert client.create_or_load_study(unique_id, declined).name == stored.name
    assert client.create_or_load_study(unique_id, spec).name == stored.name
    wanted = dataclasses.replace(spec, stall_restarts=True)
    with pytest.raises(ValueError, match="stall_restarts: stored false, given true"):
        client.create_or_load_study(unique_id, wanted)
    quasi = dataclasses.replace(spec, algorithm="quasi_random_search")
    assert differences_between(dataclasses.replace(quasi, stall_restarts=False), quasi) == []


def differences_between(given: sibyl.StudySpec, stored: sibyl.StudySpec) -> list[str]:
    return spec_differences(given.to_proto(), stored.to_proto())
