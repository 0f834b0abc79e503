"""Requests for every RPC: valid ones against a target, and near-valid variations.

A valid request of each RPC gets past the first checks, so that one mutated field
exercises the checks behind them. An RPC without a builder here (a new one) gets its
`name`/`parent` fields filled with the target's resource names, which is what the
first check of every Sibyl RPC reads.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, MethodDescriptor, ServiceDescriptor
from google.protobuf.duration_pb2 import Duration
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from hypothesis import strategies as st

from sibyl.v1 import study_pb2, study_service_pb2, team_service_pb2, trial_pb2
from tests.fuzz.messages import MessageStrategies, mutated

SERVICES: tuple[ServiceDescriptor, ...] = (
    *study_service_pb2.DESCRIPTOR.services_by_name.values(),
    *team_service_pb2.DESCRIPTOR.services_by_name.values(),
)
METHODS: tuple[MethodDescriptor, ...] = tuple(
    method for service in SERVICES for method in service.methods
)
WORKER = "worker-1"
PARAMETERS = ("x", "n", "b", "c", "m")
METRICS = ("loss", "mem")
GOOD_VALUES: dict[str, trial_pb2.ParameterValue] = {
    "x": trial_pb2.ParameterValue(double_value=0.5),
    "n": trial_pb2.ParameterValue(int_value=2),
    "b": trial_pb2.ParameterValue(double_value=32.0),
    "c": trial_pb2.ParameterValue(string_value="adam"),
}
FINAL_METRICS = {"loss": 1.0, "mem": 2.0}


def path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


def target_spec() -> study_pb2.StudySpec:
    """Every parameter type, a conditional parameter, a constraint and early stopping."""
    linear = study_pb2.SCALE_TYPE_LINEAR
    momentum = study_pb2.ParameterSpec(
        name="m", double_range=study_pb2.DoubleRange(min_value=0, max_value=0.99, scale_type=linear)
    )
    momentum.condition.parent = "c"
    momentum.condition.categories.values.append("sgd")
    spec = study_pb2.StudySpec(
        parameters=[
            study_pb2.ParameterSpec(
                name="x",
                double_range=study_pb2.DoubleRange(min_value=0, max_value=1, scale_type=linear),
            ),
            study_pb2.ParameterSpec(
                name="n",
                integer_range=study_pb2.IntegerRange(min_value=1, max_value=5, scale_type=linear),
            ),
            study_pb2.ParameterSpec(
                name="b", discrete_values=study_pb2.DiscreteValues(values=[16, 32, 64])
            ),
            study_pb2.ParameterSpec(
                name="c", categorical_values=study_pb2.CategoricalValues(values=["sgd", "adam"])
            ),
            momentum,
        ],
        metrics=[
            study_pb2.MetricSpec(name="loss", goal=study_pb2.GOAL_MINIMIZE),
            study_pb2.MetricSpec(name="mem", constraint=study_pb2.OutcomeConstraint(upper_bound=8)),
        ],
        algorithm=study_pb2.ALGORITHM_QUASI_RANDOM_SEARCH,
        seed=7,
        trial_lease=Duration(seconds=3600),
    )
    spec.early_stopping.median.min_step = 1
    return spec


@dataclass(frozen=True)
class Target:
    """Resources of one team for requests to act on.

    Attributes:
        team: `teams/{team}`.
        study: A study of `target_spec()`.
        active_trial: ACTIVE, held by WORKER, with one measurement at step 1.
        completed_trial: COMPLETED.
        requested_trial: REQUESTED (queued with CreateTrial).
        token: A spare READER token of the team.
        page_tokens: List method name -> a `next_page_token` it returned.
    """

    team: str
    study: str
    active_trial: str
    completed_trial: str
    requested_trial: str
    token: str
    page_tokens: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return (
            self.team,
            self.study,
            self.active_trial,
            self.completed_trial,
            self.requested_trial,
            self.token,
        )


def hints(target: Target) -> dict[str, tuple[str, ...]]:
    """Strings worth trying, by field name, for requests against `target`."""
    page_tokens = tuple(
        variant for token in target.page_tokens.values() for variant in hostile_page_tokens(token)
    )
    return {
        "name": target.names,
        "parent": (target.team, target.study, "c", "n", "x"),
        "study_id": ("s-" + uuid.uuid4().hex[:8], "study", "default"),
        "client_id": (WORKER, "worker-2"),
        "request_id": ("r-1", "r-2"),
        "page_token": page_tokens,
        "paths": ("display_name", "spec.max_trials", "spec.trial_lease", "spec", "name", "*"),
        "parameters": PARAMETERS,
        "metrics": METRICS,
        "metadata": ("note", "sibyl.algorithm"),
        "values": ("sgd", "adam"),
    }


def hostile_page_tokens(token: str) -> tuple[str, ...]:
    """`token` as returned, and its payload with every kind of wrong position."""
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    positions: list[object] = [2**63, 2**63 - 1, 2**64, 10**30, -1, -(2**63) - 1, 1.5, 1e300]
    positions += ["7", None, True, [], {"a": 1}, "9" * 5000]
    variants = [token, *(_encoded({**payload, "after": after}) for after in positions)]
    variants += [_encoded([payload]), _encoded("x"), _encoded({"f": payload.get("f")})]
    nested = "[" * 100_000 + "]" * 100_000
    variants += [_raw_token(nested.encode()), _raw_token(b"\xff\xfe"), token + "!", token[:-2]]
    return tuple(variants)


def _encoded(payload: object) -> str:
    return _raw_token(json.dumps(payload).encode())


def _raw_token(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


Builder = Callable[[Target], Message]
ss, ts = study_service_pb2, team_service_pb2


def _create_study(t: Target) -> Message:
    study = study_pb2.Study(display_name="fuzz", spec=target_spec())
    return ss.CreateStudyRequest(parent=t.team, study_id="s-" + uuid.uuid4().hex[:12], study=study)


def _update_study(t: Target) -> Message:
    study = study_pb2.Study(name=t.study, display_name="renamed")
    study.spec.max_trials = 100
    study.spec.trial_lease.seconds = 600
    paths = ["display_name", "spec.max_trials", "spec.trial_lease"]
    return ss.UpdateStudyRequest(study=study, update_mask=FieldMask(paths=paths))


def _create_trial(t: Target) -> Message:
    trial = trial_pb2.Trial(
        parameters=GOOD_VALUES,
        state=trial_pb2.TRIAL_STATE_COMPLETED,
        final_measurement=trial_pb2.Measurement(metrics=FINAL_METRICS, step=3),
        measurements=[trial_pb2.Measurement(metrics={"loss": 2.0}, step=1)],
        metadata={"note": "warm start"},
    )
    return ss.CreateTrialRequest(parent=t.study, trial=trial, request_id="r-" + uuid.uuid4().hex)


VALID: dict[str, Builder] = {
    "CreateStudy": _create_study,
    "GetStudy": lambda t: ss.GetStudyRequest(name=t.study),
    "ListStudies": lambda t: ss.ListStudiesRequest(
        parent=t.team, page_size=1, page_token=t.page_tokens.get("ListStudies", "")
    ),
    "DeleteStudy": lambda t: ss.DeleteStudyRequest(name=t.study),
    "UpdateStudyState": lambda t: ss.UpdateStudyStateRequest(
        name=t.study, state=study_pb2.STUDY_STATE_PAUSED
    ),
    "UpdateStudy": _update_study,
    "SuggestTrials": lambda t: ss.SuggestTrialsRequest(parent=t.study, count=1, client_id=WORKER),
    "CreateTrial": _create_trial,
    "GetTrial": lambda t: ss.GetTrialRequest(name=t.active_trial),
    "ListTrials": lambda t: ss.ListTrialsRequest(
        parent=t.study, page_size=1, page_token=t.page_tokens.get("ListTrials", "")
    ),
    "AddTrialMeasurement": lambda t: ss.AddTrialMeasurementRequest(
        name=t.active_trial,
        measurement=trial_pb2.Measurement(metrics={"loss": 0.5}, step=2, elapsed_seconds=1.0),
        client_id=WORKER,
    ),
    "CompleteTrial": lambda t: ss.CompleteTrialRequest(
        name=t.active_trial,
        final_measurement=trial_pb2.Measurement(metrics=FINAL_METRICS, step=2),
        client_id=WORKER,
    ),
    "ListOptimalTrials": lambda t: ss.ListOptimalTrialsRequest(parent=t.study),
    "CheckTrialEarlyStopping": lambda t: ss.CheckTrialEarlyStoppingRequest(
        name=t.active_trial, client_id=WORKER
    ),
    "StopTrial": lambda t: ss.StopTrialRequest(name=t.active_trial),
    "ComputeParameterImportance": lambda t: ss.ComputeParameterImportanceRequest(
        parent=t.study, metric="loss"
    ),
    "GetTeam": lambda t: ts.GetTeamRequest(name=t.team),
    "CreateToken": lambda t: ts.CreateTokenRequest(
        parent=t.team,
        role=ts.ROLE_READER,
        description="fuzz",
        time_to_live=Duration(seconds=3600),
        request_id="r-" + uuid.uuid4().hex,
    ),
    "ListTokens": lambda t: ts.ListTokensRequest(
        parent=t.team, page_size=1, page_token=t.page_tokens.get("ListTokens", "")
    ),
    "RevokeToken": lambda t: ts.RevokeTokenRequest(name=t.token),
}


def valid_request(method: MethodDescriptor, target: Target) -> st.SearchStrategy[Message]:
    """A request of `method` that a correct server accepts (or refuses for state only)."""
    builder = VALID.get(method.name)
    if builder is not None:
        return st.builds(builder, st.just(target))
    return _named(method.input_type, target)


def _named(descriptor: Descriptor, target: Target) -> st.SearchStrategy[Message]:
    """A message whose `name` and `parent` fields hold some resource name of `target`."""
    fields = [
        f for f in descriptor.fields if f.name in ("name", "parent") and f.type == f.TYPE_STRING
    ]

    def build(names: list[str]) -> Message:
        message = message_factory.GetMessageClass(descriptor)()
        for item, value in zip(fields, names, strict=True):
            setattr(message, item.name, value)
        return message

    return st.lists(st.sampled_from(target.names), min_size=len(fields), max_size=len(fields)).map(
        build
    )


def near_valid_request(
    method: MethodDescriptor, target: Target, strategies: MessageStrategies
) -> st.SearchStrategy[Message]:
    """A valid request of `method`, as such (sometimes) or with a field or two changed."""
    valid = valid_request(method, target)
    changed = valid.flatmap(lambda message: mutated(strategies, message))
    return st.one_of(changed, changed, changed, valid)


def arbitrary_request(
    method: MethodDescriptor, strategies: MessageStrategies
) -> st.SearchStrategy[Message]:
    return strategies.message(method.input_type)
