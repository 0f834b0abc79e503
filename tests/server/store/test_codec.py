"""The stored JSON of specs, measurements and quotas: a schema, pinned here."""

from __future__ import annotations

import dataclasses

from sibyl_server.domain.study import (
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
    ParentCondition,
    PriorStudy,
    ScaleType,
    StudySpec,
)
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Measurement
from sibyl_server.store import codec

SPEC = StudySpec(
    parameters=(
        ParameterSpec.double("lr", 1e-4, 1e-1, scale=ScaleType.LOG),
        ParameterSpec.categorical("opt", ["sgd", "adam"]),
        dataclasses.replace(
            ParameterSpec.double("momentum", 0.0, 0.99),
            condition=ParentCondition("opt", categories=("sgd",)),
        ),
        ParameterSpec(name="layers", type=ParameterType.INTEGER, min_value=1, max_value=4),
        ParameterSpec(name="batch", type=ParameterType.DISCRETE, values=(16.0, 32.0)),
    ),
    metrics=(
        MetricSpec("loss", Goal.MINIMIZE, reference_value=2.0),
        MetricSpec("mem", None, OutcomeConstraint(upper_bound=8.0)),
    ),
    algorithm=Algorithm.GP_BANDIT,
    max_trials=50,
    seed=7,
    lease_seconds=60.0,
    num_initial_trials=6,
    early_stopping=EarlyStoppingPolicy(
        EarlyStoppingRule.SUCCESSIVE_HALVING, min_step=1, min_trials=1, reduction_factor=2.0
    ),
)
# As written by every release so far: stored rows must keep loading.
STORED_SPEC = (
    '{"parameters":[{"name":"lr","type":"DOUBLE","min_value":0.0001,"max_value":0.1,'
    '"scale":"LOG","values":[],"categories":[],"condition":null},{"name":"opt",'
    '"type":"CATEGORICAL","min_value":null,"max_value":null,"scale":"LINEAR","values":[],'
    '"categories":["sgd","adam"],"condition":null},{"name":"momentum","type":"DOUBLE",'
    '"min_value":0.0,"max_value":0.99,"scale":"LINEAR","values":[],"categories":[],'
    '"condition":{"parent":"opt","categories":["sgd"],"numbers":[],"min_value":null,'
    '"max_value":null}},{"name":"layers","type":"INTEGER","min_value":1,"max_value":4,'
    '"scale":"LINEAR","values":[],"categories":[],"condition":null},{"name":"batch",'
    '"type":"DISCRETE","min_value":null,"max_value":null,"scale":"LINEAR",'
    '"values":[16.0,32.0],"categories":[],"condition":null}],"metrics":[{"name":"loss",'
    '"goal":"MINIMIZE","constraint":null,"reference_value":2.0},{"name":"mem","goal":null,'
    '"constraint":{"upper_bound":8.0,"lower_bound":null},"reference_value":null}],'
    '"algorithm":"GP_BANDIT","max_trials":50,"seed":7,"lease_seconds":60.0,'
    '"grid_resolution":5,"num_initial_trials":6,"early_stopping":{"rule":"SUCCESSIVE_HALVING",'
    '"min_step":1,"min_trials":1,"reduction_factor":2.0,"final_step":0}}'
)


def test_a_spec_is_stored_as_before_and_reads_back() -> None:
    # Written since: a policy's brackets and min_probability, and the spec's prior
    # studies, fidelity, budget parameter and stall restarts.
    written = STORED_SPEC[:-2] + ',"brackets":1,"min_probability":0.1}'
    written += ',"prior_studies":[],"fidelity":null,"budget":null,"stall_restarts":null}'
    assert codec.spec_to_json(SPEC) == written
    assert codec.spec_from_json(STORED_SPEC) == SPEC


def test_the_model_rule_is_stored_and_reads_back() -> None:
    policy = EarlyStoppingPolicy(EarlyStoppingRule.MODEL, min_step=1, min_probability=0.25)
    spec = dataclasses.replace(SPEC, early_stopping=policy, fidelity=Fidelity(27))
    assert codec.spec_from_json(codec.spec_to_json(spec)) == spec


def test_prior_studies_are_stored_by_field_name() -> None:
    priors = (PriorStudy("teams/t/studies/old", "val_loss"), PriorStudy("teams/t/studies/b"))
    spec = dataclasses.replace(SPEC, prior_studies=priors)
    stored = codec.spec_to_json(spec)
    assert stored.endswith(
        ',"prior_studies":[{"study":"teams/t/studies/old","objective":"val_loss"},'
        '{"study":"teams/t/studies/b","objective":""}],"fidelity":null,"budget":null,'
        '"stall_restarts":null}'
    )
    assert codec.spec_from_json(stored) == spec


def test_a_fidelity_is_stored_by_field_name() -> None:
    spec = dataclasses.replace(SPEC, fidelity=Fidelity(27))
    stored = codec.spec_to_json(spec)
    assert stored.endswith(',"fidelity":{"max_step":27},"budget":null,"stall_restarts":null}')
    assert codec.spec_from_json(stored) == spec


def test_a_budget_parameter_is_stored_by_field_name() -> None:
    spec = dataclasses.replace(SPEC, budget=BudgetParameter("layers", 2))
    stored = codec.spec_to_json(spec)
    assert stored.endswith(
        ',"budget":{"name":"layers","reduction_factor":2},"stall_restarts":null}'
    )
    assert codec.spec_from_json(stored) == spec


def test_stall_restarts_are_stored_by_field_name() -> None:
    spec = dataclasses.replace(SPEC, stall_restarts=True)
    stored = codec.spec_to_json(spec)
    assert stored.endswith(',"budget":null,"stall_restarts":true}')
    assert codec.spec_from_json(stored) == spec


def test_a_spec_stored_before_early_stopping_and_conditions_existed_loads() -> None:
    old = '{"parameters":[{"name":"x","type":"DOUBLE","min_value":0.0,"max_value":1.0,'
    old += '"scale":"LINEAR","values":[],"categories":[]}],"metrics":[{"name":"y",'
    old += '"goal":"MAXIMIZE","constraint":null,"reference_value":null}],"algorithm":'
    old += '"RANDOM_SEARCH","max_trials":null,"seed":1,"lease_seconds":3600.0,'
    old += '"grid_resolution":5,"num_initial_trials":null}'
    spec = codec.spec_from_json(old)
    assert spec.early_stopping is None
    assert spec.parameters[0] == ParameterSpec.double("x", 0.0, 1.0)
    assert spec.metrics == (MetricSpec("y", Goal.MAXIMIZE),)


def test_measurements_and_quotas_round_trip() -> None:
    measurement = Measurement({"loss": 0.5, "train_loss": 1.0}, 3, 1.5)
    text = codec.measurement_to_json(measurement)
    assert text == '{"metrics":{"loss":0.5,"train_loss":1.0},"step":3,"elapsed_seconds":1.5}'
    assert codec.measurement_from_json(text) == measurement
    assert codec.measurement_from_json(None) is None
    quotas = TeamQuotas(2, 100, 5.0)
    text = codec.quotas_to_json(quotas)
    assert text == (
        '{"max_active_studies":2,"max_trials_per_study":100,"max_suggest_requests_per_second":5.0}'
    )
    assert codec.quotas_from_json(text) == quotas


def test_a_new_field_needs_no_codec_change() -> None:
    @dataclasses.dataclass(frozen=True)
    class Extended:
        spec: StudySpec
        note: str | None = None
        tags: tuple[str, ...] = ()

    value = Extended(SPEC, "n", ("a", "b"))
    assert codec.from_plain(Extended, codec.to_plain(value)) == value
