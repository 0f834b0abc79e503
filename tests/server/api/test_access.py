"""Authentication and team isolation: every RPC x every kind of caller, on both stores."""

# ruff: noqa: E501  (the table of calls reads best one call per line)

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from sibyl.errors import SibylError, from_rpc_error
from sibyl.v1 import study_pb2, team_service_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from sibyl.v1.team_service_pb2_grpc import TeamServiceStub
from sibyl_server.domain.names import TeamName, TokenName
from sibyl_server.domain.team import Role, TeamQuotas
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.store import open_store
from tests.server.api.conftest import GOOD_VALUES, make_spec, values
from tests.support.servers import ServerThread

R, W, A = Role.READER, Role.WRITER, Role.ADMIN


@dataclass
class Target:
    """Fresh resources of team alpha for one call, and names that do not exist."""

    team: str
    study: str
    trial: str
    token: str

    def ghost(self) -> Target:
        """The same kind of names, for resources that do not exist."""
        return Target(
            self.team + "-ghost",
            f"{self.team}/studies/ghost-study",
            f"{self.team}/studies/ghost-study/trials/1",
            f"{self.team}/tokens/0000000000000000",
        )


@dataclass(frozen=True)
class Call:
    service: str
    method: str
    role: Role
    build: Callable[[Target], Any]
    granted_reason: str = ""
    """The reason a caller with the role gets when the call cannot succeed on a fresh
    target; empty: the call succeeds."""


CALLS = [
    Call("study", "CreateStudy", W, lambda t: pb.CreateStudyRequest(
        parent=t.team, study_id="c-" + uuid.uuid4().hex[:8], study=study_pb2.Study(spec=make_spec()))),
    Call("study", "GetStudy", R, lambda t: pb.GetStudyRequest(name=t.study)),
    Call("study", "ListStudies", R, lambda t: pb.ListStudiesRequest(parent=t.team)),
    Call("study", "DeleteStudy", W, lambda t: pb.DeleteStudyRequest(name=t.study)),
    Call("study", "UpdateStudyState", W, lambda t: pb.UpdateStudyStateRequest(
        name=t.study, state=study_pb2.STUDY_STATE_PAUSED)),
    Call("study", "SuggestTrials", W, lambda t: pb.SuggestTrialsRequest(parent=t.study, count=1, client_id="w")),
    Call("study", "CreateTrial", W, lambda t: pb.CreateTrialRequest(parent=t.study, trial=trial_pb2.Trial(
        parameters=values(**GOOD_VALUES), state=trial_pb2.TRIAL_STATE_REQUESTED))),
    Call("study", "GetTrial", R, lambda t: pb.GetTrialRequest(name=t.trial)),
    Call("study", "ListTrials", R, lambda t: pb.ListTrialsRequest(parent=t.study)),
    Call("study", "AddTrialMeasurement", W, lambda t: pb.AddTrialMeasurementRequest(
        name=t.trial, measurement=trial_pb2.Measurement(metrics={"loss": 1.0}, step=1))),
    Call("study", "CompleteTrial", W, lambda t: pb.CompleteTrialRequest(
        name=t.trial, final_measurement=trial_pb2.Measurement(metrics={"loss": 1.0}))),
    Call("study", "ListOptimalTrials", R, lambda t: pb.ListOptimalTrialsRequest(parent=t.study)),
    Call("study", "CheckTrialEarlyStopping", W, lambda t: pb.CheckTrialEarlyStoppingRequest(name=t.trial)),
    Call("study", "StopTrial", W, lambda t: pb.StopTrialRequest(name=t.trial)),
    # The trial has no result yet: FAILED_PRECONDITION once access is granted.
    Call("study", "ComputeParameterImportance", R, lambda t: pb.ComputeParameterImportanceRequest(
        parent=t.study), "NOT_ENOUGH_TRIALS"),
    Call("team", "GetTeam", R, lambda t: team_service_pb2.GetTeamRequest(name=t.team)),
    Call("team", "CreateToken", A, lambda t: team_service_pb2.CreateTokenRequest(
        parent=t.team, role=team_service_pb2.ROLE_READER)),
    Call("team", "ListTokens", A, lambda t: team_service_pb2.ListTokensRequest(parent=t.team)),
    Call("team", "RevokeToken", A, lambda t: team_service_pb2.RevokeTokenRequest(name=t.token)),
]  # fmt: skip


@dataclass
class World:
    address: str
    secrets: dict[str, str]
    teams: TeamUseCases
    alpha: str

    def stubs(self) -> tuple[grpc.Channel, dict[str, Any]]:
        channel = grpc.insecure_channel(self.address)
        return channel, {"study": StudyServiceStub(channel), "team": TeamServiceStub(channel)}

    def fresh_target(self) -> Target:
        """A new study of team alpha with one ACTIVE trial, and a spare reader token."""
        channel, stubs = self.stubs()
        metadata = bearer(self.secrets["admin"])
        study_id = "s-" + uuid.uuid4().hex[:12]
        with channel:
            study = (
                stubs["study"]
                .CreateStudy(
                    pb.CreateStudyRequest(
                        parent=f"teams/{self.alpha}",
                        study_id=study_id,
                        study=study_pb2.Study(spec=make_spec()),
                    ),
                    metadata=metadata,
                )
                .study
            )
            [trial] = (
                stubs["study"]
                .SuggestTrials(
                    pb.SuggestTrialsRequest(parent=study.name, count=1, client_id="w"),
                    metadata=metadata,
                )
                .trials
            )
        token, _ = self.teams.create_token(TeamName(self.alpha), Role.READER, "spare", None)
        team = f"teams/{self.alpha}"
        return Target(team, study.name, trial.name, f"{team}/tokens/{token.token_id}")

    def unchanged(self, target: Target) -> bool:
        """Whether the target's study, trial and token are as fresh_target() left them."""
        channel, stubs = self.stubs()
        metadata = bearer(self.secrets["admin"])
        with channel:
            study = stubs["study"].GetStudy(
                pb.GetStudyRequest(name=target.study), metadata=metadata
            )
            trial = stubs["study"].GetTrial(
                pb.GetTrialRequest(name=target.trial), metadata=metadata
            )
            tokens = (
                stubs["team"]
                .ListTokens(
                    team_service_pb2.ListTokensRequest(parent=target.team, page_size=1000),
                    metadata=metadata,
                )
                .tokens
            )
        token = next(t for t in tokens if t.name == target.token)
        return (
            study.study.state == study_pb2.STUDY_STATE_ACTIVE
            and study.study.trial_count == 1
            and trial.trial.state == trial_pb2.TRIAL_STATE_ACTIVE
            and not trial.trial.measurements
            and not token.HasField("revoke_time")
        )

    def call(self, call: Call, credential: str, target: Target) -> SibylError | None:
        channel, stubs = self.stubs()
        secret = self.secrets.get(credential, credential)
        with channel:
            try:
                method = getattr(stubs[call.service], call.method)
                method(call.build(target), metadata=bearer(secret), timeout=30)
            except grpc.RpcError as error:
                return from_rpc_error(error)
        return None


def bearer(secret: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {secret}"),) if secret else ()


@pytest.fixture(scope="module")
def world(store_url: str) -> Iterator[World]:
    store = open_store(store_url, pool_size=2)
    teams = TeamUseCases(store, time.time)
    server = ServerThread(store_url, auth="token")
    try:
        suffix = uuid.uuid4().hex[:6]
        alpha = f"alpha-{suffix}"
        yield World(server.address, _make_tokens(teams, alpha, f"beta-{suffix}"), teams, alpha)
    finally:
        server.stop()
        store.close()


def _make_tokens(teams: TeamUseCases, alpha: str, beta: str) -> dict[str, str]:
    secrets: dict[str, str] = {}
    _, secrets["admin"] = teams.create_team(alpha, TeamQuotas())
    _, secrets["other-team"] = teams.create_team(beta, TeamQuotas())
    team = TeamName(alpha)
    secrets["writer"] = teams.create_token(team, Role.WRITER, "", None)[1]
    secrets["reader"] = teams.create_token(team, Role.READER, "", None)[1]
    revoked, secrets["revoked"] = teams.create_token(team, Role.ADMIN, "", None)
    teams.revoke_token(TokenName(alpha, revoked.token_id))
    _, secrets["expired"] = teams.create_token(team, Role.ADMIN, "", 1.0)
    secrets["wrong-secret"] = secrets["admin"][:-4] + "AAAA"
    secrets["malformed"] = "not-a-token"
    secrets["none"] = ""
    time.sleep(1.05)  # let the expiring token expire
    return secrets


UNAUTHENTICATED = ("none", "malformed", "wrong-secret", "revoked", "expired")


@pytest.mark.parametrize("call", CALLS, ids=[c.method for c in CALLS])
def test_every_rpc_against_every_kind_of_caller(world: World, call: Call) -> None:
    reasons = {}
    for credential in UNAUTHENTICATED:
        error = world.call(call, credential, world.fresh_target())
        assert error is not None and error.code == grpc.StatusCode.UNAUTHENTICATED, credential
        reasons[credential] = error.reason
    assert reasons == {
        "none": "TOKEN_MISSING",
        "malformed": "TOKEN_INVALID",
        "wrong-secret": "TOKEN_INVALID",
        "revoked": "TOKEN_REVOKED",
        "expired": "TOKEN_EXPIRED",
    }
    for role, credential in ((R, "reader"), (W, "writer"), (A, "admin")):
        error = world.call(call, credential, world.fresh_target())
        if role >= call.role and call.granted_reason:
            assert error is not None and error.reason == call.granted_reason, credential
        elif role >= call.role:
            assert error is None, f"{credential}: {error}"
        else:
            assert error is not None and error.code == grpc.StatusCode.PERMISSION_DENIED, credential
            assert error.metadata["required_role"] == call.role.name


@pytest.mark.parametrize("call", CALLS, ids=[c.method for c in CALLS])
def test_another_teams_resources_look_exactly_like_missing_ones(world: World, call: Call) -> None:
    target = world.fresh_target()
    seen_by_other_team = world.call(call, "other-team", target)
    missing = world.call(call, "admin", target.ghost())
    assert seen_by_other_team is not None and missing is not None
    assert seen_by_other_team.code == grpc.StatusCode.NOT_FOUND
    assert (seen_by_other_team.code, seen_by_other_team.reason) == (missing.code, missing.reason)
    renamed = _rename(seen_by_other_team.message, target, target.ghost())
    assert renamed == missing.message
    assert world.unchanged(target), "the other team's call changed nothing"


def _rename(message: str, real: Target, ghost: Target) -> str:
    for old, new in (
        (real.trial, ghost.trial),
        (real.study, ghost.study),
        (real.token, ghost.token),
        (real.team, ghost.team),
    ):
        message = re.sub(re.escape(old) + r"(?=\s|$)", new, message)
    return message


def test_token_lifecycle_through_the_client(world: World) -> None:
    import sibyl

    admin = sibyl.connect(world.address, team=world.alpha, token=world.secrets["admin"])
    token, secret = admin.create_token("writer", description="ci", ttl_seconds=3600)
    assert token.name.startswith(f"teams/{world.alpha}/tokens/")
    assert token.HasField("expire_time") and not token.HasField("revoke_time")
    listed = {t.name: t for t in admin.list_tokens()}
    assert listed[token.name].description == "ci"
    assert all(secret not in str(t) for t in listed.values()), "secrets are never listed"
    writer = sibyl.connect(world.address, team=world.alpha, token=secret)
    assert writer.team().name == f"teams/{world.alpha}"
    study = writer.create_study(
        "w-" + uuid.uuid4().hex[:8], {"parameters": {"c": ["a"]}, "metrics": {"y": "minimize"}}
    )
    assert admin.revoke_token(token.name).HasField("revoke_time")
    with pytest.raises(sibyl.UnauthenticatedError) as caught:
        study.suggest()
    assert caught.value.reason == "TOKEN_REVOKED"
    for client in (admin, writer):
        client.close()
