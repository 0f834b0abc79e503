"""A typed method per RPC of sibyl.v1, each taking per-call options.

    response = client.study_service.get_study(
        GetStudyRequest(name=...), CallOptions(timeout_seconds=5)
    )

Every method goes through the connection's `Caller` (deadline, metadata, retries,
typed errors). `tests/client/test_rpcs.py` checks that every RPC of the contract has
its method here.
"""

from __future__ import annotations

import grpc

from sibyl.calls import Caller, CallOptions
from sibyl.v1 import study_service_pb2 as sp
from sibyl.v1 import team_service_pb2 as tp
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from sibyl.v1.team_service_pb2_grpc import TeamServiceStub

Options = CallOptions | None


class StudyServiceRpcs:
    """sibyl.v1.StudyService: studies, and the trials a study suggests."""

    def __init__(self, channel: grpc.Channel, caller: Caller) -> None:
        self._stub = StudyServiceStub(channel)
        self._caller = caller

    def create_study(
        self, request: sp.CreateStudyRequest, options: Options = None
    ) -> sp.CreateStudyResponse:
        return self._caller.invoke(self._stub.CreateStudy, request, options)

    def get_study(
        self, request: sp.GetStudyRequest, options: Options = None
    ) -> sp.GetStudyResponse:
        return self._caller.invoke(self._stub.GetStudy, request, options)

    def list_studies(
        self, request: sp.ListStudiesRequest, options: Options = None
    ) -> sp.ListStudiesResponse:
        return self._caller.invoke(self._stub.ListStudies, request, options)

    def delete_study(
        self, request: sp.DeleteStudyRequest, options: Options = None
    ) -> sp.DeleteStudyResponse:
        return self._caller.invoke(self._stub.DeleteStudy, request, options)

    def update_study_state(
        self, request: sp.UpdateStudyStateRequest, options: Options = None
    ) -> sp.UpdateStudyStateResponse:
        return self._caller.invoke(self._stub.UpdateStudyState, request, options)

    def update_study(
        self, request: sp.UpdateStudyRequest, options: Options = None
    ) -> sp.UpdateStudyResponse:
        return self._caller.invoke(self._stub.UpdateStudy, request, options)

    def suggest_trials(
        self, request: sp.SuggestTrialsRequest, options: Options = None
    ) -> sp.SuggestTrialsResponse:
        return self._caller.invoke(self._stub.SuggestTrials, request, options)

    def create_trial(
        self, request: sp.CreateTrialRequest, options: Options = None
    ) -> sp.CreateTrialResponse:
        return self._caller.invoke(self._stub.CreateTrial, request, options)

    def get_trial(
        self, request: sp.GetTrialRequest, options: Options = None
    ) -> sp.GetTrialResponse:
        return self._caller.invoke(self._stub.GetTrial, request, options)

    def list_trials(
        self, request: sp.ListTrialsRequest, options: Options = None
    ) -> sp.ListTrialsResponse:
        return self._caller.invoke(self._stub.ListTrials, request, options)

    def add_trial_measurement(
        self, request: sp.AddTrialMeasurementRequest, options: Options = None
    ) -> sp.AddTrialMeasurementResponse:
        return self._caller.invoke(self._stub.AddTrialMeasurement, request, options)

    def complete_trial(
        self, request: sp.CompleteTrialRequest, options: Options = None
    ) -> sp.CompleteTrialResponse:
        return self._caller.invoke(self._stub.CompleteTrial, request, options)

    def list_optimal_trials(
        self, request: sp.ListOptimalTrialsRequest, options: Options = None
    ) -> sp.ListOptimalTrialsResponse:
        return self._caller.invoke(self._stub.ListOptimalTrials, request, options)

    def check_trial_early_stopping(
        self, request: sp.CheckTrialEarlyStoppingRequest, options: Options = None
    ) -> sp.CheckTrialEarlyStoppingResponse:
        return self._caller.invoke(self._stub.CheckTrialEarlyStopping, request, options)

    def stop_trial(
        self, request: sp.StopTrialRequest, options: Options = None
    ) -> sp.StopTrialResponse:
        return self._caller.invoke(self._stub.StopTrial, request, options)

    def compute_parameter_importance(
        self, request: sp.ComputeParameterImportanceRequest, options: Options = None
    ) -> sp.ComputeParameterImportanceResponse:
        return self._caller.invoke(self._stub.ComputeParameterImportance, request, options)


class TeamServiceRpcs:
    """sibyl.v1.TeamService: the caller's team and its tokens."""

    def __init__(self, channel: grpc.Channel, caller: Caller) -> None:
        self._stub = TeamServiceStub(channel)
        self._caller = caller

    def get_team(self, request: tp.GetTeamRequest, options: Options = None) -> tp.GetTeamResponse:
        return self._caller.invoke(self._stub.GetTeam, request, options)

    def create_token(
        self, request: tp.CreateTokenRequest, options: Options = None
    ) -> tp.CreateTokenResponse:
        return self._caller.invoke(self._stub.CreateToken, request, options)

    def list_tokens(
        self, request: tp.ListTokensRequest, options: Options = None
    ) -> tp.ListTokensResponse:
        return self._caller.invoke(self._stub.ListTokens, request, options)

    def revoke_token(
        self, request: tp.RevokeTokenRequest, options: Options = None
    ) -> tp.RevokeTokenResponse:
        return self._caller.invoke(self._stub.RevokeToken, request, options)
