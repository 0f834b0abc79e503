"""The JSON API over HTTP, against a real server with tokens: every RPC, auth and errors."""

# ruff: noqa: E501  (the table of calls reads best one call per line)

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, MethodDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from sibyl.v1 import study_pb2, study_service_pb2, team_service_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from sibyl.v1.team_service_pb2_grpc import TeamServiceStub
from sibyl_server.api.http import json_api
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.store import open_store
from tests.server.api.conftest import GOOD_VALUES, make_spec, values
from tests.server.api.http.support import JSON, JsonClient, Reply
from tests.support.servers import ServerThread

STUDY_SERVICE = study_service_pb2.DESCRIPTOR.services_by_name["StudyService"]
TEAM_SERVICE = team_service_pb2.DESCRIPTOR.services_by_name["TeamService"]
METHODS = [m for service in (STUDY_SERVICE, TEAM_SERVICE) for m in service.methods]
MAX_MESSAGE_BYTES = 64 * 1024


def path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


@dataclass(frozen=True)
class Target:
    """Fresh resources of the team for one call: a study with one ACTIVE trial, a token."""

    team: str
    study: str
    trial: str
    token: str


@dataclass
class World:
    api: JsonClient
    channel: grpc.Channel
    team: str
    secrets: dict[str, str]
    metrics_port: int | None = None

    def post(
        self, where: str, body: dict[str, Any] | bytes, who: str = "admin", **headers: str
    ) -> Reply:
        """POSTs with the token of `who` (none for "")."""
        token = self.secrets[who] if who else ""
        sent = {name.replace("_", "-"): value for name, value in headers.items()}
        return self.api.post(where, body, token, sent)

    def grpc(self, method: MethodDescriptor, request: Any) -> Any:
        stubs = {"StudyService": StudyServiceStub, "TeamService": TeamServiceStub}
        stub = stubs[method.containing_service.name](self.channel)
        metadata = (("authorization", f"Bearer {self.secrets['admin']}"),)
        return getattr(stub, method.name)(request, metadata=metadata, timeout=60)

    def target(self) -> Target:
        study_id = "h-" + uuid.uuid4().hex[:12]
        create = pb.CreateStudyRequest(
            parent=self.team, study_id=study_id, study=study_pb2.Study(spec=make_spec())
        )
        study = self.grpc(STUDY_SERVICE.methods_by_name["CreateStudy"], create).study
        suggest = pb.SuggestTrialsRequest(parent=study.name, count=1, client_id="w")
        [trial] = self.grpc(STUDY_SERVICE.methods_by_name["SuggestTrials"], suggest).trials
        create_token = team_service_pb2.CreateTokenRequest(
            parent=self.team, role=team_service_pb2.ROLE_READER, description="spare"
        )
        token = self.grpc(TEAM_SERVICE.methods_by_name["CreateToken"], create_token).token
        return Target(self.team, study.name, trial.name, token.name)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('http') / 'sibyl.db'}"
    store = open_store(url, pool_size=2)
    teams = TeamUseCases(store, time.time)
    server = ServerThread(
        url,
        auth="token",
        http_address="127.0.0.1:0",
        max_message_bytes=MAX_MESSAGE_BYTES,
        metrics_address="127.0.0.1:0",
        device="cpu",
    )
    try:
        suffix = uuid.uuid4().hex[:6]
        _, admin = teams.create_team(f"alpha-{suffix}", TeamQuotas())
        _, other = teams.create_team(f"beta-{suffix}", TeamQuotas())
        with grpc.insecure_channel(server.address) as channel:
            world = World(
                JsonClient(server.running.http_port),
                channel,
                f"teams/alpha-{suffix}",
                {"admin": admin, "other-team": other},
                server.running.metrics_port,
            )
            reader = world.post(f"/{T}CreateToken", {"parent": world.team, "role": "ROLE_READER"})
            world.secrets["reader"] = reader.body["secret"]
            yield world
    finally:
        server.stop()
        store.close()


SPEC = {
    "parameters": [
        {
            "name": "x",
            "doubleRange": {"minValue": 0, "maxValue": 1, "scaleType": "SCALE_TYPE_LINEAR"},
        },
        {
            "name": "n",
            "integerRange": {"minValue": "1", "maxValue": "5", "scaleType": "SCALE_TYPE_LINEAR"},
        },
        {"name": "c", "categoricalValues": {"values": ["sgd", "adam"]}},
    ],
    "metrics": [{"name": "loss", "goal": "GOAL_MINIMIZE"}],
    "algorithm": "ALGORITHM_QUASI_RANDOM_SEARCH",
}
PARAMETERS = {
    "x": {"doubleValue": 0.5},
    "n": {"intValue": "2"},
    "b": {"doubleValue": 32},
    "c": {"stringValue": "adam"},
}


@dataclass(frozen=True)
class Case:
    """The JSON body of one RPC for a target, and what its response must show."""

    body: Callable[[Target], dict[str, Any]]
    check: Callable[[Any, Target, World], bool]
    read: bool = False
    prepare: Callable[[World, Target], None] | None = None
    """What the target needs beyond a study with one ACTIVE trial."""

    def target(self, world: World) -> Target:
        target = world.target()
        if self.prepare is not None:
            self.prepare(world, target)
        return target


def _with_results(world: World, target: Target) -> None:
    """Three more trials in the target's study, COMPLETED with a loss."""
    for x, loss in ((0.1, 0.3), (0.5, 0.2), (0.9, 0.6)):
        trial = trial_pb2.Trial(
            parameters=values(**{**GOOD_VALUES, "x": x}),
            state=trial_pb2.TRIAL_STATE_COMPLETED,
            final_measurement=trial_pb2.Measurement(metrics={"loss": loss}),
        )
        request = pb.CreateTrialRequest(parent=target.study, trial=trial)
        world.grpc(STUDY_SERVICE.methods_by_name["CreateTrial"], request)


def _gone(world: World, study: str) -> bool:
    return world.post(f"/{S}GetStudy", {"name": study}).status == 404


def _token_works(world: World, secret: str, team: str) -> bool:
    return world.api.post(f"/{T}GetTeam", {"name": team}, secret).status == 200


S, T = "sibyl.v1.StudyService/", "sibyl.v1.TeamService/"
ACTIVE, COMPLETED, STOPPING = 2, 4, 3
CASES = {
    S + "CreateStudy": Case(lambda t: {"parent": t.team, "studyId": "c-" + uuid.uuid4().hex[:8], "study": {"displayName": "over HTTP", "spec": SPEC}},
                            lambda r, t, w: r.study.display_name == "over HTTP" and len(r.study.spec.parameters) == 3),
    S + "GetStudy": Case(lambda t: {"name": t.study}, lambda r, t, w: r.study.name == t.study, read=True),
    S + "ListStudies": Case(lambda t: {"parent": t.team, "pageSize": 1000}, lambda r, t, w: t.study in [s.name for s in r.studies], read=True),
    S + "DeleteStudy": Case(lambda t: {"name": t.study}, lambda r, t, w: _gone(w, t.study)),
    S + "UpdateStudyState": Case(lambda t: {"name": t.study, "state": "STUDY_STATE_PAUSED"}, lambda r, t, w: r.study.state == study_pb2.STUDY_STATE_PAUSED),
    S + "UpdateStudy": Case(lambda t: {"study": {"name": t.study, "displayName": "renamed", "spec": {"maxTrials": 7}}, "updateMask": "displayName,spec.maxTrials"},
                            lambda r, t, w: (r.study.display_name, r.study.spec.max_trials) == ("renamed", 7)),
    S + "SuggestTrials": Case(lambda t: {"parent": t.study, "count": 2, "clientId": "w2"}, lambda r, t, w: len(r.trials) == 2 and all(x.client_id == "w2" for x in r.trials)),
    S + "CreateTrial": Case(lambda t: {"parent": t.study, "trial": {"parameters": PARAMETERS, "state": "TRIAL_STATE_REQUESTED"}},
                            lambda r, t, w: r.trial.parameters["n"].int_value == 2 and r.trial.state == 1),
    S + "GetTrial": Case(lambda t: {"name": t.trial}, lambda r, t, w: r.trial.name == t.trial, read=True),
    S + "ListTrials": Case(lambda t: {"parent": t.study, "states": ["TRIAL_STATE_ACTIVE"]}, lambda r, t, w: [x.name for x in r.trials] == [t.trial], read=True),
    S + "AddTrialMeasurement": Case(lambda t: {"name": t.trial, "measurement": {"step": "3", "elapsedSeconds": 1.5, "metrics": {"loss": 0.5}}, "clientId": "w"},
                                    lambda r, t, w: [(m.step, m.metrics["loss"]) for m in r.trial.measurements] == [(3, 0.5)]),
    S + "CompleteTrial": Case(lambda t: {"name": t.trial, "finalMeasurement": {"metrics": {"loss": 0.25}}, "clientId": "w"},
                              lambda r, t, w: r.trial.state == COMPLETED and r.trial.final_measurement.metrics["loss"] == 0.25),
    S + "ListOptimalTrials": Case(lambda t: {"parent": t.study}, lambda r, t, w: (r.completed_trial_count, len(r.optimal_trials)) == (0, 0), read=True),
    S + "CheckTrialEarlyStopping": Case(lambda t: {"name": t.trial, "clientId": "w"}, lambda r, t, w: r.trial.name == t.trial and not r.should_stop and not r.lease_lost),
    S + "StopTrial": Case(lambda t: {"name": t.trial}, lambda r, t, w: r.trial.state == STOPPING),
    S + "ComputeParameterImportance": Case(lambda t: {"parent": t.study, "metric": "loss"},
                                           lambda r, t, w: (r.metric, r.trial_count) == ("loss", 3) and {i.parameter for i in r.importances} == {"x", "n", "b", "c"},
                                           read=True, prepare=_with_results),
    T + "GetTeam": Case(lambda t: {"name": t.team}, lambda r, t, w: r.team.name == t.team, read=True),
    T + "CreateToken": Case(lambda t: {"parent": t.team, "role": "ROLE_WRITER", "description": "ci", "timeToLive": "3600s"},
                            lambda r, t, w: r.token.HasField("expire_time") and _token_works(w, r.secret, t.team)),
    T + "ListTokens": Case(lambda t: {"parent": t.team, "pageSize": 1000}, lambda r, t, w: t.token in [x.name for x in r.tokens], read=True),
    T + "RevokeToken": Case(lambda t: {"name": t.token}, lambda r, t, w: r.token.name == t.token and r.token.HasField("revoke_time")),
}  # fmt: skip


def _case(method: MethodDescriptor) -> Case:
    key = path(method)[1:]
    if key not in CASES:
        pytest.fail(f"{key} has no JSON round-trip case: add one to CASES")
    return CASES[key]


def _response(method: MethodDescriptor, reply: Reply) -> Any:
    """The reply's body as the method's response type; unknown fields are an error."""
    return json_format.ParseDict(reply.body, message_factory.GetMessageClass(method.output_type)())


@pytest.mark.parametrize("method", METHODS, ids=[m.name for m in METHODS])
def test_every_rpc_round_trips_as_json(world: World, method: MethodDescriptor) -> None:
    case = _case(method)
    target = case.target(world)
    reply = world.post(path(method), case.body(target))
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["x-request-id"]
    assert case.check(_response(method, reply), target, world), reply.body


# A method without a case fails its round trip above, not the collection of this module.
READS = [m for m in METHODS if path(m)[1:] in CASES and CASES[path(m)[1:]].read]


@pytest.mark.parametrize("method", READS, ids=[m.name for m in READS])
def test_a_read_returns_what_grpc_returns(world: World, method: MethodDescriptor) -> None:
    case = _case(method)
    body = case.body(case.target(world))
    reply = world.post(path(method), body)
    request = json_format.ParseDict(body, message_factory.GetMessageClass(method.input_type)())
    assert reply.body == json_format.MessageToDict(world.grpc(method, request))


@pytest.mark.parametrize("method", METHODS, ids=[m.name for m in METHODS])
def test_every_rpc_needs_a_token(world: World, method: MethodDescriptor) -> None:
    reply = world.post(path(method), {}, who="")
    assert (reply.status, reply.body["code"], reply.reason) == (401, 16, "TOKEN_MISSING")
    assert reply.headers["www-authenticate"] == "Bearer"


def test_another_teams_study_looks_missing(world: World) -> None:
    target = world.target()
    ghost = target.study.rsplit("/", 1)[0] + "/ghost"
    for method in ("GetStudy", "DeleteStudy"):
        seen = world.post(f"/{S}{method}", {"name": target.study}, "other-team")
        missing = world.post(f"/{S}{method}", {"name": ghost})
        assert (
            (seen.status, seen.reason)
            == (missing.status, missing.reason)
            == (404, "STUDY_NOT_FOUND")
        )
        assert seen.body["message"] == missing.body["message"].replace(ghost, target.study)
    assert not _gone(world, target.study)


def test_a_reader_cannot_write(world: World) -> None:
    target = world.target()
    body = {"parent": target.study, "count": 1, "clientId": "r"}
    reply = world.post(f"/{S}SuggestTrials", body, "reader")
    assert (reply.status, reply.body["code"], reply.reason) == (403, 7, "ROLE_REQUIRED")
    assert reply.body["details"][0]["metadata"]["required_role"] == "WRITER"
    assert world.post(f"/{S}GetStudy", {"name": target.study}, "reader").status == 200


def test_a_bad_field_is_400_naming_it(world: World) -> None:
    target = world.target()
    body = {"parent": target.study, "count": 0, "clientId": "w"}
    reply = world.post(f"/{S}SuggestTrials", body)
    assert (reply.status, reply.body["code"], reply.field) == (400, 3, "count")
    assert reply.body["message"].startswith("count: must be between 1 and")


@pytest.mark.parametrize(
    ("value", "field", "says"),
    [
        # Quoted, as the proto3 JSON mapping writes them: decoded, then refused by validation.
        (b'"NaN"', "measurement.metrics['loss']", "nan is not finite"),
        (b'"-Infinity"', "measurement.metrics['loss']", "-inf is not finite"),
        # Bare, as Python's json writes them: not proto3 JSON, refused by the decoder.
        (b"NaN", "request", 'use quoted "NaN"'),
        (b"Infinity", "request", 'use quoted "Infinity"'),
    ],
)
def test_non_finite_values_are_refused(world: World, value: bytes, field: str, says: str) -> None:
    target = world.target()
    body = b'{"name": "%s", "clientId": "w", "measurement": {"metrics": {"loss": %s}}}'
    reply = world.post(f"/{S}AddTrialMeasurement", body % (target.trial.encode(), value))
    assert (reply.status, reply.field) == (400, field)
    assert says in reply.body["message"]
    assert (
        world.grpc(
            STUDY_SERVICE.methods_by_name["GetTrial"], pb.GetTrialRequest(name=target.trial)
        ).trial.measurements
        == []
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"parent": "teams/x", ', "Expecting property name"),
        (b"[]", "a JSON object was expected, not list"),
        (b"null", "a JSON object was expected, not NoneType"),
        (b'{"parent": "teams/x", "cuont": 1}', 'no field named "cuont"'),
        (b'{"count": "many"}', "Failed to parse count field"),
        (b'{"count": 1.5}', "Failed to parse count field"),
        (b"\xff\xfe{", "not a valid JSON sibyl.v1.SuggestTrialsRequest"),
        (b"[" * 50_000, "not a valid JSON sibyl.v1.SuggestTrialsRequest"),
    ],
    ids=[
        "truncated",
        "array",
        "null",
        "unknown-field",
        "wrong-type",
        "fraction",
        "not-utf8",
        "deep",
    ],
)
def test_an_undecodable_body_is_400_naming_the_request(
    world: World, body: bytes, says: str
) -> None:
    reply = world.post(f"/{S}SuggestTrials", body)
    assert (reply.status, reply.body["code"], reply.field) == (400, 3, "request")
    assert reply.reason == "UNDECODABLE_REQUEST"
    assert says in reply.body["message"]
    # As over gRPC, authentication comes first: nothing is said about the body before it.
    assert world.post(f"/{S}SuggestTrials", body, who="").status == 401


def test_an_empty_body_is_the_empty_message(world: World) -> None:
    reply = world.post(f"/{S}GetStudy", b"")
    assert (reply.status, reply.field) == (400, "name")


@pytest.mark.parametrize(
    "where",
    [
        "/sibyl.v1.StudyService/Nope",
        "/sibyl.v1.NoService/GetStudy",
        "/sibyl.v1.StudyService",
        "/",
        "/a/b/c",
        "/sibyl.v1.StudyService/GetStudy/",
    ],
)
def test_an_unknown_method_is_404(world: World, where: str) -> None:
    reply = world.post(where, {})
    assert (reply.status, reply.body["code"], reply.reason) == (404, 12, "METHOD_NOT_FOUND")


def test_a_method_is_called_with_post_only(world: World) -> None:
    import urllib.request

    request = urllib.request.Request(world.api.base + f"/{S}GetStudy", method="GET")
    reply = world.api.send(request)
    assert (reply.status, reply.body["code"], reply.headers["allow"]) == (405, 12, "POST")
    assert reply.body["message"] == f"GET is not served at /{S}GetStudy; it takes POST"


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_a_path_that_is_no_method_is_404_whatever_the_http_method(
    world: World, method: str
) -> None:
    import urllib.request

    for where in ["/any/thing", f"/{S}NoSuchMethod"]:
        reply = world.api.send(urllib.request.Request(world.api.base + where, method=method))
        assert (reply.status, reply.reason) == (404, "METHOD_NOT_FOUND"), where


def test_a_body_over_the_message_limit_is_413(world: World) -> None:
    target = world.target()
    filler = "x" * MAX_MESSAGE_BYTES
    reply = world.post(f"/{S}GetStudy", {"name": target.study + filler})
    assert (reply.status, reply.body["code"], reply.reason) == (413, 8, "MESSAGE_TOO_LARGE")
    chunks = [b'{"name": "', filler.encode(), b'"}']
    streamed = world.api.raw(f"/{S}GetStudy", iter(chunks), JSON, chunked=True)
    assert (streamed.status, streamed.reason) == (413, "MESSAGE_TOO_LARGE")
    # Just under the limit, the body is read and the servicer answers it.
    under = world.post(f"/{S}GetStudy", {"name": filler[:-100]})
    assert (under.status, under.field) == (400, "name")


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/jsonp", None]
)
def test_a_body_not_declared_json_is_415(world: World, content_type: str | None) -> None:
    # What a browser may post to another site without asking it first: never read.
    headers = {"authorization": f"Bearer {world.secrets['admin']}"}
    if content_type is not None:
        headers["content-type"] = content_type
    reply = world.api.raw(f"/{T}GetTeam", b'{"name": "%s"}' % world.team.encode(), headers)
    assert (reply.status, reply.body["code"], reply.reason) == (415, 3, "UNSUPPORTED_MEDIA_TYPE")


def test_json_with_a_charset_is_json(world: World) -> None:
    body = {"name": world.team}
    reply = world.post(f"/{T}GetTeam", body, content_type="application/json; charset=utf-8")
    assert reply.status == 200


def test_calls_are_counted_in_the_metrics(world: World) -> None:
    assert world.metrics_port is not None
    before = _count(world.metrics_port, "GetTeam", "NOT_FOUND")
    assert world.post(f"/{T}GetTeam", {"name": "teams/nope"}).status == 404
    assert _count(world.metrics_port, "GetTeam", "NOT_FOUND") == before + 1


def _count(port: int, method: str, code: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        text = response.read().decode()
    samples = [s for f in text_string_to_metric_families(text) for s in f.samples]
    wanted = {"method": method, "code": code}
    return sum(
        s.value for s in samples if s.name == "sibyl_rpc_requests_total" and s.labels == wanted
    )


def test_the_callers_request_id_comes_back(world: World) -> None:
    ok = world.post(f"/{T}GetTeam", {"name": world.team}, x_request_id="trace-42")
    failed = world.post(f"/{T}GetTeam", {"name": "teams/nope"}, x_request_id="trace-42")
    assert (ok.status, failed.status) == (200, 404)
    assert ok.headers["x-request-id"] == failed.headers["x-request-id"] == "trace-42"


def test_a_request_id_that_would_write_log_fields_is_replaced(world: World) -> None:
    """Spaces or `=` would let a caller add `key=value` fields to a text log line."""
    reply = world.post(f"/{T}GetTeam", {"name": world.team}, x_request_id="x code=OK team=b")
    assert reply.status == 200
    assert re.fullmatch("[0-9a-f]{32}", reply.headers["x-request-id"])


def test_health_is_served_too(world: World) -> None:
    check = "/grpc.health.v1.Health/Check"
    assert world.post(check, {}, who="").body == {"status": "SERVING"}
    assert world.post(check, {"service": "sibyl.v1.StudyService"}, who="").body == {
        "status": "SERVING"
    }
    unknown = world.post(check, {"service": "nope"}, who="")
    assert (unknown.status, unknown.body["code"]) == (404, 5)


@pytest.mark.parametrize("body", [b"[]", b"not json", b'{"x": 1}', b'{"service": 5}'])
def test_a_health_check_body_that_does_not_decode_is_invalid_argument(
    world: World, body: bytes
) -> None:
    reply = world.post("/grpc.health.v1.Health/Check", body, who="")
    assert (reply.status, reply.body["code"]) == (400, 3)
    assert reply.body["details"][0]["reason"] == "UNDECODABLE_REQUEST"


def test_a_large_answer_is_encoded_on_a_thread_into_the_same_json(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = world.target()
    _with_results(world, target)
    body = {"parent": target.study}
    inline = world.post(f"/{S}ListOptimalTrials", body)
    monkeypatch.setattr(json_api, "LARGE_ANSWER_BYTES", 0)  # every answer is "large" now
    threaded = world.post(f"/{S}ListOptimalTrials", body)
    assert inline.status == threaded.status == 200
    assert len(threaded.body["optimalTrials"]) == 1 and threaded.body == inline.body


def test_a_large_body_is_decoded_on_a_thread_into_the_same_request(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = world.target()
    _with_results(world, target)
    body = {"parent": target.study, "states": ["TRIAL_STATE_COMPLETED"]}
    inline = world.post(f"/{S}ListTrials", body)
    monkeypatch.setattr(json_api, "LARGE_BODY_BYTES", 0)  # every body is "large" now
    threaded = world.post(f"/{S}ListTrials", body)
    undecodable = world.post(f"/{S}ListTrials", b"[1, 2")
    assert inline.status == threaded.status == 200
    assert threaded.body == inline.body and len(threaded.body["trials"]) >= 1
    assert (undecodable.status, undecodable.body["details"][0]["reason"]) == (
        400,
        "UNDECODABLE_REQUEST",
    )


@pytest.mark.parametrize("view", ["TRIAL_VIEW_FULL", "TRIAL_VIEW_BASIC"])
def test_listed_trials_are_the_json_of_the_grpc_answer(world: World, view: str) -> None:
    # ListTrials over HTTP is written from the stored trials without messages
    # (api/trial_json.py): it must still say what gRPC says, page by page.
    target = world.target()
    _with_results(world, target)
    measure = {"name": target.trial, "measurement": {"step": "3", "metrics": {"loss": 0.5}}}
    assert world.post(f"/{S}AddTrialMeasurement", {**measure, "clientId": "w"}).status == 200
    infeasible = {"name": target.trial, "trialInfeasible": True, "infeasibilityReason": "oom"}
    assert world.post(f"/{S}CompleteTrial", {**infeasible, "clientId": "w"}).status == 200
    world.post(f"/{S}SuggestTrials", {"parent": target.study, "count": 1, "clientId": "w2"})
    token, pages = "", 0
    while True:
        body = {"parent": target.study, "pageSize": 2, "pageToken": token, "view": view}
        reply = world.post(f"/{S}ListTrials", body)
        request = json_format.ParseDict(body, pb.ListTrialsRequest())
        expected = world.grpc(STUDY_SERVICE.methods_by_name["ListTrials"], request)
        assert reply.status == 200
        assert reply.body == json.loads(json_format.MessageToJson(expected, indent=None))
        pages, token = pages + 1, reply.body.get("nextPageToken", "")
        if not token:
            break
    assert pages == 3  # five trials, two to a page


def test_an_enum_given_as_an_infinite_number_is_400(world: World) -> None:
    # Python's json reads 1e400 as infinity, which the decoder cannot make an enum of.
    target = world.target()
    reply = world.post(
        f"/{S}ListTrials", b'{"parent": "%s", "states": [1e400]}' % target.study.encode()
    )
    assert (reply.status, reply.field, reply.reason) == (400, "request", "UNDECODABLE_REQUEST")


def _messages(descriptor: Descriptor, seen: frozenset[str] = frozenset()) -> Iterator[Descriptor]:
    """`descriptor` and every message type reachable through its fields."""
    if descriptor.full_name in seen:
        return
    yield descriptor
    for field in descriptor.fields:
        if field.message_type is not None:
            yield from _messages(field.message_type, seen | {descriptor.full_name})


FIELD_NAMES = sorted(
    {
        name
        for method in METHODS
        for message in _messages(method.input_type)
        for field in message.fields
        for name in (field.json_name, field.name)
    }
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
    st.sampled_from(["NaN", "1s", "-1s", "2026-01-01T00:00:00Z", "ROLE_ADMIN", "TRIAL_STATE_ACTIVE", "teams/x"]),
)  # fmt: skip
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(METHODS),
    body=st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=5),
)
def test_any_json_gets_an_answer_never_an_internal_error(
    world: World, method: MethodDescriptor, body: dict[str, Any]
) -> None:
    reply = world.post(path(method), json.dumps(body).encode())
    assert reply.status != 500, reply.body
    if reply.status != 200:
        assert reply.reason and isinstance(reply.body["code"], int)
