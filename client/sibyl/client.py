"""Connecting to a Sibyl server: options, the channel, and study-level calls."""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message

from sibyl.calls import Caller, RetryConfig
from sibyl.errors import AlreadyExistsError
from sibyl.rpcs import StudyServiceRpcs, TeamServiceRpcs
from sibyl.spec import StudySpec, as_spec
from sibyl.spec_diff import mismatch_message, spec_differences
from sibyl.study import Study, enum_names
from sibyl.v1 import (
    study_pb2,
    study_service_pb2,
    team_service_pb2,
)

R = TypeVar("R", bound=Message)
SERVICES = ("sibyl.v1.StudyService", "sibyl.v1.TeamService")
RECONNECT_BACKOFF_MS = 2000


@dataclass(frozen=True)
class ConnectConfig:
    """How to reach a server and how calls behave."""

    address: str
    """host:port of the server."""
    team: str = "default"
    """The team whose studies this client works with."""
    timeout_seconds: float = 30.0
    """Deadline of each call but SuggestTrials."""
    suggest_timeout_seconds: float = 600.0
    """Deadline of SuggestTrials, which may fit a model and wait for other workers."""
    client_id: str | None = None
    """Identifies this worker: a worker that restarts with the same id gets its
    unfinished trials back. None: `host-pid-thread`, so that threads sharing a client
    never share trials (set an id for workers that should resume after a restart)."""
    retry: RetryConfig = field(default_factory=RetryConfig)
    """Retries of calls that failed with UNAVAILABLE or ABORTED (see `RetryConfig`)."""
    max_message_bytes: int = 4 * 1024 * 1024
    """Largest message sent or received."""
    token: str | None = None
    """Bearer token of the team (servers with authentication on); sent on every call.
    Use TLS when sending one over a network."""
    tls: bool = False
    """Connect with TLS, trusting the system's certificate authorities (or `tls_ca_file`)."""
    tls_ca_file: str | None = None
    """PEM bundle of the certificate authorities to trust; implies `tls`."""
    load_balancing: str = "round_robin"
    """How calls spread over the addresses a target resolves to (e.g. a headless
    Kubernetes Service, or "ipv4:10.0.0.1:50051,10.0.0.2:50051"): "round_robin" or
    "pick_first". With round_robin, a replica that dies is skipped."""


def _is_header_text(text: str) -> bool:
    return all(" " <= character <= "~" for character in text)


def _service_config(load_balancing: str) -> str:
    # No retry policy here: gRPC's stops after 5 attempts and never retries a call
    # whose headers arrived; sibyl.calls retries instead.
    return json.dumps({"loadBalancingConfig": [{load_balancing: {}}]})


class Client:
    """A connection to a Sibyl server, for one team. Thread-safe; close() when done."""

    def __init__(self, config: ConnectConfig) -> None:
        if config.token is not None and not _is_header_text(config.token):
            # gRPC would refuse it on every call, as an INTERNAL "Invalid metadata".
            raise ValueError("token must be printable ASCII (a secret as `sibyl admin` prints it)")
        self.config = config
        self._channel = _open_channel(config)
        metadata = (("authorization", f"Bearer {config.token}"),) if config.token else ()
        caller = Caller(config.address, config.timeout_seconds, config.retry, metadata)
        self.study_service = StudyServiceRpcs(self._channel, caller)
        """A typed method per StudyService RPC, for what the helpers here do not cover."""
        self.team_service = TeamServiceRpcs(self._channel, caller)
        """A typed method per TeamService RPC."""

    @property
    def client_id(self) -> str:
        """The worker id calls from this thread use (see ConnectConfig.client_id)."""
        if self.config.client_id is not None:
            return self.config.client_id
        thread = threading.current_thread().name
        return f"{socket.gethostname()}-{os.getpid()}-{thread}"[:128]

    @property
    def team_name(self) -> str:
        return f"teams/{self.config.team}"

    # The team --------------------------------------------------------------------------

    def team(self) -> team_service_pb2.Team:
        """The team with its quotas."""
        request = team_service_pb2.GetTeamRequest(name=self.team_name)
        return self.team_service.get_team(request).team

    def create_token(
        self, role: str, description: str = "", ttl_seconds: float | None = None
    ) -> tuple[team_service_pb2.Token, str]:
        """Creates a token ("reader", "writer" or "admin"); returns it and its secret."""
        request = team_service_pb2.CreateTokenRequest(
            parent=self.team_name,
            role=_role(role),
            description=description,
            request_id=uuid.uuid4().hex,
        )
        if ttl_seconds is not None:
            request.time_to_live.FromTimedelta(timedelta(seconds=ttl_seconds))
        response = self.team_service.create_token(request)
        return response.token, response.secret

    def list_tokens(self) -> list[team_service_pb2.Token]:
        tokens, token = [], ""
        while True:
            request = team_service_pb2.ListTokensRequest(parent=self.team_name, page_token=token)
            response = self.team_service.list_tokens(request)
            tokens += list(response.tokens)
            token = response.next_page_token
            if not token:
                return tokens

    def revoke_token(self, name: str) -> team_service_pb2.Token:
        """Revokes a token by name (`teams/{team}/tokens/{id}`)."""
        request = team_service_pb2.RevokeTokenRequest(name=name)
        return self.team_service.revoke_token(request).token

    # Studies -----------------------------------------------------------------------------

    def create_study(
        self, study_id: str, spec: StudySpec | Mapping[str, Any], display_name: str = ""
    ) -> Study:
        """Creates a study; AlreadyExistsError if the team has one with that id."""
        request = study_service_pb2.CreateStudyRequest(
            parent=self.team_name,
            study_id=study_id,
            study=study_pb2.Study(display_name=display_name, spec=as_spec(spec).to_proto()),
            request_id=uuid.uuid4().hex,
        )
        return Study(self, self.study_service.create_study(request).study)

    def get_study(self, study_id: str) -> Study:
        request = study_service_pb2.GetStudyRequest(name=f"{self.team_name}/studies/{study_id}")
        return Study(self, self.study_service.get_study(request).study)

    def create_or_load_study(
        self, study_id: str, spec: StudySpec | Mapping[str, Any], display_name: str = ""
    ) -> Study:
        """Creates the study, or loads it if it exists with the same search space.

        Every worker of a job can call this with the same arguments. Raises
        ValueError if an existing study's parameters, metrics, algorithm, budget or
        early stopping differ from `spec`; its message lists each difference with the
        stored and the given value (see `sibyl.spec_diff`).
        """
        spec = as_spec(spec)
        try:
            return self.create_study(study_id, spec, display_name)
        except AlreadyExistsError:
            study = self.get_study(study_id)
        differences = spec_differences(spec.to_proto(), study.proto.spec)
        if differences:
            raise ValueError(mismatch_message(study.name, study_id, differences))
        return study

    def list_studies(self, page_size: int = 0) -> Iterator[Study]:
        """Every study of the team, oldest first (fetched a page at a time)."""
        token = ""
        while True:
            request = study_service_pb2.ListStudiesRequest(
                parent=self.team_name, page_size=page_size, page_token=token
            )
            response = self.study_service.list_studies(request)
            for study in response.studies:
                yield Study(self, study)
            token = response.next_page_token
            if not token:
                return

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _open_channel(config: ConnectConfig) -> grpc.Channel:
    options = [
        ("grpc.service_config", _service_config(config.load_balancing)),
        # gRPC waits up to 120 s between reconnection attempts by default: a server
        # back after a 30 s outage would stay unseen until the retry window ran out.
        ("grpc.max_reconnect_backoff_ms", RECONNECT_BACKOFF_MS),
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", config.max_message_bytes),
    ]
    if not (config.tls or config.tls_ca_file):
        return grpc.insecure_channel(config.address, options=options)
    roots = Path(config.tls_ca_file).read_bytes() if config.tls_ca_file else None
    credentials = grpc.ssl_channel_credentials(root_certificates=roots)
    return grpc.secure_channel(config.address, credentials, options=options)


def connect(address: str, team: str = "default", **options: Any) -> Client:
    """Connects to a Sibyl server. `options` are ConnectConfig fields.

    client = sibyl.connect("localhost:50051")
    study = client.create_or_load_study("my-study", spec)
    """
    return Client(ConnectConfig(address=address, team=team, **options))


ROLES = tuple(role.lower() for role in enum_names(team_service_pb2.Role, "ROLE_"))


def _role(role: str) -> int:
    if role.lower() not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return team_service_pb2.Role.Value("ROLE_" + role.upper())
