from google.protobuf import field_mask_pb2 as _field_mask_pb2
from sibyl.v1 import study_pb2 as _study_pb2
from sibyl.v1 import trial_pb2 as _trial_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TrialView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIAL_VIEW_UNSPECIFIED: _ClassVar[TrialView]
    TRIAL_VIEW_BASIC: _ClassVar[TrialView]
    TRIAL_VIEW_FULL: _ClassVar[TrialView]

class ImportanceMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORTANCE_METHOD_UNSPECIFIED: _ClassVar[ImportanceMethod]
    IMPORTANCE_METHOD_GP_SOBOL: _ClassVar[ImportanceMethod]
    IMPORTANCE_METHOD_CORRELATION_RATIO: _ClassVar[ImportanceMethod]
TRIAL_VIEW_UNSPECIFIED: TrialView
TRIAL_VIEW_BASIC: TrialView
TRIAL_VIEW_FULL: TrialView
IMPORTANCE_METHOD_UNSPECIFIED: ImportanceMethod
IMPORTANCE_METHOD_GP_SOBOL: ImportanceMethod
IMPORTANCE_METHOD_CORRELATION_RATIO: ImportanceMethod

class CreateStudyRequest(_message.Message):
    __slots__ = ("parent", "study_id", "study", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    STUDY_ID_FIELD_NUMBER: _ClassVar[int]
    STUDY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    study_id: str
    study: _study_pb2.Study
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., study_id: _Optional[str] = ..., study: _Optional[_Union[_study_pb2.Study, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateStudyResponse(_message.Message):
    __slots__ = ("study",)
    STUDY_FIELD_NUMBER: _ClassVar[int]
    study: _study_pb2.Study
    def __init__(self, study: _Optional[_Union[_study_pb2.Study, _Mapping]] = ...) -> None: ...

class GetStudyRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetStudyResponse(_message.Message):
    __slots__ = ("study",)
    STUDY_FIELD_NUMBER: _ClassVar[int]
    study: _study_pb2.Study
    def __init__(self, study: _Optional[_Union[_study_pb2.Study, _Mapping]] = ...) -> None: ...

class ListStudiesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStudiesResponse(_message.Message):
    __slots__ = ("studies", "next_page_token")
    STUDIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    studies: _containers.RepeatedCompositeFieldContainer[_study_pb2.Study]
    next_page_token: str
    def __init__(self, studies: _Optional[_Iterable[_Union[_study_pb2.Study, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteStudyRequest(_message.Message):
    __slots__ = ("name", "allow_missing")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    name: str
    allow_missing: bool
    def __init__(self, name: _Optional[str] = ..., allow_missing: _Optional[bool] = ...) -> None: ...

class DeleteStudyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateStudyStateRequest(_message.Message):
    __slots__ = ("name", "state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: _study_pb2.StudyState
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[_study_pb2.StudyState, str]] = ...) -> None: ...

class UpdateStudyStateResponse(_message.Message):
    __slots__ = ("study",)
    STUDY_FIELD_NUMBER: _ClassVar[int]
    study: _study_pb2.Study
    def __init__(self, study: _Optional[_Union[_study_pb2.Study, _Mapping]] = ...) -> None: ...

class UpdateStudyRequest(_message.Message):
    __slots__ = ("study", "update_mask")
    STUDY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    study: _study_pb2.Study
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, study: _Optional[_Union[_study_pb2.Study, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateStudyResponse(_message.Message):
    __slots__ = ("study",)
    STUDY_FIELD_NUMBER: _ClassVar[int]
    study: _study_pb2.Study
    def __init__(self, study: _Optional[_Union[_study_pb2.Study, _Mapping]] = ...) -> None: ...

class SuggestTrialsRequest(_message.Message):
    __slots__ = ("parent", "count", "client_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    count: int
    client_id: str
    def __init__(self, parent: _Optional[str] = ..., count: _Optional[int] = ..., client_id: _Optional[str] = ...) -> None: ...

class SuggestTrialsResponse(_message.Message):
    __slots__ = ("trials", "study_state")
    TRIALS_FIELD_NUMBER: _ClassVar[int]
    STUDY_STATE_FIELD_NUMBER: _ClassVar[int]
    trials: _containers.RepeatedCompositeFieldContainer[_trial_pb2.Trial]
    study_state: _study_pb2.StudyState
    def __init__(self, trials: _Optional[_Iterable[_Union[_trial_pb2.Trial, _Mapping]]] = ..., study_state: _Optional[_Union[_study_pb2.StudyState, str]] = ...) -> None: ...

class CreateTrialRequest(_message.Message):
    __slots__ = ("parent", "trial", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    trial: _trial_pb2.Trial
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateTrialResponse(_message.Message):
    __slots__ = ("trial",)
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    trial: _trial_pb2.Trial
    def __init__(self, trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ...) -> None: ...

class GetTrialRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetTrialResponse(_message.Message):
    __slots__ = ("trial",)
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    trial: _trial_pb2.Trial
    def __init__(self, trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ...) -> None: ...

class ListTrialsRequest(_message.Message):
    __slots__ = ("parent", "states", "page_size", "page_token", "view")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    parent: str
    states: _containers.RepeatedScalarFieldContainer[_trial_pb2.TrialState]
    page_size: int
    page_token: str
    view: TrialView
    def __init__(self, parent: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_trial_pb2.TrialState, str]]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., view: _Optional[_Union[TrialView, str]] = ...) -> None: ...

class ListTrialsResponse(_message.Message):
    __slots__ = ("trials", "next_page_token")
    TRIALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    trials: _containers.RepeatedCompositeFieldContainer[_trial_pb2.Trial]
    next_page_token: str
    def __init__(self, trials: _Optional[_Iterable[_Union[_trial_pb2.Trial, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AddTrialMeasurementRequest(_message.Message):
    __slots__ = ("name", "measurement", "client_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEASUREMENT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    measurement: _trial_pb2.Measurement
    client_id: str
    def __init__(self, name: _Optional[str] = ..., measurement: _Optional[_Union[_trial_pb2.Measurement, _Mapping]] = ..., client_id: _Optional[str] = ...) -> None: ...

class AddTrialMeasurementResponse(_message.Message):
    __slots__ = ("trial",)
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    trial: _trial_pb2.Trial
    def __init__(self, trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ...) -> None: ...

class CompleteTrialRequest(_message.Message):
    __slots__ = ("name", "final_measurement", "trial_infeasible", "infeasibility_reason", "client_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FINAL_MEASUREMENT_FIELD_NUMBER: _ClassVar[int]
    TRIAL_INFEASIBLE_FIELD_NUMBER: _ClassVar[int]
    INFEASIBILITY_REASON_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    final_measurement: _trial_pb2.Measurement
    trial_infeasible: bool
    infeasibility_reason: str
    client_id: str
    def __init__(self, name: _Optional[str] = ..., final_measurement: _Optional[_Union[_trial_pb2.Measurement, _Mapping]] = ..., trial_infeasible: _Optional[bool] = ..., infeasibility_reason: _Optional[str] = ..., client_id: _Optional[str] = ...) -> None: ...

class CompleteTrialResponse(_message.Message):
    __slots__ = ("trial",)
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    trial: _trial_pb2.Trial
    def __init__(self, trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ...) -> None: ...

class ListOptimalTrialsRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class ListOptimalTrialsResponse(_message.Message):
    __slots__ = ("optimal_trials", "feasible_trial_count", "completed_trial_count")
    OPTIMAL_TRIALS_FIELD_NUMBER: _ClassVar[int]
    FEASIBLE_TRIAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_TRIAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    optimal_trials: _containers.RepeatedCompositeFieldContainer[_trial_pb2.Trial]
    feasible_trial_count: int
    completed_trial_count: int
    def __init__(self, optimal_trials: _Optional[_Iterable[_Union[_trial_pb2.Trial, _Mapping]]] = ..., feasible_trial_count: _Optional[int] = ..., completed_trial_count: _Optional[int] = ...) -> None: ...

class CheckTrialEarlyStoppingRequest(_message.Message):
    __slots__ = ("name", "client_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    client_id: str
    def __init__(self, name: _Optional[str] = ..., client_id: _Optional[str] = ...) -> None: ...

class CheckTrialEarlyStoppingResponse(_message.Message):
    __slots__ = ("should_stop", "reason", "trial", "lease_lost")
    SHOULD_STOP_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    LEASE_LOST_FIELD_NUMBER: _ClassVar[int]
    should_stop: bool
    reason: str
    trial: _trial_pb2.Trial
    lease_lost: bool
    def __init__(self, should_stop: _Optional[bool] = ..., reason: _Optional[str] = ..., trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ..., lease_lost: _Optional[bool] = ...) -> None: ...

class StopTrialRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class StopTrialResponse(_message.Message):
    __slots__ = ("trial",)
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    trial: _trial_pb2.Trial
    def __init__(self, trial: _Optional[_Union[_trial_pb2.Trial, _Mapping]] = ...) -> None: ...

class ComputeParameterImportanceRequest(_message.Message):
    __slots__ = ("parent", "metric")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    parent: str
    metric: str
    def __init__(self, parent: _Optional[str] = ..., metric: _Optional[str] = ...) -> None: ...

class ParameterImportance(_message.Message):
    __slots__ = ("parameter", "importance", "first_order", "total_effect")
    PARAMETER_FIELD_NUMBER: _ClassVar[int]
    IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    FIRST_ORDER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_EFFECT_FIELD_NUMBER: _ClassVar[int]
    parameter: str
    importance: float
    first_order: float
    total_effect: float
    def __init__(self, parameter: _Optional[str] = ..., importance: _Optional[float] = ..., first_order: _Optional[float] = ..., total_effect: _Optional[float] = ...) -> None: ...

class ComputeParameterImportanceResponse(_message.Message):
    __slots__ = ("importances", "method", "metric", "trial_count")
    IMPORTANCES_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    TRIAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    importances: _containers.RepeatedCompositeFieldContainer[ParameterImportance]
    method: ImportanceMethod
    metric: str
    trial_count: int
    def __init__(self, importances: _Optional[_Iterable[_Union[ParameterImportance, _Mapping]]] = ..., method: _Optional[_Union[ImportanceMethod, str]] = ..., metric: _Optional[str] = ..., trial_count: _Optional[int] = ...) -> None: ...
