"""Semantic checks of specs, parameter values and measurements.

Each check takes the field path of what it checks, in the contract's names (e.g.
`study.spec.parameters[2].double_range.min_value`), so that an INVALID_ARGUMENT
tells the caller exactly which field is wrong.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Mapping

from sibyl_server.domain.conditions import parents_first
from sibyl_server.domain.errors import InvalidArgument, quoted, quoted_list
from sibyl_server.domain.names import check_matches, parse_study_name
from sibyl_server.domain.study import (
    BUDGET_REDUCTION_RANGE,
    DISCRETE_TOLERANCE,
    MAX_FIDELITY_STEP,
    STOPPING_REDUCTION_RANGE,
    Algorithm,
    EarlyStoppingPolicy,
    EarlyStoppingRule,
    MetricSpec,
    ParameterSpec,
    ParameterType,
    ParameterValue,
    ParentCondition,
    ScaleType,
    StudySpec,
    same_discrete_value,
)
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Measurement

# Matched whole (fullmatch): `$` alone also matches before a final newline.
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
MAX_PARAMETERS = 100
MAX_METRICS = 16
MAX_MEASUREMENT_METRICS = 64
"""The spec's metrics and the others a measurement carries (a loss, a throughput)."""
MAX_OBJECTIVES = 4
MAX_PRIOR_STUDIES = 5
MAX_BRACKETS = 10
MAX_DISCRETE_VALUES = 10_000
MAX_CATEGORIES = 1_000
MAX_CATEGORY_LENGTH = 256
MAX_INTEGER = 2**53
MAX_TRIALS = 1_000_000
LEASE_SECONDS_RANGE = (1.0, 30 * 24 * 3600.0)
GRID_RESOLUTION_RANGE = (2, 1000)
INITIAL_TRIALS_RANGE = (1, 10_000)
MAX_REASON_LENGTH = 4096
MAX_METADATA_ENTRIES = 64
MAX_METADATA_LENGTH = 4096
MAX_CLIENT_ID_LENGTH = 128
MAX_SUGGEST_COUNT = 1000
MAX_DISPLAY_NAME_LENGTH = 256
MAX_DESCRIPTION_LENGTH = 256
MAX_INT64 = 2**63 - 1
MAX_PAGE_SIZE = 1000
MAX_DURATION_SECONDS = 315_576_000_000
"""google.protobuf.Duration's own range: about 10,000 years either way."""
SEED_RANGE = (0, MAX_INT64)
YEAR_SECONDS = 365.25 * 24 * 3600
TOKEN_TTL_SECONDS_RANGE = (1.0, 100 * YEAR_SECONDS)
# Free text may hold tabs and line breaks (e.g. an error message as a reason); no
# other control character, which would corrupt logs and terminals (and NUL cannot
# be stored in PostgreSQL text).
LINE_BREAKS = frozenset("\t\n\r")
RESERVED_METADATA_PREFIX = "sibyl."


def check_updatable(spec: StudySpec, field: str) -> None:
    """The fields UpdateStudy changes (the budget, the lease). An update checks these
    alone: a study stored by an earlier release, under looser checks, can still be
    renamed or given a budget."""
    if spec.max_trials is not None and not 1 <= spec.max_trials <= MAX_TRIALS:
        raise InvalidArgument(f"{field}.max_trials", f"must be between 0 and {MAX_TRIALS}")
    _check_range(spec.lease_seconds, LEASE_SECONDS_RANGE, f"{field}.trial_lease", "seconds")


def check_spec(spec: StudySpec, field: str) -> None:
    """Raises InvalidArgument for the first thing wrong with `spec`."""
    _check_parameters_list(spec, f"{field}.parameters")
    _check_metrics(spec, f"{field}.metrics")
    check_updatable(spec, field)
    if spec.seed is not None and not SEED_RANGE[0] <= spec.seed <= SEED_RANGE[1]:
        raise InvalidArgument(f"{field}.seed", "must be between 0 and 2^63 - 1")
    _check_range(spec.grid_resolution, GRID_RESOLUTION_RANGE, f"{field}.grid_resolution", "")
    if spec.num_initial_trials is not None:
        _check_range(spec.num_initial_trials, INITIAL_TRIALS_RANGE, f"{field}.initial_trials", "")
    if spec.early_stopping is not None:
        _check_early_stopping(spec.early_stopping, f"{field}.early_stopping")
        if spec.early_stopping.rule is EarlyStoppingRule.MODEL:
            _check_model_rule(spec, f"{field}.early_stopping.model")
    if spec.prior_studies:
        _check_prior_studies(spec, f"{field}.prior_studies")
    if spec.fidelity is not None:
        _check_fidelity(spec, f"{field}.fidelity")
    if spec.budget is not None:
        _check_budget(spec, f"{field}.budget_parameter")
    if spec.stall_restarts:
        _check_stall_restarts(spec, f"{field}.stall_restarts")


def _check_stall_restarts(spec: StudySpec, field: str) -> None:
    if spec.algorithm is not Algorithm.GP_BANDIT:
        raise InvalidArgument(field, "restarts are ALGORITHM_GP_BANDIT's only")
    if not spec.can_restart:
        raise InvalidArgument(
            field,
            "only a study of one metric (an objective without a constraint) and without "
            "prior_studies, fidelity or budget_parameter restarts: those models read "
            "every trial",
        )


def _check_model_rule(spec: StudySpec, field: str) -> None:
    assert spec.early_stopping is not None
    if spec.fidelity is None:
        raise InvalidArgument(
            field, "the model rule needs a fidelity: it stops by the GP over (configuration, step)"
        )
    if spec.early_stopping.min_step >= spec.fidelity.max_step:
        raise InvalidArgument(
            f"{field}.min_step", "must be below the fidelity's max_step: a rung where trials end"
        )


def _check_budget(spec: StudySpec, field: str) -> None:
    assert spec.budget is not None
    budget = spec.budget
    names = {p.name: p for p in spec.parameters}
    if budget.name not in names:
        raise InvalidArgument(f"{field}.parameter", f"no parameter named {quoted(budget.name)}")
    parameter = names[budget.name]
    if parameter.type is ParameterType.CATEGORICAL:
        raise InvalidArgument(f"{field}.parameter", "a budget must be a numeric parameter")
    if parameter.condition is not None or any(
        p.condition is not None and p.condition.parent == budget.name for p in spec.parameters
    ):
        raise InvalidArgument(f"{field}.parameter", "a budget cannot be part of a condition")
    _check_range(budget.reduction_factor, BUDGET_REDUCTION_RANGE, f"{field}.reduction_factor", "")
    if parameter.type is not ParameterType.DISCRETE and (parameter.min_value or 0) <= 0:
        raise InvalidArgument(
            f"{field}.parameter",
            "a DOUBLE or INTEGER budget needs a min_value above 0 (its budgets are "
            "max_value / reduction_factor^k down to min_value)",
        )
    if len(budget.budgets(parameter)) < 2:
        raise InvalidArgument(
            f"{field}.parameter", "its domain must hold at least two budgets to choose from"
        )
    if len(spec.objectives) != 1:
        raise InvalidArgument(field, "a budget parameter needs a study of one objective")
    if spec.fidelity is not None:
        raise InvalidArgument(field, "a budget parameter and a fidelity cannot be combined")
    if spec.algorithm is Algorithm.GRID_SEARCH:
        raise InvalidArgument(field, "a grid sets every parameter: no budget parameter with it")


def _check_fidelity(spec: StudySpec, field: str) -> None:
    assert spec.fidelity is not None
    if not 2 <= spec.fidelity.max_step <= MAX_FIDELITY_STEP:
        raise InvalidArgument(f"{field}.max_step", f"must be between 2 and {MAX_FIDELITY_STEP}")
    if len(spec.objectives) != 1:
        raise InvalidArgument(field, "a fidelity needs a study of one objective")
    if spec.prior_studies:
        raise InvalidArgument(field, "a fidelity and prior studies cannot be combined yet")


def _check_prior_studies(spec: StudySpec, field: str) -> None:
    """The priors' form; that they exist and fit the study is checked against the store."""
    if spec.algorithm is not Algorithm.GP_BANDIT:
        raise InvalidArgument(field, "prior studies inform ALGORITHM_GP_BANDIT only")
    if len(spec.metrics) != 1:
        raise InvalidArgument(
            field, "prior studies inform studies of one objective and no outcome constraint"
        )
    if len(spec.prior_studies) > MAX_PRIOR_STUDIES:
        raise InvalidArgument(field, f"at most {MAX_PRIOR_STUDIES} prior studies are allowed")
    seen: set[str] = set()
    for index, prior in enumerate(spec.prior_studies):
        item = f"{field}[{index}]"
        parse_study_name(prior.study, f"{item}.study")
        if prior.study in seen:
            raise InvalidArgument(f"{item}.study", f"duplicate prior study {quoted(prior.study)}")
        seen.add(prior.study)
        if prior.objective:
            check_name(prior.objective, f"{item}.objective")


def _check_range(value: float, bounds: tuple[float, float], field: str, unit: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidArgument(field, f"must be between {low:g} and {high:g} {unit}".rstrip())


def _check_parameters_list(spec: StudySpec, field: str) -> None:
    if not spec.parameters:
        raise InvalidArgument(field, "at least one parameter is required")
    if len(spec.parameters) > MAX_PARAMETERS:
        raise InvalidArgument(field, f"at most {MAX_PARAMETERS} parameters are allowed")
    seen: set[str] = set()
    for index, parameter in enumerate(spec.parameters):
        item = f"{field}[{index}]"
        check_name(parameter.name, f"{item}.name")
        if parameter.name in seen:
            raise InvalidArgument(
                f"{item}.name", f"duplicate parameter name {quoted(parameter.name)}"
            )
        seen.add(parameter.name)
        _check_domain(parameter, item)
    for index, parameter in enumerate(spec.parameters):
        if parameter.condition is not None:
            _check_condition(spec, parameter, f"{field}[{index}].condition")
    _check_no_cycles(spec, field)


def check_name(name: str, field: str) -> None:
    check_matches(
        NAME,
        name,
        field,
        "a valid name: 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or '_'",
    )


def _check_domain(parameter: ParameterSpec, field: str) -> None:
    if parameter.type is ParameterType.DOUBLE:
        _check_bounds(parameter, f"{field}.double_range")
    elif parameter.type is ParameterType.INTEGER:
        _check_bounds(parameter, f"{field}.integer_range")
    elif parameter.type is ParameterType.DISCRETE:
        check_discrete_values(parameter.values, f"{field}.discrete_values.values")
    else:
        _check_categories(parameter.categories, f"{field}.categorical_values.values")


def _check_bounds(parameter: ParameterSpec, field: str) -> None:
    low, high = parameter.min_value, parameter.max_value
    assert low is not None and high is not None
    for name, value in (("min_value", low), ("max_value", high)):
        if not math.isfinite(value):
            raise InvalidArgument(f"{field}.{name}", "must be finite")
        if parameter.type is ParameterType.INTEGER and abs(value) > MAX_INTEGER:
            raise InvalidArgument(f"{field}.{name}", "must be within +/- 2^53")
    if low >= high:
        raise InvalidArgument(
            f"{field}.min_value", f"must be less than max_value ({low:g} >= {high:g})"
        )
    if not math.isfinite(high - low):
        # The algorithms scale by the width: an infinite one makes every point NaN.
        raise InvalidArgument(f"{field}.max_value", "max_value - min_value must be finite")
    if parameter.scale is ScaleType.LOG:
        if parameter.type is ParameterType.DOUBLE and low <= 0:
            raise InvalidArgument(f"{field}.min_value", "must be positive with SCALE_TYPE_LOG")
        if parameter.type is ParameterType.INTEGER and low < 1:
            raise InvalidArgument(f"{field}.min_value", "must be at least 1 with SCALE_TYPE_LOG")


def check_discrete_values(values: tuple[float, ...], field: str) -> None:
    if not values:
        raise InvalidArgument(field, "at least one value is required")
    if len(values) > MAX_DISCRETE_VALUES:
        raise InvalidArgument(field, f"at most {MAX_DISCRETE_VALUES} values are allowed")
    for index, value in enumerate(values):
        if not math.isfinite(value):
            raise InvalidArgument(f"{field}[{index}]", "must be finite")
    if len(set(values)) != len(values):
        raise InvalidArgument(field, "values must be distinct")
    ascending = sorted(values)
    for low, high in itertools.pairwise(ascending):
        if same_discrete_value(low, high):
            raise InvalidArgument(
                field,
                f"{low!r} and {high!r} are closer than {DISCRETE_TOLERANCE:g} of their "
                "size: a value sent for one could not be told from the other",
            )


def _check_categories(values: tuple[str, ...], field: str) -> None:
    if not values:
        raise InvalidArgument(field, "at least one value is required")
    if len(values) > MAX_CATEGORIES:
        raise InvalidArgument(field, f"at most {MAX_CATEGORIES} values are allowed")
    for index, value in enumerate(values):
        if not value or len(value) > MAX_CATEGORY_LENGTH or _has_control(value):
            raise InvalidArgument(
                f"{field}[{index}]",
                f"must be 1 to {MAX_CATEGORY_LENGTH} characters, no control characters",
            )
    if len(set(values)) != len(values):
        raise InvalidArgument(field, "values must be distinct")


def _check_metrics(spec: StudySpec, field: str) -> None:
    if not spec.objectives:
        raise InvalidArgument(field, "at least one objective (a metric with a goal) is required")
    if len(spec.metrics) > MAX_METRICS:
        raise InvalidArgument(field, f"at most {MAX_METRICS} metrics are allowed")
    if len(spec.objectives) > MAX_OBJECTIVES:
        raise InvalidArgument(field, f"at most {MAX_OBJECTIVES} objectives are allowed")
    names = {p.name for p in spec.parameters}
    seen: set[str] = set()
    for index, metric in enumerate(spec.metrics):
        item = f"{field}[{index}]"
        check_name(metric.name, f"{item}.name")
        if metric.name in seen:
            raise InvalidArgument(f"{item}.name", f"duplicate metric {quoted(metric.name)}")
        if metric.name in names:
            raise InvalidArgument(f"{item}.name", f"{quoted(metric.name)} is also a parameter name")
        seen.add(metric.name)
        _check_metric_role(metric, item)


def _check_metric_role(metric: MetricSpec, field: str) -> None:
    if metric.goal is not None and metric.constraint is not None:
        raise InvalidArgument(
            f"{field}.constraint",
            f"metric {quoted(metric.name)} has a goal and a constraint: an objective cannot also "
            "be a constraint (use two metrics)",
        )
    if metric.goal is None and metric.constraint is None:
        raise InvalidArgument(f"{field}.goal", "required: a goal (objective) or a constraint")
    if metric.constraint is not None:
        _check_constraint(metric, f"{field}.constraint")
    if metric.reference_value is not None and not math.isfinite(metric.reference_value):
        raise InvalidArgument(f"{field}.reference_value", "must be finite")


def _check_constraint(metric: MetricSpec, field: str) -> None:
    constraint = metric.constraint
    assert constraint is not None
    if constraint.lower_bound is None and constraint.upper_bound is None:
        raise InvalidArgument(field, "set upper_bound, lower_bound or both")
    for name in ("lower_bound", "upper_bound"):
        value = getattr(constraint, name)
        if value is not None and not math.isfinite(value):
            raise InvalidArgument(f"{field}.{name}", "must be finite")
    low, high = constraint.lower_bound, constraint.upper_bound
    if low is not None and high is not None and low > high:
        raise InvalidArgument(f"{field}.lower_bound", "must not exceed upper_bound")
    if metric.reference_value is not None:
        raise InvalidArgument(
            field.rsplit(".", 1)[0] + ".reference_value", "only objectives have one"
        )


def _check_condition(spec: StudySpec, child: ParameterSpec, field: str) -> None:
    condition = child.condition
    assert condition is not None
    try:
        parent = spec.parameter(condition.parent)
    except KeyError:
        raise InvalidArgument(
            f"{field}.parent", f"{quoted(condition.parent)} is not a parameter of the spec"
        ) from None
    if parent.name == child.name:
        raise InvalidArgument(f"{field}.parent", "a parameter cannot be its own parent")
    if condition.categories:
        _check_category_condition(parent, condition.categories, f"{field}.categories.values")
    elif condition.numbers:
        _check_number_condition(parent, condition.numbers, f"{field}.numbers.values")
    else:
        _check_range_condition(parent, condition, f"{field}.range")


def _check_category_condition(parent: ParameterSpec, values: tuple[str, ...], field: str) -> None:
    if parent.type is not ParameterType.CATEGORICAL:
        raise InvalidArgument(field, f"parent {parent.name!r} is not CATEGORICAL")
    for index, value in enumerate(values):
        if value not in parent.categories:
            raise InvalidArgument(
                f"{field}[{index}]", f"{quoted(value)} is not a value of parent {parent.name!r}"
            )


def _check_number_condition(parent: ParameterSpec, values: tuple[float, ...], field: str) -> None:
    if parent.type not in (ParameterType.INTEGER, ParameterType.DISCRETE):
        raise InvalidArgument(field, f"parent {parent.name!r} is not INTEGER or DISCRETE")
    for index, value in enumerate(values):
        try:
            canonical = check_value(parent, value, f"{field}[{index}]")
        except InvalidArgument as error:
            raise InvalidArgument(
                error.field, f"{value!r} is not a value of parent {parent.name!r}"
            ) from None
        if not ParentCondition(parent.name, numbers=(value,)).holds(canonical):
            raise InvalidArgument(
                f"{field}[{index}]", f"{value!r} is not a value of parent {parent.name!r}"
            )


def _check_range_condition(parent: ParameterSpec, condition: ParentCondition, field: str) -> None:
    if parent.type is ParameterType.CATEGORICAL:
        raise InvalidArgument(field, f"parent {parent.name!r} is CATEGORICAL: use categories")
    low, high = condition.min_value, condition.max_value
    if low is None and high is None:
        raise InvalidArgument(field, "set min_value, max_value or both")
    for name, value in (("min_value", low), ("max_value", high)):
        if value is not None and not math.isfinite(value):
            raise InvalidArgument(f"{field}.{name}", "must be finite")
    if low is not None and high is not None and low > high:
        raise InvalidArgument(f"{field}.min_value", "must not exceed max_value")
    if not _range_meets_parent(
        parent, -math.inf if low is None else low, math.inf if high is None else high
    ):
        raise InvalidArgument(
            field, f"no value of parent {parent.name!r} is in the range: the child never exists"
        )


def _range_meets_parent(parent: ParameterSpec, low: float, high: float) -> bool:
    """Whether some value the parent can take lies in [low, high]."""
    if parent.type is ParameterType.DISCRETE:
        return any(low <= value <= high for value in parent.values)
    low, high = max(low, parent.min_value), min(high, parent.max_value)
    if parent.type is ParameterType.INTEGER:  # an integer between them
        return math.ceil(low) <= math.floor(high)
    return low <= high


def _check_no_cycles(spec: StudySpec, field: str) -> None:
    parents = {p.name: p.condition.parent for p in spec.parameters if p.condition is not None}
    for index, parameter in enumerate(spec.parameters):
        seen, name = {parameter.name}, parameter.name
        while name in parents:
            name = parents[name]
            if name in seen:
                raise InvalidArgument(
                    f"{field}[{index}].condition.parent",
                    f"conditions form a cycle through {parameter.name!r}",
                )
            seen.add(name)


def _check_early_stopping(policy: EarlyStoppingPolicy, field: str) -> None:
    rule = f"{field}.{policy.rule.field_name}"
    if policy.min_step < 0:
        raise InvalidArgument(f"{rule}.min_step", "must be 0 or more")
    if policy.min_trials < 1:
        raise InvalidArgument(f"{rule}.min_trials", "must be at least 1")
    if policy.rule in (EarlyStoppingRule.SUCCESSIVE_HALVING, EarlyStoppingRule.MODEL):
        if policy.min_step < 1:
            raise InvalidArgument(f"{rule}.min_step", "must be at least 1")
        factor = policy.reduction_factor
        _check_range(factor, STOPPING_REDUCTION_RANGE, f"{rule}.reduction_factor", "")
    halving = policy.rule is EarlyStoppingRule.SUCCESSIVE_HALVING
    if halving and not 1 <= policy.brackets <= MAX_BRACKETS:
        raise InvalidArgument(f"{rule}.brackets", f"between 1 and {MAX_BRACKETS}")
    if policy.rule is EarlyStoppingRule.MODEL and not 0.0 < policy.min_probability < 1.0:
        raise InvalidArgument(f"{rule}.min_probability", "must be above 0 and below 1")
    if policy.rule is EarlyStoppingRule.LEARNING_CURVE and policy.final_step <= max(
        policy.min_step, 1
    ):
        raise InvalidArgument(
            f"{rule}.final_step", f"must be above min_step ({max(policy.min_step, 1)})"
        )


def check_parameters(
    spec: StudySpec, parameters: Mapping[str, ParameterValue], field: str
) -> dict[str, ParameterValue]:
    """Checks a trial's parameters and returns them canonicalized.

    Exactly the active parameters must be present (all unconditional ones, and the
    conditional ones whose parent condition holds). Canonical values: float for
    DOUBLE and DISCRETE (exactly one of the listed values), int for INTEGER, str for
    CATEGORICAL.
    """
    known = {p.name for p in spec.parameters}
    for name in parameters:
        if name not in known:
            raise InvalidArgument(f"{field}[{quoted(name)}]", f"unknown parameter {quoted(name)}")
    result: dict[str, ParameterValue] = {}
    for parameter in parents_first(spec.parameters):
        item = f"{field}[{parameter.name!r}]"
        condition = parameter.condition
        active = condition is None or (
            condition.parent in result and condition.holds(result[condition.parent])
        )
        if active and parameter.name not in parameters:
            raise InvalidArgument(item, "missing value")
        if not active and parameter.name in parameters:
            raise InvalidArgument(item, _inactive_reason(parameter, result))
        if active:
            result[parameter.name] = check_value(parameter, parameters[parameter.name], item)
    return {p.name: result[p.name] for p in spec.parameters if p.name in result}


def _inactive_reason(parameter: ParameterSpec, values: Mapping[str, ParameterValue]) -> str:
    assert parameter.condition is not None
    parent = parameter.condition.parent
    if parent not in values:
        return f"{parameter.name!r} is inactive: its parent {parent!r} is inactive"
    value = values[parent]
    shown = quoted(value) if isinstance(value, str) else repr(value)
    return f"{parameter.name!r} is inactive when {parent!r} is {shown}"


def check_value(parameter: ParameterSpec, value: ParameterValue, field: str) -> ParameterValue:
    """Returns the canonical form of `value`, or raises InvalidArgument."""
    if parameter.type is ParameterType.CATEGORICAL:
        if not isinstance(value, str):
            raise InvalidArgument(field, "must be a string_value (CATEGORICAL parameter)")
        if value not in parameter.categories:
            raise InvalidArgument(
                field, f"{quoted(value)} is not one of {quoted_list(parameter.categories)}"
            )
        return value
    if isinstance(value, (str, bool)):
        raise InvalidArgument(field, f"must be a number ({parameter.type.value} parameter)")
    if not math.isfinite(value):
        raise InvalidArgument(field, "must be finite")
    if parameter.type is ParameterType.DISCRETE:
        return _snap_discrete(parameter, float(value), field)
    assert parameter.min_value is not None and parameter.max_value is not None
    if parameter.type is ParameterType.INTEGER and not float(value).is_integer():
        raise InvalidArgument(field, f"{value!r} is not an integer (INTEGER parameter)")
    # Compared as given: Python compares ints and floats exactly, where float() of a
    # large int_value would round it into the range.
    if not parameter.min_value <= value <= parameter.max_value:
        raise InvalidArgument(
            field, f"{value!r} is outside [{parameter.min_value:g}, {parameter.max_value:g}]"
        )
    return int(value) if parameter.type is ParameterType.INTEGER else float(value)


def _snap_discrete(parameter: ParameterSpec, number: float, field: str) -> float:
    """The allowed value `number` is, or is within DISCRETE_TOLERANCE of; around 0, of
    the smallest magnitude among the values (0.1 + 0.2 - 0.3 is 0 of [0, 0.5, 1])."""
    nearest = min(parameter.values, key=lambda allowed: abs(allowed - number))
    smallest = min((abs(v) for v in parameter.values if v), default=0.0)
    if abs(nearest - number) <= DISCRETE_TOLERANCE * max(abs(nearest), abs(number), smallest):
        return nearest
    raise InvalidArgument(field, f"{number!r} is not one of {quoted_list(parameter.values)}")


def check_measurement(
    spec: StudySpec, measurement: Measurement, field: str, *, final: bool
) -> None:
    """Checks metric names and values; a final measurement needs every metric of the spec.

    Metrics the spec does not name (a training loss, a throughput) are kept with the
    measurement for people to look at; the algorithms read only the spec's.
    """
    known = {m.name for m in spec.metrics}
    if len(measurement.metrics) > MAX_MEASUREMENT_METRICS:
        raise InvalidArgument(
            f"{field}.metrics", f"at most {MAX_MEASUREMENT_METRICS} metrics per measurement"
        )
    for name, value in measurement.metrics.items():
        item = f"{field}.metrics[{quoted(name)}]"
        if name not in known:
            check_name(name, item)
        if not math.isfinite(value):
            raise InvalidArgument(
                item, f"{value!r} is not finite; complete the trial as infeasible instead"
            )
    if final:
        missing = sorted(known - set(measurement.metrics))
        if missing:
            raise InvalidArgument(f"{field}.metrics", f"missing metrics {missing}")
    elif not measurement.metrics:
        raise InvalidArgument(f"{field}.metrics", "at least one metric is required")
    if measurement.step < 0:
        raise InvalidArgument(f"{field}.step", "must be 0 or more")
    if not (math.isfinite(measurement.elapsed_seconds) and measurement.elapsed_seconds >= 0):
        raise InvalidArgument(f"{field}.elapsed_seconds", "must be finite and 0 or more")


def check_metadata(metadata: Mapping[str, str], field: str) -> None:
    """User-supplied trial metadata: bounded, and not in the server's namespace.

    Keys are one line of text; values are free text (see `check_text`).
    """
    if len(metadata) > MAX_METADATA_ENTRIES:
        raise InvalidArgument(field, f"at most {MAX_METADATA_ENTRIES} entries are allowed")
    for key, value in metadata.items():
        item = f"{field}[{quoted(key)}]"
        if key.startswith(RESERVED_METADATA_PREFIX):
            raise InvalidArgument(item, "keys starting with 'sibyl.' are reserved")
        if not key or len(key) > MAX_METADATA_LENGTH or _has_control(key):
            raise InvalidArgument(
                item, f"keys must be 1 to {MAX_METADATA_LENGTH} characters, no control characters"
            )
        check_text(value, MAX_METADATA_LENGTH, item)


def check_text(value: str, limit: int, field: str, *, single_line: bool = False) -> str:
    """Free text (display names, descriptions, reasons): at most `limit` characters,
    no control characters but tabs and line breaks (none at all if `single_line`)."""
    if len(value) > limit:
        raise InvalidArgument(field, f"at most {limit} characters are allowed")
    if _has_control(value, allowed=frozenset() if single_line else LINE_BREAKS):
        kind = (
            "control characters" if single_line else "control characters but tabs and line breaks"
        )
        raise InvalidArgument(field, f"no {kind} are allowed")
    return value


def _has_control(value: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether `value` holds a control character (Unicode category Cc) not in `allowed`."""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)


def check_token_ttl(seconds: float, field: str) -> float:
    """A token's time to live: at least 1 second, at most 100 years (so that its expiry
    is a valid timestamp, and exact in the store's integer microseconds)."""
    low, high = TOKEN_TTL_SECONDS_RANGE
    if not low <= seconds <= high:
        raise InvalidArgument(field, "must be at least 1 second and at most 100 years")
    return seconds


def check_quotas(quotas: TeamQuotas) -> TeamQuotas:
    """A team's quotas: whole numbers and a rate, each 0 (no limit) or more."""
    for name in ("max_active_studies", "max_trials_per_study"):
        value = getattr(quotas, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT64:
            raise InvalidArgument(name, "must be a whole number, 0 (no limit) or more")
    rate = quotas.max_suggest_requests_per_second
    if not (math.isfinite(rate) and rate >= 0):
        raise InvalidArgument(
            "max_suggest_requests_per_second", "must be finite, 0 (no limit) or more"
        )
    return quotas


MAX_REQUEST_ID_LENGTH = 128


def check_request_id(value: str, field: str = "request_id") -> str:
    """An optional request id: up to 128 printable characters ("" when unset)."""
    if len(value) > MAX_REQUEST_ID_LENGTH or not value.isprintable():
        raise InvalidArgument(field, f"at most {MAX_REQUEST_ID_LENGTH} printable characters")
    return value


def check_client_id(value: str, field: str = "client_id", *, required: bool) -> str:
    """A worker's id: 1 to 128 printable characters (or "" where it is optional)."""
    if (required or value) and not (0 < len(value) <= MAX_CLIENT_ID_LENGTH and value.isprintable()):
        qualifier = "required: " if required else ""
        raise InvalidArgument(field, f"{qualifier}1 to {MAX_CLIENT_ID_LENGTH} printable characters")
    return value
