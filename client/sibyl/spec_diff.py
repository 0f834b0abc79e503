"""How a stored study spec differs from a given one, in words a person can act on.

`Client.create_or_load_study` loads an existing study only when the fields that say
what the study is agree: parameters, metrics, algorithm, max_trials, early_stopping,
prior_studies, fidelity, budget_parameter and stall_restarts.
The seed (the server picks one), the trial lease, the grid resolution and the initial
trials are not compared, nor an early-stopping setting or stall_restarts the given spec
leaves unset (nor the whole rule of a fidelity study that names none: the server
schedules it).

    parameters[1] 'lr': stored double 1e-05..0.1 log, given double 1e-05..1 log
    max_trials: stored 50, given 100
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from google.protobuf import text_format

from sibyl.v1 import study_pb2

COMPARED = (
    "parameters",
    "metrics",
    "algorithm",
    "max_trials",
    "early_stopping",
    "prior_studies",
    "fidelity",
    "budget_parameter",
    "stall_restarts",
)


def spec_differences(given: study_pb2.StudySpec, stored: study_pb2.StudySpec) -> list[str]:
    """Each compared field where `given` and `stored` differ, one line per difference.

    Args:
        given: The spec a caller asked for (as `StudySpec.to_proto()` makes it).
        stored: The spec of the existing study, as the server returned it.

    Returns:
        Lines such as "max_trials: stored 50, given 100"; empty when they agree.
    """
    given = _as_stored(given)
    return [
        *_item_differences("parameters", given.parameters, stored.parameters, _parameter),
        *_item_differences("metrics", given.metrics, stored.metrics, _metric),
        *_value_difference("algorithm", _algorithm(stored), _algorithm(given)),
        *_value_difference("max_trials", _budget(stored), _budget(given)),
        *_policy_difference(stored, given),
        *_value_difference("prior_studies", _priors(stored), _priors(given)),
        *_value_difference("fidelity", _fidelity(stored), _fidelity(given)),
        *_value_difference("budget_parameter", _budget_parameter(stored), _budget_parameter(given)),
        *_restarts_difference(stored, given),
    ]


def mismatch_message(study_name: str, study_id: str, differences: Sequence[str]) -> str:
    """The error text for a study that exists with another spec, and how to go on."""
    fields = [f for f in COMPARED if f in {_field(d) for d in differences}]
    lines = [f"study {study_name} exists with different {' and '.join(fields)}:"]
    lines += [f"  {difference}" for difference in differences]
    lines.append(
        "Use another study id for this spec, or use the stored study as it is: "
        f"client.get_study({study_id!r}), or pass its stored spec."
    )
    if "max_trials" in fields:
        lines.append(
            f"The budget of a study can change: client.get_study({study_id!r})"
            f".update(max_trials=N), or `sibyl update-study {study_id} --max-trials N`."
        )
    return "\n".join(lines)


def _field(difference: str) -> str:
    match = re.match(r"[a-z_]+", difference)
    return match.group() if match else ""


def _as_stored(spec: study_pb2.StudySpec) -> study_pb2.StudySpec:
    """A copy of `spec` in the form the server stores: discrete values ascending."""
    copy = study_pb2.StudySpec()
    copy.CopyFrom(spec)
    for parameter in copy.parameters:
        if parameter.HasField("discrete_values"):
            parameter.discrete_values.values[:] = sorted(parameter.discrete_values.values)
    return copy


def _item_differences(
    field: str, given: Sequence[Any], stored: Sequence[Any], describe: Callable[[Any], str]
) -> list[str]:
    """Named items (parameters, metrics) matched by name: changed, added, removed, moved."""
    stored_by_name = {item.name: item for item in stored}
    given_names = [item.name for item in given]
    lines = []
    for index, item in enumerate(given):
        before = stored_by_name.get(item.name)
        if before != item:
            old = "none" if before is None else describe(before)
            new = describe(item)
            if old == new:  # differ in something the description leaves out
                old, new = _one_line(before), _one_line(item)
            lines.append(f"{field}[{index}] {item.name!r}: stored {old}, given {new}")
    for item in stored:
        if item.name not in given_names:
            lines.append(f"{field} {item.name!r}: stored {describe(item)}, given none")
    stored_order = [item.name for item in stored if item.name in given_names]
    given_order = [name for name in given_names if name in stored_by_name]
    if stored_order != given_order:
        lines.append(f"{field} order: stored {stored_order}, given {given_order}")
    return lines


def _value_difference(field: str, stored: str, given: str) -> list[str]:
    return [] if stored == given else [f"{field}: stored {stored}, given {given}"]


def _policy_difference(stored: study_pb2.StudySpec, given: study_pb2.StudySpec) -> list[str]:
    """The early-stopping difference; a setting `given` leaves unset takes the stored value
    (the server stores its default there and reports it)."""
    if given.HasField("fidelity") and not given.HasField("early_stopping"):
        return []  # the server's schedule for a fidelity study, as it reports it
    old, new = stored.early_stopping, given.early_stopping
    merged = study_pb2.EarlyStoppingPolicy()
    merged.CopyFrom(old)
    merged.MergeFrom(new)
    same_presence = stored.HasField("early_stopping") == given.HasField("early_stopping")
    if same_presence and merged == old:
        return []
    return _value_difference("early_stopping", _policy(old), _policy(new))


# Descriptions, in the words of the spec classes ------------------------------------------


def _number(value: float) -> str:
    """The shortest text that reads back as `value`: 1e-05, 0.1, 100 (not 100.0)."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _numbers(values: Sequence[float]) -> str:
    return "[" + ", ".join(_number(v) for v in values) + "]"


def _enum_word(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix).lower()


def _parameter(parameter: study_pb2.ParameterSpec) -> str:
    kind = parameter.WhichOneof("domain")
    if kind in ("double_range", "integer_range"):
        domain = getattr(parameter, kind)
        scale = _enum_word(study_pb2.ScaleType, domain.scale_type, "SCALE_TYPE_")
        text = (
            f"{kind.removesuffix('_range')} "
            f"{_number(domain.min_value)}..{_number(domain.max_value)} {scale}"
        )
    elif kind == "discrete_values":
        text = f"discrete {_numbers(parameter.discrete_values.values)}"
    else:
        text = f"categorical {list(parameter.categorical_values.values)}"
    if parameter.HasField("condition"):
        text += " " + _condition(parameter.condition)
    return text


def _condition(condition: study_pb2.ParentCondition) -> str:
    parent, kind = condition.parent, condition.WhichOneof("values")
    if kind == "categories":
        return f"when {parent} in {list(condition.categories.values)}"
    if kind == "numbers":
        return f"when {parent} in {_numbers(condition.numbers.values)}"
    bounds = condition.range
    low = f"{_number(bounds.min_value)} <= " if bounds.HasField("min_value") else ""
    high = f" <= {_number(bounds.max_value)}" if bounds.HasField("max_value") else ""
    return f"when {low}{parent}{high}"


def _metric(metric: study_pb2.MetricSpec) -> str:
    if metric.HasField("constraint"):
        bounds = metric.constraint
        parts = [
            f"{word}={_number(getattr(bounds, field))}"
            for word, field in (("at_least", "lower_bound"), ("at_most", "upper_bound"))
            if bounds.HasField(field)
        ]
        return "constraint " + ", ".join(parts)
    text = _enum_word(study_pb2.Goal, metric.goal, "GOAL_")
    if metric.HasField("reference_value"):
        text += f" (reference_value={_number(metric.reference_value)})"
    return text


def _algorithm(spec: study_pb2.StudySpec) -> str:
    return _enum_word(study_pb2.Algorithm, spec.algorithm, "ALGORITHM_")


def _budget(spec: study_pb2.StudySpec) -> str:
    return str(spec.max_trials) if spec.max_trials else "none"


def _policy(policy: study_pb2.EarlyStoppingPolicy) -> str:
    rule = policy.WhichOneof("rule")
    if rule is None:
        return "none"
    settings = getattr(policy, rule).ListFields()  # the settings given, in field order
    fields = ", ".join(f"{field.name}={_number(value)}" for field, value in settings)
    return f"{rule}({fields})"


def _restarts_difference(stored: study_pb2.StudySpec, given: study_pb2.StudySpec) -> list[str]:
    """Whether the stall restarts differ, where `given` sets them (unset takes the
    server's default). A study stored without them never restarts: false."""
    if not given.HasField("stall_restarts"):
        return []
    return _value_difference(
        "stall_restarts", _flag(stored.stall_restarts), _flag(given.stall_restarts)
    )


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _fidelity(spec: study_pb2.StudySpec) -> str:
    """E.g. "Fidelity(max_step=27)", or "none"."""
    return f"Fidelity(max_step={spec.fidelity.max_step})" if spec.HasField("fidelity") else "none"


def _budget_parameter(spec: study_pb2.StudySpec) -> str:
    """E.g. "Budget(parameter=epochs, reduction_factor=3)", or "none"."""
    if not spec.HasField("budget_parameter"):
        return "none"
    budget = spec.budget_parameter
    return f"Budget(parameter={budget.parameter}, reduction_factor={budget.reduction_factor})"


def _priors(spec: study_pb2.StudySpec) -> str:
    """E.g. "[teams/t/studies/a, teams/t/studies/b (objective val_loss)]", or "none"."""
    if not spec.prior_studies:
        return "none"
    described = [
        p.study + (f" (objective {p.objective})" if p.objective else "") for p in spec.prior_studies
    ]
    return "[" + ", ".join(described) + "]"


def _one_line(message: Any) -> str:
    return "{" + text_format.MessageToString(message, as_one_line=True) + "}"
