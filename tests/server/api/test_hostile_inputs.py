"""Hostile and malformed inputs, each answered INVALID_ARGUMENT naming the field, with
nothing written: the cases the fuzz suite (tests/fuzz) found, pinned one by one."""

from __future__ import annotations

import base64
import json
import logging
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration

from sibyl.errors import SibylError, from_rpc_error
from sibyl.v1 import study_pb2, team_service_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from sibyl.v1.team_service_pb2_grpc import TeamServiceStub
from sibyl_server import admin
from tests.fuzz.oracle import MAX_TRAILER_BYTES, trailer_bytes
from tests.fuzz.world import Reply
from tests.server.api.conftest import (
    GOOD_VALUES,
    TEAM,
    categorical,
    create_study,
    double,
    failure,
    integer,
    invalid,
    make_spec,
    values,
)
from tests.support.servers import ServerThread

LONG_INPUTS = ("x" * 5000, "é" * 5000, "😀" * 5000, "\x00" * 5000)


def create_request(study_id: str, **spec_options: object) -> pb.CreateStudyRequest:
    spec = make_spec(**spec_options)  # type: ignore[arg-type]
    return pb.CreateStudyRequest(parent=TEAM, study_id=study_id, study=study_pb2.Study(spec=spec))


def assert_not_created(stub: StudyServiceStub, study_id: str) -> None:
    error = failure(stub.GetStudy, pb.GetStudyRequest(name=f"{TEAM}/studies/{study_id}"))
    assert error.code == grpc.StatusCode.NOT_FOUND


# Studies -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, -(2**63)])
def test_a_negative_seed_is_refused(stub: StudyServiceStub, unique_id: str, seed: int) -> None:
    invalid(failure(stub.CreateStudy, create_request(unique_id, seed=seed)), "study.spec.seed")
    assert_not_created(stub, unique_id)


def test_the_largest_seed_is_accepted_and_suggests(stub: StudyServiceStub, unique_id: str) -> None:
    study = stub.CreateStudy(create_request(unique_id, seed=2**63 - 1)).study
    assert study.spec.seed == 2**63 - 1
    request = pb.SuggestTrialsRequest(parent=study.name, count=2, client_id="w")
    assert len(stub.SuggestTrials(request).trials) == 2


def test_a_list_of_more_states_than_there_are_is_refused(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = stub.CreateStudy(create_request(unique_id)).study
    every = list(trial_pb2.TrialState.values())[1:]  # all but the zero value
    listed = stub.ListTrials(pb.ListTrialsRequest(parent=study.name, states=every))
    assert list(listed.trials) == []
    too_many = pb.ListTrialsRequest(parent=study.name, states=[1] * 1_000_000)
    invalid(failure(stub.ListTrials, too_many), "states")


@pytest.mark.parametrize(
    ("lease", "field"),
    [
        (Duration(seconds=2**63 - 1), "study.spec.trial_lease.seconds"),
        (Duration(seconds=-(2**63)), "study.spec.trial_lease.seconds"),
        (Duration(seconds=31 * 24 * 3600), "study.spec.trial_lease"),
        (Duration(seconds=10, nanos=-1), "study.spec.trial_lease.nanos"),
        (Duration(seconds=10, nanos=2_000_000_000), "study.spec.trial_lease.nanos"),
    ],
)
def test_out_of_range_leases_are_refused(
    stub: StudyServiceStub, unique_id: str, lease: Duration, field: str
) -> None:
    invalid(failure(stub.CreateStudy, create_request(unique_id, trial_lease=lease)), field)
    assert_not_created(stub, unique_id)


@pytest.mark.parametrize(
    ("parameter", "field"),
    [
        (double("x", -1e308, 1e308), "study.spec.parameters[0].double_range.max_value"),
        (double("x\n", 0, 1), "study.spec.parameters[0].name"),
        (categorical("c", ["a\x00"]), "study.spec.parameters[0].categorical_values.values[0]"),
        (categorical("c", ["\x1b[2J"]), "study.spec.parameters[0].categorical_values.values[0]"),
        (  # the index as sent, not as sorted
            study_pb2.ParameterSpec(
                name="d", discrete_values=study_pb2.DiscreteValues(values=[math.inf, 1, 2])
            ),
            "study.spec.parameters[0].discrete_values.values[0]",
        ),
    ],
)
def test_parameters_that_would_break_later(
    stub: StudyServiceStub, unique_id: str, parameter: study_pb2.ParameterSpec, field: str
) -> None:
    spec = make_spec()
    del spec.parameters[:]
    spec.parameters.append(parameter)
    request = pb.CreateStudyRequest(
        parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=spec)
    )
    invalid(failure(stub.CreateStudy, request), field)
    assert_not_created(stub, unique_id)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (study_pb2.EarlyStoppingPolicy(median=study_pb2.MedianStoppingRule(min_trials=-1)),
         "median.min_trials"),
        (study_pb2.EarlyStoppingPolicy(median=study_pb2.MedianStoppingRule(min_step=-1)),
         "median.min_step"),
        (study_pb2.EarlyStoppingPolicy(learning_curve=study_pb2.LearningCurveRule(
            final_step=10, min_step=-5)), "learning_curve.min_step"),
    ],
)  # fmt: skip
def test_early_stopping_errors_name_the_rule_field(
    stub: StudyServiceStub, unique_id: str, rule: study_pb2.EarlyStoppingPolicy, field: str
) -> None:
    request = create_request(unique_id)
    request.study.spec.early_stopping.CopyFrom(rule)
    invalid(failure(stub.CreateStudy, request), f"study.spec.early_stopping.{field}")


@pytest.mark.parametrize("display_name", ["a\x00b", "\x1b[31mred"])
def test_display_names_hold_no_control_characters(
    stub: StudyServiceStub, unique_id: str, display_name: str
) -> None:
    request = create_request(unique_id)
    request.study.display_name = display_name
    invalid(failure(stub.CreateStudy, request), "study.display_name")
    assert_not_created(stub, unique_id)


# Names with a trailing newline ($ matches before one) ----------------------------------


@pytest.mark.parametrize(
    ("parent", "study_id", "field"),
    [
        ("teams/default\n", "ok", "parent"),
        ("teams/default", "s\n", "study_id"),
        ("teams/default", "s ", "study_id"),
    ],
)
def test_ids_with_a_trailing_newline_are_refused(
    stub: StudyServiceStub, parent: str, study_id: str, field: str
) -> None:
    request = pb.CreateStudyRequest(
        parent=parent, study_id=study_id, study=study_pb2.Study(spec=make_spec())
    )
    invalid(failure(stub.CreateStudy, request), field)


def test_names_with_a_trailing_newline_are_refused(stub: StudyServiceStub, unique_id: str) -> None:
    study = create_study(stub, unique_id)
    invalid(failure(stub.GetStudy, pb.GetStudyRequest(name=study.name + "\n")), "name")
    invalid(failure(stub.GetTrial, pb.GetTrialRequest(name=study.name + "/trials/1\n")), "name")
    request = create_request("other-" + unique_id)
    request.study.spec.metrics[0].name = "loss\n"
    invalid(failure(stub.CreateStudy, request), "study.spec.metrics[0].name")


# Trials --------------------------------------------------------------------------------


def test_int_values_are_compared_exactly(stub: StudyServiceStub, unique_id: str) -> None:
    """2^53 + 1 rounds to 2^53 as a double: it must not be taken for the maximum."""
    spec = make_spec()
    del spec.parameters[:]
    spec.parameters.append(integer("n", 0, 2**53))
    study = stub.CreateStudy(
        pb.CreateStudyRequest(parent=TEAM, study_id=unique_id, study=study_pb2.Study(spec=spec))
    ).study
    for value in (2**53 + 1, 2**63 - 1, -(2**63)):
        trial = trial_pb2.Trial(
            parameters={"n": trial_pb2.ParameterValue(int_value=value)},
            state=trial_pb2.TRIAL_STATE_REQUESTED,
        )
        error = failure(stub.CreateTrial, pb.CreateTrialRequest(parent=study.name, trial=trial))
        invalid(error, "trial.parameters['n']")
    assert stub.GetStudy(pb.GetStudyRequest(name=study.name)).study.trial_count == 0


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"note\n": "x"}, "trial.metadata['note\\n']"),
        ({"\x00": "x"}, "trial.metadata['\\x00']"),
        ({"note": "a\x00b"}, "trial.metadata['note']"),
    ],
)
def test_metadata_control_characters(
    stub: StudyServiceStub, unique_id: str, metadata: dict[str, str], field: str
) -> None:
    study = create_study(stub, unique_id)
    trial = trial_pb2.Trial(
        parameters=values(**GOOD_VALUES), state=trial_pb2.TRIAL_STATE_REQUESTED, metadata=metadata
    )
    invalid(failure(stub.CreateTrial, pb.CreateTrialRequest(parent=study.name, trial=trial)), field)
    assert stub.GetStudy(pb.GetStudyRequest(name=study.name)).study.trial_count == 0


def test_reasons_keep_line_breaks_but_no_other_control_character(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    trials = stub.SuggestTrials(
        pb.SuggestTrialsRequest(parent=study.name, count=2, client_id="w")
    ).trials
    bad = pb.CompleteTrialRequest(
        name=trials[0].name, trial_infeasible=True, infeasibility_reason="out of\x00memory"
    )
    invalid(failure(stub.CompleteTrial, bad), "infeasibility_reason")
    reason = "ValueError: the fit failed\n\tat step 3\r\n"
    good = pb.CompleteTrialRequest(
        name=trials[1].name, trial_infeasible=True, infeasibility_reason=reason
    )
    assert stub.CompleteTrial(good).trial.infeasibility_reason == reason


# Page tokens ---------------------------------------------------------------------------


def _with_position(token: str, after: object) -> str:
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw = json.dumps({**payload, "after": after}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("after", [2**63, 10**30, -1, 1.5, "7", True, None, [1]])
def test_page_tokens_with_a_forged_position_are_refused(
    stub: StudyServiceStub, unique_id: str, after: object
) -> None:
    study = create_study(stub, unique_id)
    stub.SuggestTrials(pb.SuggestTrialsRequest(parent=study.name, count=2, client_id="w"))
    first = stub.ListTrials(pb.ListTrialsRequest(parent=study.name, page_size=1))
    forged = _with_position(first.next_page_token, after)
    request = pb.ListTrialsRequest(parent=study.name, page_size=1, page_token=forged)
    invalid(failure(stub.ListTrials, request), "page_token")


def test_deeply_nested_page_tokens_are_refused(stub: StudyServiceStub) -> None:
    nested = ("[" * 100_000 + "]" * 100_000).encode()
    token = base64.urlsafe_b64encode(nested).decode()
    invalid(
        failure(stub.ListStudies, pb.ListStudiesRequest(parent=TEAM, page_token=token)),
        "page_token",
    )


def test_a_page_token_works_with_another_page_size(stub: StudyServiceStub, unique_id: str) -> None:
    """AIP-158: page_size may change between pages; the other fields may not."""
    study = create_study(stub, unique_id)
    stub.SuggestTrials(pb.SuggestTrialsRequest(parent=study.name, count=4, client_id="w"))
    first = stub.ListTrials(pb.ListTrialsRequest(parent=study.name, page_size=1))
    rest = stub.ListTrials(
        pb.ListTrialsRequest(parent=study.name, page_size=10, page_token=first.next_page_token)
    )
    assert [t.id for t in first.trials] == [1]
    assert [t.id for t in rest.trials] == [2, 3, 4] and not rest.next_page_token


# Replies that fit the client's limits ---------------------------------------------------


def _failed(method: object, request: object) -> tuple[Reply, SibylError]:
    """Calls `method` with the default client settings, expecting an error."""
    try:
        method(request, timeout=30)  # type: ignore[operator]
    except grpc.RpcError as error:
        assert isinstance(error, grpc.Call)
        trailers = tuple(error.trailing_metadata() or ())
        reply = Reply(error.code(), error.details() or "", trailers, None)
        return reply, from_rpc_error(error)
    raise AssertionError("the call succeeded")


@pytest.mark.parametrize("text", LONG_INPUTS, ids=["ascii", "latin", "emoji", "nul"])
def test_long_inputs_get_short_errors_the_client_can_read(
    stub: StudyServiceStub, unique_id: str, text: str
) -> None:
    """A 5000-character input must not be echoed: the trailers would pass the client's
    8 KiB limit, and it would see RESOURCE_EXHAUSTED instead of the error."""
    study = create_study(stub, unique_id)
    with_long_parameter = create_request("p-" + unique_id)
    with_long_parameter.study.spec.parameters[0].name = text
    unknown_value = trial_pb2.Trial(
        parameters={**values(**GOOD_VALUES), text: trial_pb2.ParameterValue(double_value=1)},
        state=trial_pb2.TRIAL_STATE_REQUESTED,
    )
    wrong_category = trial_pb2.Trial(
        parameters=values(**{**GOOD_VALUES, "c": text}), state=trial_pb2.TRIAL_STATE_REQUESTED
    )
    calls = [
        (stub.GetStudy, pb.GetStudyRequest(name=f"{TEAM}/studies/{text}"), "name"),
        (stub.CreateStudy, with_long_parameter, "study.spec.parameters[0].name"),
        (stub.CreateTrial, pb.CreateTrialRequest(parent=study.name, trial=unknown_value), None),
        (stub.CreateTrial, pb.CreateTrialRequest(parent=study.name, trial=wrong_category), None),
    ]
    for method, request, field in calls:
        reply, error = _failed(method, request)
        assert reply.code == grpc.StatusCode.INVALID_ARGUMENT, reply.details[:200]
        assert trailer_bytes(reply) <= MAX_TRAILER_BYTES
        assert len(reply.details) < 1000
        assert error.field == field if field else error.field.startswith("trial.parameters[")


def test_undecodable_requests_are_invalid_without_a_traceback(
    server: ServerThread, caplog: pytest.LogCaptureFixture
) -> None:
    with grpc.insecure_channel(server.address) as channel:
        method = channel.unary_unary(
            "/sibyl.v1.StudyService/GetStudy", request_serializer=None, response_deserializer=None
        )
        with caplog.at_level(logging.INFO), pytest.raises(grpc.RpcError) as caught:
            method(b"\x0a\x02\xff\xfe", timeout=30)
    error = from_rpc_error(caught.value)
    assert (error.code, error.field, error.reason) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "request",
        "UNDECODABLE_REQUEST",
    )
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


# Tokens --------------------------------------------------------------------------------


@dataclass
class Teams:
    stub: TeamServiceStub
    team: str

    def token_count(self) -> int:
        request = team_service_pb2.ListTokensRequest(parent=self.team, page_size=1000)
        return len(self.stub.ListTokens(request, timeout=30).tokens)


@pytest.fixture
def teams(server: ServerThread, store_url: str) -> Iterator[Teams]:
    """A team with a record (tokens need one) on the server, authentication off."""
    team_id = "tokens-" + uuid.uuid4().hex[:8]
    assert admin.main(["--store", store_url, "create-team", team_id]) == 0
    with grpc.insecure_channel(server.address) as channel:
        yield Teams(TeamServiceStub(channel), f"teams/{team_id}")


@pytest.mark.parametrize(
    ("ttl", "field"),
    [
        (Duration(seconds=315_576_000_000, nanos=999_999_999), "time_to_live"),
        (Duration(seconds=10**11), "time_to_live"),
        (Duration(seconds=3_155_760_001), "time_to_live"),
        (Duration(seconds=2**63 - 1), "time_to_live.seconds"),
        (Duration(seconds=-(2**63)), "time_to_live.seconds"),
        (Duration(nanos=500_000_000), "time_to_live"),
        (Duration(seconds=5, nanos=-1), "time_to_live.nanos"),
    ],
)
def test_token_lifetimes_out_of_range_write_nothing(
    teams: Teams, ttl: Duration, field: str
) -> None:
    before = teams.token_count()
    request = team_service_pb2.CreateTokenRequest(
        parent=teams.team, role=team_service_pb2.ROLE_READER, time_to_live=ttl
    )
    invalid(failure(teams.stub.CreateToken, request), field)
    assert teams.token_count() == before, "no token row was written"


def test_the_longest_token_lifetime_lists_and_revokes(teams: Teams) -> None:
    request = team_service_pb2.CreateTokenRequest(
        parent=teams.team,
        role=team_service_pb2.ROLE_READER,
        time_to_live=Duration(seconds=3_155_760_000),
    )
    token = teams.stub.CreateToken(request, timeout=30).token
    assert token.expire_time.ToDatetime().year > 2100
    assert token.name in {
        t.name
        for t in teams.stub.ListTokens(
            team_service_pb2.ListTokensRequest(parent=teams.team), timeout=30
        ).tokens
    }
    revoked = teams.stub.RevokeToken(team_service_pb2.RevokeTokenRequest(name=token.name))
    assert revoked.token.HasField("revoke_time")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "ci\x00"}, "description"),
        ({"description": "ci\npipeline"}, "description"),
        ({"request_id": "r\x00"}, "request_id"),
    ],
)
def test_token_text_fields(teams: Teams, change: dict[str, str], field: str) -> None:
    before = teams.token_count()
    request = team_service_pb2.CreateTokenRequest(
        parent=teams.team, role=team_service_pb2.ROLE_READER, **change
    )
    invalid(failure(teams.stub.CreateToken, request), field)
    assert teams.token_count() == before


# The operator's commands -------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        ["create-team", "default\n"],
        ["create-team", "quota-nan", "--max-suggest-requests-per-second", "nan"],
        ["create-team", "quota-neg", "--max-active-studies", "-1"],
        ["create-team", "quota-big", "--max-trials-per-study", str(2**63)],
    ],
)
def test_admin_refuses_bad_teams(
    store_url: str, arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin.main(["--store", store_url, *arguments]) == 1
    assert "sibyl admin:" in capsys.readouterr().err
    assert admin.main(["--store", store_url, "list-teams"]) == 0
    assert f"teams/{arguments[1]} " not in capsys.readouterr().out, "no team was created"


@pytest.mark.parametrize("ttl", ["nan", "inf", "0.5", "1e11"])
def test_admin_refuses_bad_token_lifetimes(
    store_url: str, ttl: str, capsys: pytest.CaptureFixture[str]
) -> None:
    team = "admin-" + uuid.uuid4().hex[:8]
    assert admin.main(["--store", store_url, "create-team", team]) == 0
    arguments = ["create-token", team, "--role", "reader", "--ttl-seconds", ttl]
    assert admin.main(["--store", store_url, *arguments]) == 1
    assert "time_to_live" in capsys.readouterr().err
