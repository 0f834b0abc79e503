from __future__ import annotations

import dataclasses
import math

import pytest

from sibyl_server.domain.errors import InvalidArgument
from sibyl_server.domain.study import (
    Goal,
    MetricSpec,
    ParameterSpec,
    ScaleType,
    StudySpec,
)
from sibyl_server.domain.trial import Measurement
from sibyl_server.domain.validation import check_measurement, check_parameters, check_spec

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
        (Measurement({"acc": 1.0}), False, "m.metrics['acc']"),
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
