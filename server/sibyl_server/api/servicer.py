"""StudyService: proto requests in, use cases called, proto responses out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

import grpc

from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1 import study_service_pb2_grpc as pb_grpc
from sibyl_server.api import convert
from sibyl_server.api.errors import handles_errors
from sibyl_server.domain.errors import InvalidArgument
from sibyl_server.domain.names import parse_study_name, parse_team_name, parse_trial_name
from sibyl_server.domain.study import StudyState
from sibyl_server.domain.trial import TrialState
from sibyl_server.domain.validation import MAX_CLIENT_ID_LENGTH, MAX_SUGGEST_COUNT
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import SuggestionUseCase
from sibyl_server.service.trials import NewTrial, TrialUseCases

T = TypeVar("T")
Context = grpc.aio.ServicerContext


class StudyServicer(pb_grpc.StudyServiceServicer):
    """Every method: parse and convert the request, run the use case, convert back.

    Use cases are synchronous (database I/O) and run on the store pool, so the event
    loop only ever waits; SuggestTrials' engine work runs on its own pool.
    """

    def __init__(
        self,
        studies: StudyUseCases,
        trials: TrialUseCases,
        suggestions: SuggestionUseCase,
        store_executor: Executor,
    ) -> None:
        self._studies = studies
        self._trials = trials
        self._suggestions = suggestions
        self._executor = store_executor

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    @handles_errors
    async def CreateStudy(self, request: pb.CreateStudyRequest, context: Context) -> Any:
        parent = parse_team_name(request.parent, "parent")
        if not request.HasField("study") or not request.study.HasField("spec"):
            raise InvalidArgument("study.spec", "required")
        spec = convert.spec_from_proto(request.study.spec, "study.spec")
        study = await self._run(
            self._studies.create_study, parent, request.study_id, spec, request.study.display_name
        )
        return pb.CreateStudyResponse(study=convert.study_to_proto(study))

    @handles_errors
    async def GetStudy(self, request: pb.GetStudyRequest, context: Context) -> Any:
        study = await self._run(self._studies.get_study, parse_study_name(request.name, "name"))
        return pb.GetStudyResponse(study=convert.study_to_proto(study))

    @handles_errors
    async def ListStudies(self, request: pb.ListStudiesRequest, context: Context) -> Any:
        parent = parse_team_name(request.parent, "parent")
        page = await self._run(
            self._studies.list_studies, parent, request.page_size, request.page_token
        )
        return pb.ListStudiesResponse(
            studies=[convert.study_to_proto(s) for s in page.studies],
            next_page_token=page.next_page_token,
        )

    @handles_errors
    async def DeleteStudy(self, request: pb.DeleteStudyRequest, context: Context) -> Any:
        await self._run(self._studies.delete_study, parse_study_name(request.name, "name"))
        return pb.DeleteStudyResponse()

    @handles_errors
    async def UpdateStudyState(self, request: pb.UpdateStudyStateRequest, context: Context) -> Any:
        name = parse_study_name(request.name, "name")
        state = convert.enum_from_proto(StudyState, request.state, "state")
        study = await self._run(self._studies.update_study_state, name, state)
        return pb.UpdateStudyStateResponse(study=convert.study_to_proto(study))

    @handles_errors
    async def SuggestTrials(self, request: pb.SuggestTrialsRequest, context: Context) -> Any:
        name = parse_study_name(request.parent, "parent")
        if not 1 <= request.count <= MAX_SUGGEST_COUNT:
            raise InvalidArgument("count", f"must be between 1 and {MAX_SUGGEST_COUNT}")
        _check_client_id(request.client_id)
        suggested = await self._suggestions.suggest(name, request.count, request.client_id)
        return pb.SuggestTrialsResponse(
            trials=[convert.trial_to_proto(name, t) for t in suggested.trials],
            study_state=convert.enum_to_proto(suggested.study_state),
        )

    @handles_errors
    async def CreateTrial(self, request: pb.CreateTrialRequest, context: Context) -> Any:
        parent = parse_study_name(request.parent, "parent")
        if len(request.request_id) > 128:
            raise InvalidArgument("request_id", "at most 128 characters")
        trial = request.trial
        new = NewTrial(
            parameters=convert.parameters_from_proto(trial.parameters, "trial.parameters"),
            state=convert.enum_from_proto(TrialState, trial.state, "trial.state"),
            final_measurement=(
                convert.measurement_from_proto(trial.final_measurement)
                if trial.HasField("final_measurement")
                else None
            ),
            infeasibility_reason=trial.infeasibility_reason,
            metadata=dict(trial.metadata),
        )
        created = await self._run(self._trials.create_trial, parent, new, request.request_id)
        return pb.CreateTrialResponse(trial=convert.trial_to_proto(parent, created))

    @handles_errors
    async def GetTrial(self, request: pb.GetTrialRequest, context: Context) -> Any:
        name = parse_trial_name(request.name, "name")
        trial = await self._run(self._trials.get_trial, name)
        return pb.GetTrialResponse(trial=convert.trial_to_proto(name.parent, trial))

    @handles_errors
    async def ListTrials(self, request: pb.ListTrialsRequest, context: Context) -> Any:
        parent = parse_study_name(request.parent, "parent")
        states = [
            convert.enum_from_proto(TrialState, s, f"states[{i}]")
            for i, s in enumerate(request.states)
        ]
        page = await self._run(
            self._trials.list_trials, parent, states, request.page_size, request.page_token
        )
        return pb.ListTrialsResponse(
            trials=[convert.trial_to_proto(parent, t) for t in page.trials],
            next_page_token=page.next_page_token,
        )

    @handles_errors
    async def AddTrialMeasurement(
        self, request: pb.AddTrialMeasurementRequest, context: Context
    ) -> Any:
        name = parse_trial_name(request.name, "name")
        if not request.HasField("measurement"):
            raise InvalidArgument("measurement", "required")
        measurement = convert.measurement_from_proto(request.measurement)
        trial = await self._run(self._trials.add_measurement, name, measurement)
        return pb.AddTrialMeasurementResponse(trial=convert.trial_to_proto(name.parent, trial))

    @handles_errors
    async def CompleteTrial(self, request: pb.CompleteTrialRequest, context: Context) -> Any:
        name = parse_trial_name(request.name, "name")
        final = (
            convert.measurement_from_proto(request.final_measurement)
            if request.HasField("final_measurement")
            else None
        )
        trial = await self._run(
            self._trials.complete_trial,
            name,
            final,
            request.trial_infeasible,
            request.infeasibility_reason,
        )
        return pb.CompleteTrialResponse(trial=convert.trial_to_proto(name.parent, trial))

    @handles_errors
    async def ListOptimalTrials(
        self, request: pb.ListOptimalTrialsRequest, context: Context
    ) -> Any:
        parent = parse_study_name(request.parent, "parent")
        trials = await self._run(self._trials.optimal_trials, parent)
        return pb.ListOptimalTrialsResponse(
            optimal_trials=[convert.trial_to_proto(parent, t) for t in trials]
        )


def _check_client_id(client_id: str) -> None:
    if not client_id or len(client_id) > MAX_CLIENT_ID_LENGTH or not client_id.isprintable():
        raise InvalidArgument(
            "client_id", f"required: 1 to {MAX_CLIENT_ID_LENGTH} printable characters"
        )
