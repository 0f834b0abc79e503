"""Domain objects to and from the JSON and integer forms the tables store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sibyl_server.domain.study import (
    Algorithm,
    EarlyStoppingPolicy,
    EarlyStoppingRule,
    Goal,
    MetricSpec,
    OutcomeConstraint,
    ParameterSpec,
    ParameterType,
    ParentCondition,
    ScaleType,
    StudySpec,
)
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Measurement


def to_micros(seconds: float) -> int:
    return int(round(seconds * 1_000_000))


def from_micros(micros: int | None) -> float | None:
    return None if micros is None else micros / 1_000_000


def micros_or_none(seconds: float | None) -> int | None:
    return None if seconds is None else to_micros(seconds)


def dump_json(value: Any) -> str:
    # allow_nan=False: a NaN must never reach the store (validation rejects it).
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def spec_to_json(spec: StudySpec) -> str:
    return dump_json(
        {
            "parameters": [_parameter_to_dict(p) for p in spec.parameters],
            "metrics": [_metric_to_dict(m) for m in spec.metrics],
            "algorithm": spec.algorithm.value,
            "max_trials": spec.max_trials,
            "seed": spec.seed,
            "lease_seconds": spec.lease_seconds,
            "grid_resolution": spec.grid_resolution,
            "num_initial_trials": spec.num_initial_trials,
            "early_stopping": _policy_to_dict(spec.early_stopping),
        }
    )


def _metric_to_dict(metric: MetricSpec) -> dict[str, Any]:
    constraint = metric.constraint
    return {
        "name": metric.name,
        "goal": metric.goal.value if metric.goal else None,
        "constraint": None
        if constraint is None
        else {"upper_bound": constraint.upper_bound, "lower_bound": constraint.lower_bound},
        "reference_value": metric.reference_value,
    }


def _metric_from_dict(data: Mapping[str, Any]) -> MetricSpec:
    constraint = data.get("constraint")
    return MetricSpec(
        name=data["name"],
        goal=Goal(data["goal"]) if data.get("goal") else None,
        constraint=OutcomeConstraint(**constraint) if constraint else None,
        reference_value=data.get("reference_value"),
    )


def _policy_to_dict(policy: EarlyStoppingPolicy | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    return {
        "rule": policy.rule.value,
        "min_step": policy.min_step,
        "min_trials": policy.min_trials,
        "reduction_factor": policy.reduction_factor,
        "final_step": policy.final_step,
    }


def _policy_from_dict(data: Mapping[str, Any] | None) -> EarlyStoppingPolicy | None:
    if data is None:
        return None
    return EarlyStoppingPolicy(**{**data, "rule": EarlyStoppingRule(data["rule"])})


def _parameter_to_dict(parameter: ParameterSpec) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "type": parameter.type.value,
        "min_value": parameter.min_value,
        "max_value": parameter.max_value,
        "scale": parameter.scale.value,
        "values": list(parameter.values),
        "categories": list(parameter.categories),
        "condition": None
        if parameter.condition is None
        else _condition_to_dict(parameter.condition),
    }


def _condition_to_dict(condition: ParentCondition) -> dict[str, Any]:
    return {
        "parent": condition.parent,
        "categories": list(condition.categories),
        "numbers": list(condition.numbers),
        "min_value": condition.min_value,
        "max_value": condition.max_value,
    }


def _condition_from_dict(data: Mapping[str, Any] | None) -> ParentCondition | None:
    if data is None:
        return None
    return ParentCondition(
        parent=data["parent"],
        categories=tuple(data["categories"]),
        numbers=tuple(data["numbers"]),
        min_value=data["min_value"],
        max_value=data["max_value"],
    )


def spec_from_json(text: str) -> StudySpec:
    data = json.loads(text)
    return StudySpec(
        parameters=tuple(_parameter_from_dict(p) for p in data["parameters"]),
        metrics=tuple(_metric_from_dict(m) for m in data["metrics"]),
        algorithm=Algorithm(data["algorithm"]),
        max_trials=data["max_trials"],
        seed=data["seed"],
        lease_seconds=data["lease_seconds"],
        grid_resolution=data["grid_resolution"],
        num_initial_trials=data["num_initial_trials"],
        early_stopping=_policy_from_dict(data.get("early_stopping")),
    )


def _parameter_from_dict(data: Mapping[str, Any]) -> ParameterSpec:
    return ParameterSpec(
        name=data["name"],
        type=ParameterType(data["type"]),
        min_value=data["min_value"],
        max_value=data["max_value"],
        scale=ScaleType(data["scale"]),
        values=tuple(data["values"]),
        categories=tuple(data["categories"]),
        condition=_condition_from_dict(data.get("condition")),
    )


def measurement_to_json(measurement: Measurement) -> str:
    return dump_json(
        {
            "metrics": dict(measurement.metrics),
            "step": measurement.step,
            "elapsed_seconds": measurement.elapsed_seconds,
        }
    )


def measurement_from_json(text: str | None) -> Measurement | None:
    if text is None:
        return None
    data = json.loads(text)
    return Measurement(data["metrics"], data["step"], data["elapsed_seconds"])


def quotas_to_json(quotas: TeamQuotas) -> str:
    return dump_json(
        {
            "max_active_studies": quotas.max_active_studies,
            "max_trials_per_study": quotas.max_trials_per_study,
            "max_suggest_requests_per_second": quotas.max_suggest_requests_per_second,
        }
    )


def quotas_from_json(text: str) -> TeamQuotas:
    return TeamQuotas(**json.loads(text))
