"""Proto messages to domain objects and back.

Structural checks that only the proto form can have (an unset oneof, an enum's zero
value) happen here, with the field's path; semantic checks are in
`sibyl_server.domain.validation`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Mapping
from typing import Any, TypeVar

from google.protobuf.duration_pb2 import Duration
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from sibyl.v1 import study_pb2, study_service_pb2, team_service_pb2, trial_pb2
from sibyl_server.domain.errors import InvalidArgument, quoted
from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import (
    DEFAULT_BUDGET_REDUCTION,
    DEFAULT_GRID_RESOLUTION,
    DEFAULT_LEASE_SECONDS,
    Algorithm,
    BudgetParameter,
    EarlyStoppingPolicy,
    EarlyStoppingRule,
    Fidelity,
    Goal,
    MetricSpec,
    OutcomeConstraint,
    ParameterSpec,
    ParameterType,
    ParameterValue,
    ParentCondition,
    PriorStudy,
    ScaleType,
    Study,
    StudySpec,
    StudyState,
    stopping_policy,
)
from sibyl_server.domain.team import Role, Team, Token
from sibyl_server.domain.trial import Measurement, Trial, TrialState, TrialView
from sibyl_server.domain.validation import MAX_DURATION_SECONDS, check_discrete_values
from sibyl_server.service.analysis import Importance
from sibyl_server.service.studies import StudyUpdate

E = TypeVar("E", bound=enum.Enum)

# Domain enum -> the prefix of its proto values (STUDY_STATE_ACTIVE <-> ACTIVE).
_PROTO_ENUMS: dict[type[enum.Enum], tuple[Any, str]] = {
    StudyState: (study_pb2.StudyState, "STUDY_STATE_"),
    TrialState: (trial_pb2.TrialState, "TRIAL_STATE_"),
    ScaleType: (study_pb2.ScaleType, "SCALE_TYPE_"),
    Goal: (study_pb2.Goal, "GOAL_"),
    Algorithm: (study_pb2.Algorithm, "ALGORITHM_"),
    TrialView: (study_service_pb2.TrialView, "TRIAL_VIEW_"),
}


def enum_from_proto(domain: type[E], number: int, field: str) -> E:
    """The domain value of a proto enum number; UNSPECIFIED and unknown numbers are errors."""
    proto_enum, prefix = _PROTO_ENUMS[domain]
    choices = ", ".join(prefix + member.value for member in domain)
    if number == 0:
        raise InvalidArgument(field, f"required: one of {choices}")
    try:
        name = proto_enum.Name(number)
    except ValueError:
        raise InvalidArgument(field, f"unknown value {number}; use one of {choices}") from None
    return domain(name.removeprefix(prefix))


def view_from_proto(number: int) -> TrialView:
    """A listing's view; UNSPECIFIED is FULL, what listings returned before views existed."""
    return TrialView.FULL if number == 0 else enum_from_proto(TrialView, number, "view")


@functools.cache
def enum_to_proto(value: enum.Enum) -> int:
    proto_enum, prefix = _PROTO_ENUMS[type(value)]
    return int(proto_enum.Value(prefix + value.value))


def timestamp(seconds: float | None) -> Timestamp | None:
    if seconds is None:
        return None
    result = Timestamp()
    result.FromMicroseconds(round(seconds * 1_000_000))
    return result


def duration_from_proto(message: Duration, field: str) -> float:
    """Seconds of a Duration, or InvalidArgument if it is not a valid Duration.

    A Duration's nanos lie in (-1e9, 1e9) and share the sign of its seconds; the
    decoder accepts any values, and converting invalid ones fails deep inside.
    """
    seconds, nanos = message.seconds, message.nanos
    if abs(seconds) > MAX_DURATION_SECONDS:
        raise InvalidArgument(f"{field}.seconds", f"must be within +/-{MAX_DURATION_SECONDS}")
    if not -999_999_999 <= nanos <= 999_999_999 or (
        seconds and nanos and (seconds > 0) != (nanos > 0)
    ):
        raise InvalidArgument(
            f"{field}.nanos", "must be between -999999999 and 999999999, with the sign of seconds"
        )
    return seconds + nanos / 1e9


def _set_timestamp(message: Message, field: str, seconds: float | None) -> None:
    if seconds is not None:  # set in place: a listing sets thousands
        getattr(message, field).FromMicroseconds(round(seconds * 1_000_000))


# Leaf messages whose fields have the names of a domain dataclass's (a constraint's
# bounds, a condition's range, a stopping rule's settings, a team's quotas) map field by
# field; the messages that rename or restructure (a parameter's oneof, the spec's lease
# and budget) are mapped by the functions below.


def given_fields(message: Message) -> dict[str, Any]:
    """The fields set in `message`, by name: a proto3 scalar is set when it is not 0, an
    `optional` one when it was assigned."""
    return {field.name: value for field, value in message.ListFields()}


def copy_fields(source: object, message: Message) -> None:
    """Sets each field of `message` (marked present) that `source` has and is not None."""
    message.SetInParent()
    for field in message.DESCRIPTOR.fields:
        value = getattr(source, field.name, None)
        if value is not None:
            setattr(message, field.name, value)


# Studies -------------------------------------------------------------------------------


def spec_from_proto(message: study_pb2.StudySpec, field: str) -> StudySpec:
    lease = _lease_seconds(message, field)
    if message.max_trials < 0:
        raise InvalidArgument(f"{field}.max_trials", "must be 0 (no budget) or more")
    return StudySpec(
        parameters=tuple(
            parameter_from_proto(p, f"{field}.parameters[{i}]")
            for i, p in enumerate(message.parameters)
        ),
        metrics=tuple(
            metric_from_proto(m, f"{field}.metrics[{i}]") for i, m in enumerate(message.metrics)
        ),
        algorithm=enum_from_proto(Algorithm, message.algorithm, f"{field}.algorithm"),
        max_trials=message.max_trials or None,
        seed=message.seed if message.HasField("seed") else None,
        lease_seconds=lease,
        grid_resolution=message.grid_resolution or DEFAULT_GRID_RESOLUTION,
        num_initial_trials=(message.initial_trials if message.HasField("initial_trials") else None),
        early_stopping=(
            policy_from_proto(message.early_stopping, f"{field}.early_stopping")
            if message.HasField("early_stopping")
            else None
        ),
        prior_studies=tuple(PriorStudy(p.study, p.objective) for p in message.prior_studies),
        fidelity=(Fidelity(message.fidelity.max_step) if message.HasField("fidelity") else None),
        budget=(
            BudgetParameter(
                message.budget_parameter.parameter,
                message.budget_parameter.reduction_factor or DEFAULT_BUDGET_REDUCTION,
            )
            if message.HasField("budget_parameter")
            else None
        ),
        stall_restarts=(message.stall_restarts if message.HasField("stall_restarts") else None),
    )


def metric_from_proto(message: study_pb2.MetricSpec, field: str) -> MetricSpec:
    constraint = None
    if message.HasField("constraint"):
        constraint = OutcomeConstraint(**given_fields(message.constraint))
    # A constraint has no goal: GOAL_UNSPECIFIED is its normal value, not an error.
    goal = None
    if message.goal or constraint is None:
        goal = enum_from_proto(Goal, message.goal, f"{field}.goal")
    return MetricSpec(
        name=message.name,
        goal=goal,
        constraint=constraint,
        reference_value=(message.reference_value if message.HasField("reference_value") else None),
    )


def metric_to_proto(metric: MetricSpec) -> study_pb2.MetricSpec:
    message = study_pb2.MetricSpec(name=metric.name)
    if metric.goal is not None:
        message.goal = enum_to_proto(metric.goal)
    if metric.constraint is not None:
        copy_fields(metric.constraint, message.constraint)
    if metric.reference_value is not None:
        message.reference_value = metric.reference_value
    return message


def policy_from_proto(message: study_pb2.EarlyStoppingPolicy, field: str) -> EarlyStoppingPolicy:
    name = message.WhichOneof("rule")
    if name is None:
        rules = ", ".join(rule.field_name for rule in EarlyStoppingRule)
        raise InvalidArgument(field, f"one of {rules} is required")
    # A setting left unset (0) takes the rule's default.
    return stopping_policy(EarlyStoppingRule(name.upper()), **given_fields(getattr(message, name)))


def policy_to_proto(policy: EarlyStoppingPolicy) -> study_pb2.EarlyStoppingPolicy:
    message = study_pb2.EarlyStoppingPolicy()
    copy_fields(policy, getattr(message, policy.rule.field_name))
    return message


def parameter_from_proto(message: study_pb2.ParameterSpec, field: str) -> ParameterSpec:
    parameter = _unconditional_parameter_from_proto(message, field)
    if not message.HasField("condition"):
        return parameter
    condition = condition_from_proto(message.condition, f"{field}.condition")
    return dataclasses.replace(parameter, condition=condition)


def condition_from_proto(message: study_pb2.ParentCondition, field: str) -> ParentCondition:
    kind = message.WhichOneof("values")
    if kind in ("categories", "numbers") and not getattr(message, kind).values:
        raise InvalidArgument(f"{field}.{kind}.values", "at least one value is required")
    if kind == "categories":
        return ParentCondition(message.parent, categories=tuple(message.categories.values))
    if kind == "numbers":
        return ParentCondition(message.parent, numbers=tuple(message.numbers.values))
    if kind == "range":
        return ParentCondition(message.parent, **given_fields(message.range))
    raise InvalidArgument(field, "one of categories, numbers, range is required")


def condition_to_proto(condition: ParentCondition) -> study_pb2.ParentCondition:
    message = study_pb2.ParentCondition(parent=condition.parent)
    if condition.categories:
        message.categories.values.extend(condition.categories)
    elif condition.numbers:
        message.numbers.values.extend(condition.numbers)
    else:
        copy_fields(condition, message.range)
    return message


def _unconditional_parameter_from_proto(
    message: study_pb2.ParameterSpec, field: str
) -> ParameterSpec:
    kind = message.WhichOneof("domain")
    name = message.name
    if kind == "double_range":
        scale = enum_from_proto(
            ScaleType, message.double_range.scale_type, f"{field}.double_range.scale_type"
        )
        r = message.double_range
        return ParameterSpec(name, ParameterType.DOUBLE, r.min_value, r.max_value, scale)
    if kind == "integer_range":
        scale = enum_from_proto(
            ScaleType, message.integer_range.scale_type, f"{field}.integer_range.scale_type"
        )
        i = message.integer_range
        return ParameterSpec(
            name, ParameterType.INTEGER, float(i.min_value), float(i.max_value), scale
        )
    if kind == "discrete_values":
        values = tuple(message.discrete_values.values)
        # Checked before sorting, so that an error names the value's index as sent.
        check_discrete_values(values, f"{field}.discrete_values.values")
        return ParameterSpec(name, ParameterType.DISCRETE, values=tuple(sorted(values)))
    if kind == "categorical_values":
        categories = tuple(message.categorical_values.values)
        return ParameterSpec(name, ParameterType.CATEGORICAL, categories=categories)
    raise InvalidArgument(
        field,
        "one of double_range, integer_range, discrete_values, categorical_values is required",
    )


def spec_to_proto(spec: StudySpec) -> study_pb2.StudySpec:
    """The effective spec: every setting with the value in use, defaults filled in, so
    clients show and compare what the server does without restating its defaults."""
    message = study_pb2.StudySpec(
        parameters=[parameter_to_proto(p) for p in spec.parameters],
        metrics=[metric_to_proto(m) for m in spec.metrics],
        algorithm=enum_to_proto(spec.algorithm),
        max_trials=spec.max_trials or 0,
        grid_resolution=spec.grid_resolution,
    )
    if spec.seed is not None:
        message.seed = spec.seed
    if spec.algorithm is Algorithm.GP_BANDIT:  # the only algorithm with initial trials
        message.initial_trials = spec.initial_trials()
    message.trial_lease.FromMicroseconds(round(spec.lease_seconds * 1_000_000))
    if spec.stopping is not None:  # a fidelity study's ASHA included
        message.early_stopping.CopyFrom(policy_to_proto(spec.stopping))
    for prior in spec.prior_studies:
        message.prior_studies.add(study=prior.study, objective=prior.objective)
    if spec.fidelity is not None:
        copy_fields(spec.fidelity, message.fidelity)
    if spec.budget is not None:
        message.budget_parameter.parameter = spec.budget.name
        message.budget_parameter.reduction_factor = spec.budget.reduction_factor
    if spec.stall_restarts is not None:  # fixed at creation where the study may restart
        message.stall_restarts = spec.stall_restarts
    return message


def parameter_to_proto(parameter: ParameterSpec) -> study_pb2.ParameterSpec:
    message = study_pb2.ParameterSpec(name=parameter.name)
    if parameter.condition is not None:
        message.condition.CopyFrom(condition_to_proto(parameter.condition))
    if parameter.type is ParameterType.DOUBLE:
        message.double_range.CopyFrom(
            study_pb2.DoubleRange(
                min_value=parameter.min_value,
                max_value=parameter.max_value,
                scale_type=enum_to_proto(parameter.scale),
            )
        )
    elif parameter.type is ParameterType.INTEGER:
        assert parameter.min_value is not None and parameter.max_value is not None
        message.integer_range.CopyFrom(
            study_pb2.IntegerRange(
                min_value=int(parameter.min_value),
                max_value=int(parameter.max_value),
                scale_type=enum_to_proto(parameter.scale),
            )
        )
    elif parameter.type is ParameterType.DISCRETE:
        message.discrete_values.values.extend(parameter.values)
    else:
        message.categorical_values.values.extend(parameter.categories)
    return message


def study_to_proto(study: Study) -> study_pb2.Study:
    message = study_pb2.Study(
        name=str(StudyName(study.team, study.study_id)),
        display_name=study.display_name,
        spec=spec_to_proto(study.spec),
        state=enum_to_proto(study.state),
        state_reason=study.state_reason,
        trial_count=study.trial_count,
    )
    _set_timestamp(message, "create_time", study.create_time)
    _set_timestamp(message, "update_time", study.update_time)
    return message


# Trials --------------------------------------------------------------------------------


def parameters_from_proto(
    values: Mapping[str, trial_pb2.ParameterValue], field: str
) -> dict[str, ParameterValue]:
    return {
        name: value_from_proto(value, f"{field}[{quoted(name)}]") for name, value in values.items()
    }


def value_from_proto(message: trial_pb2.ParameterValue, field: str) -> ParameterValue:
    kind = message.WhichOneof("kind")
    if kind is None:
        raise InvalidArgument(field, "one of double_value, int_value, string_value is required")
    value: ParameterValue = getattr(message, kind)
    return value


def set_value(message: trial_pb2.ParameterValue, value: ParameterValue) -> None:
    """Sets `message` in place: a listing sets tens of thousands, and building each as a
    message of its own, then copying it into its map, took a third of the conversion."""
    if isinstance(value, str):
        message.string_value = value
    elif isinstance(value, int):
        message.int_value = value
    else:
        message.double_value = value


def measurement_from_proto(message: trial_pb2.Measurement) -> Measurement:
    return Measurement(dict(message.metrics), message.step, message.elapsed_seconds)


def measurement_to_proto(measurement: Measurement) -> trial_pb2.Measurement:
    return trial_pb2.Measurement(
        metrics=dict(measurement.metrics),
        step=measurement.step,
        elapsed_seconds=measurement.elapsed_seconds,
    )


def trial_to_proto(study: StudyName, trial: Trial) -> trial_pb2.Trial:
    final = trial.final_measurement
    message = trial_pb2.Trial(
        name=str(study.trial(trial.number)),
        id=trial.number,
        state=enum_to_proto(trial.state),
        client_id=trial.client_id,
        measurements=[measurement_to_proto(m) for m in trial.measurements],
        final_measurement=None if final is None else measurement_to_proto(final),
        infeasibility_reason=trial.infeasibility_reason,
        metadata=dict(trial.metadata),
    )
    parameters = message.parameters
    for name, value in trial.parameters.items():
        set_value(parameters[name], value)
    _set_timestamp(message, "create_time", trial.create_time)
    _set_timestamp(message, "start_time", trial.start_time)
    _set_timestamp(message, "complete_time", trial.complete_time)
    if trial.state is TrialState.ACTIVE:
        _set_timestamp(message, "lease_expire_time", trial.lease_expire_time)
    return message


# Teams ---------------------------------------------------------------------------------


def role_from_proto(number: int, field: str) -> Role:
    if number == 0:
        raise InvalidArgument(field, "required: one of ROLE_READER, ROLE_WRITER, ROLE_ADMIN")
    try:
        return Role[team_service_pb2.Role.Name(number).removeprefix("ROLE_")]
    except ValueError:
        raise InvalidArgument(field, f"unknown value {number}") from None


def team_to_proto(team: Team) -> team_service_pb2.Team:
    message = team_service_pb2.Team(name=f"teams/{team.team}")
    copy_fields(team.quotas, message.quotas)
    _set_timestamp(message, "create_time", team.create_time or None)
    return message


def token_to_proto(token: Token) -> team_service_pb2.Token:
    message = team_service_pb2.Token(
        name=f"teams/{token.team}/tokens/{token.token_id}",
        role=team_service_pb2.Role.Value("ROLE_" + token.role.name),
        description=token.description,
    )
    _set_timestamp(message, "create_time", token.create_time)
    _set_timestamp(message, "expire_time", token.expire_time)
    _set_timestamp(message, "revoke_time", token.revoke_time)
    return message


# The study fields UpdateStudy may change, by their update_mask path.
UPDATABLE_STUDY_PATHS = ("display_name", "spec.max_trials", "spec.trial_lease")


def study_update_from_proto(study: study_pb2.Study, mask: FieldMask) -> StudyUpdate:
    """The changes an UpdateStudy request asks for; unknown or missing paths are errors."""
    paths = list(mask.paths)
    if not paths:
        raise InvalidArgument("update_mask", f"required: some of {list(UPDATABLE_STUDY_PATHS)}")
    for index, path in enumerate(paths):
        if path not in UPDATABLE_STUDY_PATHS:
            raise InvalidArgument(
                f"update_mask.paths[{index}]",
                f"cannot change {quoted(path)}; changeable: {list(UPDATABLE_STUDY_PATHS)}",
            )
    if "spec.max_trials" in paths and study.spec.max_trials < 0:  # others are ignored
        raise InvalidArgument("study.spec.max_trials", "must be 0 (no budget) or more")
    return StudyUpdate(
        display_name=study.display_name if "display_name" in paths else None,
        max_trials=study.spec.max_trials if "spec.max_trials" in paths else None,
        lease_seconds=(
            _lease_seconds(study.spec, "study.spec") if "spec.trial_lease" in paths else None
        ),
    )


def _lease_seconds(spec: study_pb2.StudySpec, field: str) -> float:
    if not spec.HasField("trial_lease"):
        return DEFAULT_LEASE_SECONDS
    return duration_from_proto(spec.trial_lease, f"{field}.trial_lease")


def importance_to_proto(
    importance: Importance,
) -> study_service_pb2.ComputeParameterImportanceResponse:
    result = importance.result
    return study_service_pb2.ComputeParameterImportanceResponse(
        importances=[
            study_service_pb2.ParameterImportance(
                parameter=p.parameter,
                importance=p.importance,
                first_order=p.first_order,
                total_effect=p.total_effect,
            )
            for p in result.importances
        ],
        method=study_service_pb2.ImportanceMethod.Value(f"IMPORTANCE_METHOD_{result.method.value}"),
        metric=importance.metric,
        trial_count=result.trial_count,
    )
