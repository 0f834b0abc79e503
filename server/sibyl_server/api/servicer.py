"""StudyService: proto requests in, use cases called, proto responses out."""

from __future__ import annotations

from typing import Any

from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1 import study_service_pb2_grpc as pb_grpc
from sibyl_server.api import convert
from sibyl_server.api.rpc import Servicer, current_call_transport, rpc
from sibyl_server.api.trial_json import JsonText, trials_page_text
from sibyl_server.domain.errors import InvalidArgument
from sibyl_server.domain.names import (
    StudyName,
    TeamName,
    TrialName,
    parse_study_name,
    parse_team_name,
    parse_trial_name,
)
from sibyl_server.domain.study import StudyState
from sibyl_server.domain.team import Role
from sibyl_server.domain.trial import TrialState, TrialView
from sibyl_server.domain.validation import MAX_SUGGEST_COUNT, check_client_id, check_request_id
from sibyl_server.service.analysis import AnalysisUseCases
from sibyl_server.service.stopping import StoppingUseCases
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import SuggestionUseCase
from sibyl_server.service.trials import NewTrial, TrialUseCases

READ, WRITE = Role.READER, Role.WRITER


def _parent_team(request: Any) -> TeamName:
    return parse_team_name(request.parent, "parent")


def _study(request: Any) -> StudyName:
    return parse_study_name(request.name, "name")


def _parent_study(request: Any) -> StudyName:
    return parse_study_name(request.parent, "parent")


def _trial(request: Any) -> TrialName:
    return parse_trial_name(request.name, "name")


class StudyServicer(Servicer, pb_grpc.StudyServiceServicer):
    """Use cases are synchronous (database I/O) and run on the store pool, so the event
    loop only ever waits; SuggestTrials' engine work runs on its own pool.
    """

    def __init__(
        self,
        base: Servicer,
        studies: StudyUseCases,
        trials: TrialUseCases,
        suggestions: SuggestionUseCase,
        stopping: StoppingUseCases,
        analysis: AnalysisUseCases,
    ) -> None:
        super().__init__(base.access, base.metrics, base.runner, base.access_log)
        self._studies = studies
        self._trials = trials
        self._suggestions = suggestions
        self._stopping = stopping
        self._analysis = analysis

    @rpc(WRITE, _parent_team)
    async def CreateStudy(self, request: pb.CreateStudyRequest, parent: TeamName) -> Any:
        if not request.HasField("study") or not request.study.HasField("spec"):
            raise InvalidArgument("study.spec", "required")
        spec = convert.spec_from_proto(request.study.spec, "study.spec")
        study = await self.run(
            self._studies.create_study,
            parent,
            request.study_id,
            spec,
            request.study.display_name,
            request.request_id,
        )
        return pb.CreateStudyResponse(study=convert.study_to_proto(study))

    @rpc(READ, _study)
    async def GetStudy(self, request: pb.GetStudyRequest, name: StudyName) -> Any:
        study = await self.run(self._studies.get_study, name)
        return pb.GetStudyResponse(study=convert.study_to_proto(study))

    @rpc(READ, _parent_team)
    async def ListStudies(self, request: pb.ListStudiesRequest, parent: TeamName) -> Any:
        page = await self.run(
            self._studies.list_studies, parent, request.page_size, request.page_token
        )
        return pb.ListStudiesResponse(
            studies=[convert.study_to_proto(s) for s in page.studies],
            next_page_token=page.next_page_token,
        )

    @rpc(WRITE, _study)
    async def DeleteStudy(self, request: pb.DeleteStudyRequest, name: StudyName) -> Any:
        await self.run(self._studies.delete_study, name, request.allow_missing)
        return pb.DeleteStudyResponse()

    @rpc(WRITE, _study)
    async def UpdateStudyState(self, request: pb.UpdateStudyStateRequest, name: StudyName) -> Any:
        state = convert.enum_from_proto(StudyState, request.state, "state")
        study = await self.run(self._studies.update_study_state, name, state)
        return pb.UpdateStudyStateResponse(study=convert.study_to_proto(study))

    @rpc(WRITE, lambda r: parse_study_name(r.study.name, "study.name"))
    async def UpdateStudy(self, request: pb.UpdateStudyRequest, name: StudyName) -> Any:
        update = convert.study_update_from_proto(request.study, request.update_mask)
        study = await self.run(self._studies.update_study, name, update)
        return pb.UpdateStudyResponse(study=convert.study_to_proto(study))

    @rpc(WRITE, _parent_study)
    async def SuggestTrials(self, request: pb.SuggestTrialsRequest, name: StudyName) -> Any:
        if not 1 <= request.count <= MAX_SUGGEST_COUNT:
            raise InvalidArgument("count", f"must be between 1 and {MAX_SUGGEST_COUNT}")
        check_client_id(request.client_id, required=True)
        suggested = await self._suggestions.suggest(name, request.count, request.client_id)
        self.metrics.observe_suggestion(suggested.timings)
        return pb.SuggestTrialsResponse(
            trials=[convert.trial_to_proto(name, t) for t in suggested.trials],
            study_state=convert.enum_to_proto(suggested.study_state),
        )

    @rpc(WRITE, _parent_study)
    async def CreateTrial(self, request: pb.CreateTrialRequest, parent: StudyName) -> Any:
        check_request_id(request.request_id)
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
            measurements=tuple(convert.measurement_from_proto(m) for m in trial.measurements),
        )
        created = await self.run(self._trials.create_trial, parent, new, request.request_id)
        return pb.CreateTrialResponse(trial=convert.trial_to_proto(parent, created))

    @rpc(READ, _trial)
    async def GetTrial(self, request: pb.GetTrialRequest, name: TrialName) -> Any:
        trial = await self.run(self._trials.get_trial, name)
        return pb.GetTrialResponse(trial=convert.trial_to_proto(name.parent, trial))

    @rpc(READ, _parent_study)
    async def ListTrials(self, request: pb.ListTrialsRequest, parent: StudyName) -> Any:
        if len(request.states) > len(TrialState):
            # Checked first: converting a few million entries would hold the event loop.
            raise InvalidArgument(
                "states", f"at most {len(TrialState)} states, not {len(request.states)}"
            )
        states = [
            convert.enum_from_proto(TrialState, s, f"states[{i}]")
            for i, s in enumerate(request.states)
        ]
        view = convert.view_from_proto(request.view)
        as_json = current_call_transport() == "http"
        # Read and converted on a store thread: a page of 1,000 trials takes about 0.1 s
        # to convert, which the event loop (every other call of this replica) would wait.
        return await self.run(
            self._listed_trials,
            parent,
            states,
            view,
            request.page_size,
            request.page_token,
            as_json,
        )

    def _listed_trials(
        self,
        parent: StudyName,
        states: list[TrialState],
        view: TrialView,
        size: int,
        token: str,
        as_json: bool,
    ) -> pb.ListTrialsResponse | JsonText:
        page = self._trials.list_trials(parent, states, size, token, view)
        if as_json:  # the JSON API's largest answer, written without messages between
            return trials_page_text(parent, page.trials, page.next_page_token)
        return pb.ListTrialsResponse(
            trials=[convert.trial_to_proto(parent, t) for t in page.trials],
            next_page_token=page.next_page_token,
        )

    @rpc(WRITE, _trial)
    async def AddTrialMeasurement(
        self, request: pb.AddTrialMeasurementRequest, name: TrialName
    ) -> Any:
        if not request.HasField("measurement"):
            raise InvalidArgument("measurement", "required")
        measurement = convert.measurement_from_proto(request.measurement)
        client_id = check_client_id(request.client_id, required=False)
        trial = await self.run(self._trials.add_measurement, name, measurement, client_id)
        return pb.AddTrialMeasurementResponse(trial=convert.trial_to_proto(name.parent, trial))

    @rpc(WRITE, _trial)
    async def CompleteTrial(self, request: pb.CompleteTrialRequest, name: TrialName) -> Any:
        final = (
            convert.measurement_from_proto(request.final_measurement)
            if request.HasField("final_measurement")
            else None
        )
        trial = await self.run(
            self._trials.complete_trial,
            name,
            final,
            request.trial_infeasible,
            request.infeasibility_reason,
            check_client_id(request.client_id, required=False),
        )
        return pb.CompleteTrialResponse(trial=convert.trial_to_proto(name.parent, trial))

    @rpc(READ, _parent_study)
    async def ListOptimalTrials(
        self, request: pb.ListOptimalTrialsRequest, parent: StudyName
    ) -> Any:
        optimal = await self.run(self._trials.optimal_trials, parent)
        return pb.ListOptimalTrialsResponse(
            optimal_trials=[convert.trial_to_proto(parent, t) for t in optimal.trials],
            feasible_trial_count=optimal.feasible_count,
            completed_trial_count=optimal.completed_count,
        )

    @rpc(WRITE, _trial)
    async def CheckTrialEarlyStopping(
        self, request: pb.CheckTrialEarlyStoppingRequest, name: TrialName
    ) -> Any:
        client_id = check_client_id(request.client_id, required=False)
        check = await self._stopping.check(name, client_id)
        return pb.CheckTrialEarlyStoppingResponse(
            should_stop=check.should_stop,
            reason=check.reason,
            trial=convert.trial_to_proto(name.parent, check.trial),
            lease_lost=check.lease_lost,
        )

    @rpc(WRITE, _trial)
    async def StopTrial(self, request: pb.StopTrialRequest, name: TrialName) -> Any:
        trial = await self.run(self._stopping.stop, name)
        return pb.StopTrialResponse(trial=convert.trial_to_proto(name.parent, trial))

    @rpc(READ, _parent_study)
    async def ComputeParameterImportance(
        self, request: pb.ComputeParameterImportanceRequest, parent: StudyName
    ) -> Any:
        importance = await self._analysis.parameter_importance(parent, request.metric)
        return convert.importance_to_proto(importance)
