"""A world to fuzz in: a real server, a team of its own, resources to aim at, a store view."""

from __future__ import annotations

import contextlib
import io
import uuid
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from sqlalchemy import ColumnElement, Table, select, true

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as ss
from sibyl.v1 import team_service_pb2 as ts
from sibyl_server import admin
from sibyl_server.store.database import open_database
from sibyl_server.store.tables import metadata
from tests.fuzz.requests import FINAL_METRICS, GOOD_VALUES, METHODS, WORKER, Target, path
from tests.fuzz.requests import target_spec as spec

CALL_TIMEOUT = 120.0
CREDENTIALS = ("admin", "writer", "reader", "none", "garbage", "other-team")
Dump = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Reply:
    """What came back from one call: the status, its details and trailers, the body."""

    code: grpc.StatusCode
    details: str
    trailers: tuple[tuple[str, str | bytes], ...]
    body: bytes | None


class World:
    """A team with tokens of every role on one server, and a target that is rebuilt
    whenever a successful call may have changed it.
    """

    def __init__(self, address: str, store_url: str, auth: bool) -> None:
        self.address = address
        self.auth = auth
        self.database = open_database(store_url, pool_size=2)
        self.team_id = "fuzz-" + uuid.uuid4().hex[:10]
        self.channel = grpc.insecure_channel(address)
        self._methods: dict[str, Any] = {}
        self._target: Target | None = None
        # Teams (with a record, which tokens need even without authentication) are
        # made as an operator makes them; everything else goes through the API.
        self.secrets = {
            "admin": _new_team(store_url, self.team_id),
            "other-team": _new_team(store_url, self.team_id + "-other"),
            "garbage": "sibyl_0123456789abcdef_" + "A" * 43,
        }
        for role in ("writer", "reader"):
            self.secrets[role] = self._new_token(role)[1]
        self.invoke("CreateStudy", _study_request(f"teams/{self.team_id}"))

    def close(self) -> None:
        self.channel.close()
        self.database.dispose()

    def metadata(self, credential: str) -> tuple[tuple[str, str], ...]:
        secret = self.secrets.get(credential, "")
        return (("authorization", f"Bearer {secret}"),) if secret else ()

    def call(self, method: MethodDescriptor, payload: bytes, credential: str = "admin") -> Reply:
        """Sends `payload` as it is (no serializer), so that any bytes can be sent."""
        key = path(method)
        if key not in self._methods:
            self._methods[key] = self.channel.unary_unary(
                key, request_serializer=None, response_deserializer=None
            )
        try:
            body, call = self._methods[key].with_call(
                payload, metadata=self.metadata(credential), timeout=CALL_TIMEOUT
            )
        except grpc.RpcError as error:
            call, body = error, None
        return Reply(call.code(), call.details() or "", tuple(call.trailing_metadata() or ()), body)

    def invoke(self, method_name: str, request: Message) -> Any:
        """A call that must succeed (setting up a target); returns the response."""
        method = next(m for m in METHODS if m.name == method_name)
        reply = self.call(method, request.SerializeToString())
        assert reply.code == grpc.StatusCode.OK, (method_name, reply.code, reply.details)
        assert reply.body is not None
        return message_factory.GetMessageClass(method.output_type).FromString(reply.body)

    def target(self) -> Target:
        if self._target is None:
            self._target = self._new_target()
        return self._target

    def spoil(self) -> None:
        """Forgets the target: the next example gets a fresh one."""
        self._target = None

    def _new_target(self) -> Target:
        team = f"teams/{self.team_id}"
        study = self.invoke("CreateStudy", _study_request(team)).study.name
        suggest = ss.SuggestTrialsRequest(parent=study, count=2, client_id=WORKER)
        active, completed = (t.name for t in self.invoke("SuggestTrials", suggest).trials)
        measured = trial_pb2.Measurement(metrics={"loss": 1.0}, step=1)
        self.invoke(
            "AddTrialMeasurement", ss.AddTrialMeasurementRequest(name=active, measurement=measured)
        )
        final = trial_pb2.Measurement(metrics=FINAL_METRICS)
        self.invoke(
            "CompleteTrial", ss.CompleteTrialRequest(name=completed, final_measurement=final)
        )
        queued = trial_pb2.Trial(parameters=GOOD_VALUES, state=trial_pb2.TRIAL_STATE_REQUESTED)
        requested = self.invoke("CreateTrial", ss.CreateTrialRequest(parent=study, trial=queued))
        return Target(
            team=team,
            study=study,
            active_trial=active,
            completed_trial=completed,
            requested_trial=requested.trial.name,
            token=self._new_token("reader")[0],
            page_tokens=self._page_tokens(team, study),
        )

    def _new_token(self, role: str) -> tuple[str, str]:
        """A new token of the team: its name and its secret."""
        request = ts.CreateTokenRequest(
            parent=f"teams/{self.team_id}", role=ts.Role.Value("ROLE_" + role.upper())
        )
        created = self.invoke("CreateToken", request)
        return created.token.name, created.secret

    def _page_tokens(self, team: str, study: str) -> dict[str, str]:
        requests = {
            "ListStudies": ss.ListStudiesRequest(parent=team, page_size=1),
            "ListTrials": ss.ListTrialsRequest(parent=study, page_size=1),
            "ListTokens": ts.ListTokensRequest(parent=team, page_size=1),
        }
        tokens = {name: self.invoke(name, r).next_page_token for name, r in requests.items()}
        assert all(tokens.values()), "every list has a second page"
        return tokens

    def dump(self) -> Dump:
        """Every row of every table that belongs to this world's team, by primary key."""
        conditions: dict[str, ColumnElement[bool]] = {}
        result: Dump = {}
        with self.database.engine.connect() as connection:
            for table in metadata.sorted_tables:
                conditions[table.name] = _belongs(table, self.team_id, conditions)
                query = select(table).where(conditions[table.name])
                query = query.order_by(*table.primary_key.columns)
                result[table.name] = [tuple(row) for row in connection.execute(query)]
        return result


def _belongs(
    table: Table, team: str, parents: dict[str, ColumnElement[bool]]
) -> ColumnElement[bool]:
    """Rows of `table` that are the team's: by a `team` column, or through a foreign key."""
    if "team" in table.c:
        return table.c.team == team
    for key in table.foreign_keys:
        parent = key.column.table
        if parent.name in parents:
            owned = select(key.column).where(parents[parent.name])
            return key.parent.in_(owned)
    return true()  # a table no team owns: compared whole


def _study_request(team: str) -> ss.CreateStudyRequest:
    return ss.CreateStudyRequest(
        parent=team,
        study_id="t-" + uuid.uuid4().hex[:12],
        study=study_pb2.Study(display_name="fuzz target", spec=spec()),
    )


def _new_team(store_url: str, team: str) -> str:
    """Creates `team` with `sibyl admin create-team`; returns its admin secret."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert admin.main(["--store", store_url, "create-team", team]) == 0
    return printed.getvalue().strip().rsplit(" ", 1)[-1]
