from __future__ import annotations

import dataclasses
import math

import pytest

from sibyl_server.domain.errors import InvalidArgument, quoted, quoted_list
from sibyl_server.domain.study import (
    Algorithm,
    BudgetParameter,
    EarlyStoppingPolicy,
    EarlyStoppingRule,
    Fidelity,
    Goal,
    MetricSpec,
    ParameterSpec,
    ParentCondition,
    PriorStudy,
    ScaleType,
    StudySpec,
    stopping_policy,
)
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Measurement
from sibyl_server.domain.validation import (
    check_measurement,
    check_metadata,
    check_parameters,
    check_quotas,
    check_spec,
    check_text,
    check_token_ttl,
)

LOG = ScaleType.LOG


def make_spec(*parameters: ParameterSpec, **options: object) -> StudySpec:
    return StudySpec(
        parameters=parameters or (ParameterSpec.double("x", 0, 1),),
        metrics=(MetricSpec("loss", Goal.MINIMIZE),),
        **options,  # type: ignore[arg-type]
    )


def field_of(spec: StudySpec) -> str:
    with pytest.raises(InvalidArgument) as caught:
        check_spec(spec, "study.spec")
    return caught.value.field


FULL = make_spec(
    ParameterSpec.double("lr", 1e-5, 1e-1, LOG),
    ParameterSpec.integer("layers", 1, 8),
    ParameterSpec.integer("units", 16, 1024, LOG),
    ParameterSpec.discrete("batch", [128, 16, 32, 64]),
    ParameterSpec.categorical("opt", ["sgd", "adam"]),
)


def test_a_full_spec_is_valid() -> None:
    check_spec(FULL, "study.spec")
    assert FULL.parameter("batch").values == (16, 32, 64, 128)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (
            make_spec(ParameterSpec.double("x", 1, 1)),
            "study.spec.parameters[0].double_range.min_value",
        ),
        (
            make_spec(ParameterSpec.double("x", 2, 1)),
            "study.spec.parameters[0].double_range.min_value",
        ),
        (
            make_spec(ParameterSpec.double("x", 0, 1, LOG)),
            "study.spec.parameters[0].double_range.min_value",
        ),
        (
            make_spec(ParameterSpec.double("x", -1, 1, LOG)),
            "study.spec.parameters[0].double_range.min_value",
        ),
        (
            make_spec(ParameterSpec.integer("x", 0, 5, LOG)),
            "study.spec.parameters[0].integer_range.min_value",
        ),
        (
            make_spec(ParameterSpec.double("x", math.nan, 1)),
            "study.spec.parameters[0].double_range.min_value",
        ),
        (
            make_spec(ParameterSpec.double("x", 0, math.inf)),
            "study.spec.parameters[0].double_range.max_value",
        ),
        (
            make_spec(ParameterSpec.integer("x", 0, 2**60)),
            "study.spec.parameters[0].integer_range.max_value",
        ),
        (
            make_spec(ParameterSpec.discrete("x", [])),
            "study.spec.parameters[0].discrete_values.values",
        ),
        (
            make_spec(ParameterSpec.discrete("x", [1, 1])),
            "study.spec.parameters[0].discrete_values.values",
        ),
        (
            make_spec(ParameterSpec.discrete("x", [1, math.nan])),
            "study.spec.parameters[0].discrete_values.values[1]",
        ),
        (
            make_spec(ParameterSpec.categorical("x", [])),
            "study.spec.parameters[0].categorical_values.values",
        ),
        (
            make_spec(ParameterSpec.categorical("x", ["a", "a"])),
            "study.spec.parameters[0].categorical_values.values",
        ),
        (
            make_spec(ParameterSpec.categorical("x", ["a", ""])),
            "study.spec.parameters[0].categorical_values.values[1]",
        ),
        (make_spec(ParameterSpec.double("", 0, 1)), "study.spec.parameters[0].name"),
        (make_spec(ParameterSpec.double("1x", 0, 1)), "study.spec.parameters[0].name"),
        (
            make_spec(ParameterSpec.double("x", 0, 1), ParameterSpec.double("x", 0, 2)),
            "study.spec.parameters[1].name",
        ),
        (make_spec(max_trials=0), "study.spec.max_trials"),
        (make_spec(lease_seconds=0.5), "study.spec.trial_lease"),
        (make_spec(grid_resolution=1), "study.spec.grid_resolution"),
        (make_spec(num_initial_trials=0), "study.spec.initial_trials"),
    ],
)
def test_invalid_specs_name_the_wrong_field(spec: StudySpec, field: str) -> None:
    assert field_of(spec) == field


@pytest.mark.parametrize(
    "change",
    [
        {"algorithm": Algorithm.RANDOM_SEARCH},
        {"metrics": (MetricSpec("loss", Goal.MINIMIZE), MetricSpec("time", Goal.MINIMIZE))},
        {"prior_studies": (PriorStudy("teams/t/studies/old"),)},
        {"fidelity": Fidelity(27)},
        {"budget": BudgetParameter("x")},
    ],
    ids=["random search", "two objectives", "priors", "fidelity", "budget parameter"],
)
def test_only_a_plain_gp_study_may_ask_for_restarts(change: dict[str, object]) -> None:
    spec = dataclasses.replace(make_spec(ParameterSpec.double("x", 0.1, 1)), **change)
    check_spec(spec, "study.spec")  # the change alone is fine
    check_spec(dataclasses.replace(spec, stall_restarts=False), "study.spec")
    assert field_of(dataclasses.replace(spec, stall_restarts=True)) == "study.spec.stall_restarts"
    plain = make_spec(stall_restarts=True)
    check_spec(plain, "study.spec")


def test_parameters_and_metrics_are_required_and_bounded() -> None:
    assert field_of(dataclasses.replace(FULL, parameters=())) == "study.spec.parameters"
    many = tuple(ParameterSpec.double(f"x{i}", 0, 1) for i in range(101))
    assert field_of(dataclasses.replace(FULL, parameters=many)) == "study.spec.parameters"
    assert field_of(dataclasses.replace(FULL, metrics=())) == "study.spec.metrics"
    clash = (MetricSpec("lr", Goal.MINIMIZE),)
    assert field_of(dataclasses.replace(FULL, metrics=clash)) == "study.spec.metrics[0].name"


def test_parameter_values_are_canonicalized() -> None:
    values = check_parameters(
        FULL, {"lr": 0.01, "layers": 3.0, "units": 64, "batch": 32, "opt": "adam"}, "p"
    )
    assert values == {"lr": 0.01, "layers": 3, "units": 64, "batch": 32.0, "opt": "adam"}
    assert isinstance(values["layers"], int)
    assert isinstance(values["batch"], float)


def test_a_discrete_value_is_the_value_sent_or_the_one_within_a_relative_tolerance() -> None:
    # The tolerance was absolute below 1: 1e-11 was stored as 1e-12.
    tiny = make_spec(ParameterSpec.discrete("eps", [1e-12, 1e-11, 1e-10, 1e-9, 1e-8]))
    for value in (1e-12, 1e-11, 1e-10, 1e-9, 1e-8):
        assert check_parameters(tiny, {"eps": value}, "p") == {"eps": value}
    assert check_parameters(tiny, {"eps": 1e-11 * (1 + 1e-12)}, "p") == {"eps": 1e-11}
    with pytest.raises(InvalidArgument):
        check_parameters(tiny, {"eps": 1.5e-11}, "p")
    third = make_spec(ParameterSpec.discrete("f", [1 / 3, 2 / 3, 1.0]))
    assert check_parameters(third, {"f": 0.333333333333}, "p") == {"f": 1 / 3}


def test_discrete_values_too_close_to_tell_apart_are_refused() -> None:
    close = make_spec(ParameterSpec.discrete("d", [1.0, 1.0 + 1e-12, 2.0]))
    assert field_of(close) == "study.spec.parameters[0].discrete_values.values"


def test_a_condition_on_a_discrete_parent_holds_for_the_value_it_was_within_tolerance_of() -> None:
    # A condition value of 0.333333333333 never held for a trial's 1/3 (to which the
    # trial's 0.333333333333 is snapped): the child was never active.
    spec = make_spec(
        ParameterSpec.discrete("f", [1 / 3, 2 / 3, 1.0]),
        dataclasses.replace(
            ParameterSpec.double("lr", 0.001, 1.0),
            condition=ParentCondition("f", numbers=(0.333333333333,)),
        ),
    )
    check_spec(spec, "study.spec")
    condition = spec.parameters[1].condition
    assert condition is not None and condition.holds(1 / 3) and not condition.holds(2 / 3)
    assert check_parameters(spec, {"f": 0.333333333333, "lr": 0.01}, "p") == {
        "f": 1 / 3,
        "lr": 0.01,
    }
    # An INTEGER parent's values are compared exactly, however large.
    assert not ParentCondition("n", numbers=(10.0**12,)).holds(10**12 + 1)


def test_a_discrete_value_near_0_snaps_to_0_at_the_scale_of_the_other_values() -> None:
    # A purely relative tolerance left no room around 0: 0.1 + 0.2 - 0.3 was refused.
    spec = make_spec(ParameterSpec.discrete("d", [0.0, 0.5, 1.0]))
    assert check_parameters(spec, {"d": 0.1 + 0.2 - 0.3}, "p") == {"d": 0.0}
    with pytest.raises(InvalidArgument):
        check_parameters(spec, {"d": 1e-6}, "p")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lr": 0.5}, "p['lr']"),
        ({"lr": math.nan}, "p['lr']"),
        ({"lr": math.inf}, "p['lr']"),
        ({"lr": "fast"}, "p['lr']"),
        ({"layers": 2.5}, "p['layers']"),
        ({"layers": 9}, "p['layers']"),
        ({"batch": 48}, "p['batch']"),
        ({"opt": "lbfgs"}, "p['opt']"),
        ({"opt": 1.0}, "p['opt']"),
        ({"momentum": 0.9}, "p['momentum']"),
    ],
)
def test_bad_parameter_values_name_the_parameter(change: dict[str, object], field: str) -> None:
    good = {"lr": 0.01, "layers": 3, "units": 64, "batch": 32, "opt": "adam"}
    with pytest.raises(InvalidArgument) as caught:
        check_parameters(FULL, {**good, **change}, "p")  # type: ignore[arg-type]
    assert caught.value.field == field


def test_missing_parameter_is_rejected() -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_parameters(FULL, {"lr": 0.01}, "p")
    assert caught.value.field == "p['layers']"


@pytest.mark.parametrize(
    ("measurement", "final", "field"),
    [
        (Measurement({"loss": math.nan}), True, "m.metrics['loss']"),
        (Measurement({"loss": -math.inf}), True, "m.metrics['loss']"),
        (Measurement({"1acc": 1.0}), False, "m.metrics['1acc']"),
        (Measurement({"acc": 1.0}), True, "m.metrics"),
        (Measurement({f"m{i}": 1.0 for i in range(65)}), False, "m.metrics"),
        (Measurement({}), True, "m.metrics"),
        (Measurement({}), False, "m.metrics"),
        (Measurement({"loss": 1.0}, step=-1), False, "m.step"),
        (Measurement({"loss": 1.0}, elapsed_seconds=math.nan), False, "m.elapsed_seconds"),
    ],
)
def test_bad_measurements(measurement: Measurement, final: bool, field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_measurement(FULL, measurement, "m", final=final)
    assert caught.value.field == field


# Hostile input: what the fuzz suite (tests/fuzz) found ---------------------------------


@pytest.mark.parametrize("name", ["x\n", "x ", " x", "x\x00", "x\t", "é", "x" * 65])
def test_names_are_matched_whole(name: str) -> None:
    spec = make_spec(ParameterSpec.double(name, 0, 1))
    assert field_of(spec) == "study.spec.parameters[0].name"


def test_seeds_are_between_0_and_2_to_the_63() -> None:
    assert field_of(make_spec(seed=-1)) == "study.spec.seed"
    check_spec(make_spec(seed=0), "study.spec")
    check_spec(make_spec(seed=2**63 - 1), "study.spec")


def test_a_range_too_wide_for_doubles_is_refused() -> None:
    spec = make_spec(ParameterSpec.double("x", -1e308, 1e308))
    assert field_of(spec) == "study.spec.parameters[0].double_range.max_value"


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        (EarlyStoppingPolicy(EarlyStoppingRule.MEDIAN, min_trials=0), "median.min_trials"),
        (EarlyStoppingPolicy(EarlyStoppingRule.MEDIAN, min_step=-1), "median.min_step"),
        (
            EarlyStoppingPolicy(EarlyStoppingRule.SUCCESSIVE_HALVING, min_step=0),
            "successive_halving.min_step",
        ),
        (
            EarlyStoppingPolicy(EarlyStoppingRule.LEARNING_CURVE, min_trials=-3, final_step=9),
            "learning_curve.min_trials",
        ),
    ],
)
def test_early_stopping_errors_name_the_rule(policy: EarlyStoppingPolicy, field: str) -> None:
    assert field_of(make_spec(early_stopping=policy)) == f"study.spec.early_stopping.{field}"


def test_int_values_are_compared_without_rounding() -> None:
    spec = make_spec(ParameterSpec.integer("n", 0, 2**53))
    assert check_parameters(spec, {"n": 2**53}, "p") == {"n": 2**53}
    with pytest.raises(InvalidArgument):
        check_parameters(spec, {"n": 2**53 + 1}, "p")  # 2^53 as a double


def test_unknown_names_are_quoted_short() -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_parameters(FULL, {"é" * 5000: 1.0}, "p")
    assert len(caught.value.message) < 400
    assert caught.value.field.startswith("p['éééé") and "(5000 characters)" in caught.value.field
    with pytest.raises(InvalidArgument) as caught:
        check_measurement(FULL, Measurement({"m" * 5000: 1.0}), "m", final=False)
    assert len(caught.value.message) < 400


def test_quoted_shows_the_beginning_and_control_characters() -> None:
    assert quoted("lr") == "'lr'"
    assert quoted("default\n") == "'default\\n'"
    assert quoted("x" * 100) == repr("x" * 64) + "... (100 characters)"
    assert quoted_list([f"c{i}" for i in range(30)]).endswith("... (30 values)]")


@pytest.mark.parametrize(
    ("text", "single_line", "ok"),
    [
        ("two\nlines\tand a tab\r\n", False, True),
        ("two\nlines", True, False),
        ("nul\x00", False, False),
        ("escape\x1b[0m", False, False),
        ("del\x7f", False, False),
        ("c1\x85", False, False),
        ("unicode é 😀", True, True),
    ],
)
def test_free_text_control_characters(text: str, single_line: bool, ok: bool) -> None:
    if ok:
        assert check_text(text, 100, "t", single_line=single_line) == text
    else:
        with pytest.raises(InvalidArgument):
            check_text(text, 100, "t", single_line=single_line)


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"k\n": "v"}, "md['k\\n']"),
        ({"": "v"}, "md['']"),
        ({"k": "v\x00"}, "md['k']"),
        ({"sibyl.x": "v"}, "md['sibyl.x']"),
    ],
)
def test_metadata_keys_are_single_line(metadata: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_metadata(metadata, "md")
    assert caught.value.field == field


def test_metadata_values_may_span_lines() -> None:
    check_metadata({"command": "train.py \\\n  --lr 0.1"}, "md")


@pytest.mark.parametrize("seconds", [0.5, 3_155_760_001, 1e11, math.inf, math.nan, -1])
def test_token_lifetimes_out_of_range(seconds: float) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_token_ttl(seconds, "time_to_live")
    assert caught.value.field == "time_to_live"


def test_token_lifetimes_in_range() -> None:
    assert check_token_ttl(1, "t") == 1
    assert check_token_ttl(100 * 365.25 * 86400, "t") == 3_155_760_000


@pytest.mark.parametrize(
    ("quotas", "field"),
    [
        (TeamQuotas(max_active_studies=-1), "max_active_studies"),
        (TeamQuotas(max_trials_per_study=2**63), "max_trials_per_study"),
        (TeamQuotas(max_suggest_requests_per_second=math.nan), "max_suggest_requests_per_second"),
        (TeamQuotas(max_suggest_requests_per_second=math.inf), "max_suggest_requests_per_second"),
        (TeamQuotas(max_suggest_requests_per_second=-0.5), "max_suggest_requests_per_second"),
    ],
)
def test_bad_quotas(quotas: TeamQuotas, field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_quotas(quotas)
    assert caught.value.field == field


def _child_of(parent: ParameterSpec, low: float | None, high: float | None) -> StudySpec:
    condition = ParentCondition(parent.name, min_value=low, max_value=high)
    child = dataclasses.replace(ParameterSpec.double("child", 0, 1), condition=condition)
    return make_spec(parent, child)


@pytest.mark.parametrize(
    ("parent", "low", "high"),
    [
        (ParameterSpec.discrete("d", [1, 10]), 2, 9),  # between two values
        (ParameterSpec.integer("n", 1, 3), 1.2, 1.8),  # between two integers
        (ParameterSpec.integer("n", 1, 3), 3.5, None),  # above the last
        (ParameterSpec.double("x", 0, 1), 1.5, None),
    ],
)
def test_a_range_condition_no_parent_value_meets_is_refused(
    parent: ParameterSpec, low: float | None, high: float | None
) -> None:
    field = field_of(_child_of(parent, low, high))
    assert field == "study.spec.parameters[1].condition.range"


@pytest.mark.parametrize(
    ("parent", "low", "high"),
    [
        (ParameterSpec.discrete("d", [1, 10]), 2, 10),
        (ParameterSpec.integer("n", 1, 3), 1.2, 2.0),
        (ParameterSpec.integer("n", 1, 3), None, 1),
        (ParameterSpec.double("x", 0, 1), 0.3, 0.4),
    ],
)
def test_a_range_condition_some_parent_value_meets_is_valid(
    parent: ParameterSpec, low: float | None, high: float | None
) -> None:
    check_spec(_child_of(parent, low, high), "study.spec")


@pytest.mark.parametrize("rule", [EarlyStoppingRule.SUCCESSIVE_HALVING, EarlyStoppingRule.MODEL])
@pytest.mark.parametrize("factor", [1.5, 101, 1e306, math.inf])
def test_a_reduction_factor_is_between_2_and_100(rule: EarlyStoppingRule, factor: float) -> None:
    policy = EarlyStoppingPolicy(rule, min_step=1, reduction_factor=factor)
    spec = make_spec(early_stopping=policy, fidelity=Fidelity(max_step=100))
    assert field_of(spec) == f"study.spec.early_stopping.{rule.field_name}.reduction_factor"


def test_a_learning_curves_final_step_names_the_min_step_it_must_pass() -> None:
    policy = stopping_policy(EarlyStoppingRule.LEARNING_CURVE, final_step=3)
    with pytest.raises(InvalidArgument, match=r"above min_step \(3\)"):
        check_spec(make_spec(early_stopping=policy), "study.spec")
