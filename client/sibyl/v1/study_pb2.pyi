import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StudyState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STUDY_STATE_UNSPECIFIED: _ClassVar[StudyState]
    STUDY_STATE_ACTIVE: _ClassVar[StudyState]
    STUDY_STATE_PAUSED: _ClassVar[StudyState]
    STUDY_STATE_COMPLETED: _ClassVar[StudyState]

class ScaleType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCALE_TYPE_UNSPECIFIED: _ClassVar[ScaleType]
    SCALE_TYPE_LINEAR: _ClassVar[ScaleType]
    SCALE_TYPE_LOG: _ClassVar[ScaleType]

class Goal(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GOAL_UNSPECIFIED: _ClassVar[Goal]
    GOAL_MINIMIZE: _ClassVar[Goal]
    GOAL_MAXIMIZE: _ClassVar[Goal]

class Algorithm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALGORITHM_UNSPECIFIED: _ClassVar[Algorithm]
    ALGORITHM_GP_BANDIT: _ClassVar[Algorithm]
    ALGORITHM_RANDOM_SEARCH: _ClassVar[Algorithm]
    ALGORITHM_QUASI_RANDOM_SEARCH: _ClassVar[Algorithm]
    ALGORITHM_GRID_SEARCH: _ClassVar[Algorithm]
STUDY_STATE_UNSPECIFIED: StudyState
STUDY_STATE_ACTIVE: StudyState
STUDY_STATE_PAUSED: StudyState
STUDY_STATE_COMPLETED: StudyState
SCALE_TYPE_UNSPECIFIED: ScaleType
SCALE_TYPE_LINEAR: ScaleType
SCALE_TYPE_LOG: ScaleType
GOAL_UNSPECIFIED: Goal
GOAL_MINIMIZE: Goal
GOAL_MAXIMIZE: Goal
ALGORITHM_UNSPECIFIED: Algorithm
ALGORITHM_GP_BANDIT: Algorithm
ALGORITHM_RANDOM_SEARCH: Algorithm
ALGORITHM_QUASI_RANDOM_SEARCH: Algorithm
ALGORITHM_GRID_SEARCH: Algorithm

class Study(_message.Message):
    __slots__ = ("name", "display_name", "spec", "state", "state_reason", "create_time", "update_time", "trial_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TRIAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    spec: StudySpec
    state: StudyState
    state_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    trial_count: int
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., spec: _Optional[_Union[StudySpec, _Mapping]] = ..., state: _Optional[_Union[StudyState, str]] = ..., state_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trial_count: _Optional[int] = ...) -> None: ...

class StudySpec(_message.Message):
    __slots__ = ("parameters", "metrics", "algorithm", "max_trials", "seed", "trial_lease", "grid_resolution", "initial_trials", "early_stopping", "prior_studies", "fidelity", "budget_parameter", "stall_restarts")
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    MAX_TRIALS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    TRIAL_LEASE_FIELD_NUMBER: _ClassVar[int]
    GRID_RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    INITIAL_TRIALS_FIELD_NUMBER: _ClassVar[int]
    EARLY_STOPPING_FIELD_NUMBER: _ClassVar[int]
    PRIOR_STUDIES_FIELD_NUMBER: _ClassVar[int]
    FIDELITY_FIELD_NUMBER: _ClassVar[int]
    BUDGET_PARAMETER_FIELD_NUMBER: _ClassVar[int]
    STALL_RESTARTS_FIELD_NUMBER: _ClassVar[int]
    parameters: _containers.RepeatedCompositeFieldContainer[ParameterSpec]
    metrics: _containers.RepeatedCompositeFieldContainer[MetricSpec]
    algorithm: Algorithm
    max_trials: int
    seed: int
    trial_lease: _duration_pb2.Duration
    grid_resolution: int
    initial_trials: int
    early_stopping: EarlyStoppingPolicy
    prior_studies: _containers.RepeatedCompositeFieldContainer[PriorStudy]
    fidelity: Fidelity
    budget_parameter: BudgetParameter
    stall_restarts: bool
    def __init__(self, parameters: _Optional[_Iterable[_Union[ParameterSpec, _Mapping]]] = ..., metrics: _Optional[_Iterable[_Union[MetricSpec, _Mapping]]] = ..., algorithm: _Optional[_Union[Algorithm, str]] = ..., max_trials: _Optional[int] = ..., seed: _Optional[int] = ..., trial_lease: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., grid_resolution: _Optional[int] = ..., initial_trials: _Optional[int] = ..., early_stopping: _Optional[_Union[EarlyStoppingPolicy, _Mapping]] = ..., prior_studies: _Optional[_Iterable[_Union[PriorStudy, _Mapping]]] = ..., fidelity: _Optional[_Union[Fidelity, _Mapping]] = ..., budget_parameter: _Optional[_Union[BudgetParameter, _Mapping]] = ..., stall_restarts: _Optional[bool] = ...) -> None: ...

class BudgetParameter(_message.Message):
    __slots__ = ("parameter", "reduction_factor")
    PARAMETER_FIELD_NUMBER: _ClassVar[int]
    REDUCTION_FACTOR_FIELD_NUMBER: _ClassVar[int]
    parameter: str
    reduction_factor: int
    def __init__(self, parameter: _Optional[str] = ..., reduction_factor: _Optional[int] = ...) -> None: ...

class Fidelity(_message.Message):
    __slots__ = ("max_step",)
    MAX_STEP_FIELD_NUMBER: _ClassVar[int]
    max_step: int
    def __init__(self, max_step: _Optional[int] = ...) -> None: ...

class PriorStudy(_message.Message):
    __slots__ = ("study", "objective")
    STUDY_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    study: str
    objective: str
    def __init__(self, study: _Optional[str] = ..., objective: _Optional[str] = ...) -> None: ...

class ParameterSpec(_message.Message):
    __slots__ = ("name", "condition", "double_range", "integer_range", "discrete_values", "categorical_values")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_RANGE_FIELD_NUMBER: _ClassVar[int]
    INTEGER_RANGE_FIELD_NUMBER: _ClassVar[int]
    DISCRETE_VALUES_FIELD_NUMBER: _ClassVar[int]
    CATEGORICAL_VALUES_FIELD_NUMBER: _ClassVar[int]
    name: str
    condition: ParentCondition
    double_range: DoubleRange
    integer_range: IntegerRange
    discrete_values: DiscreteValues
    categorical_values: CategoricalValues
    def __init__(self, name: _Optional[str] = ..., condition: _Optional[_Union[ParentCondition, _Mapping]] = ..., double_range: _Optional[_Union[DoubleRange, _Mapping]] = ..., integer_range: _Optional[_Union[IntegerRange, _Mapping]] = ..., discrete_values: _Optional[_Union[DiscreteValues, _Mapping]] = ..., categorical_values: _Optional[_Union[CategoricalValues, _Mapping]] = ...) -> None: ...

class ParentCondition(_message.Message):
    __slots__ = ("parent", "categories", "numbers", "range")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    NUMBERS_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    categories: CategoricalValues
    numbers: DiscreteValues
    range: ValueRange
    def __init__(self, parent: _Optional[str] = ..., categories: _Optional[_Union[CategoricalValues, _Mapping]] = ..., numbers: _Optional[_Union[DiscreteValues, _Mapping]] = ..., range: _Optional[_Union[ValueRange, _Mapping]] = ...) -> None: ...

class ValueRange(_message.Message):
    __slots__ = ("min_value", "max_value")
    MIN_VALUE_FIELD_NUMBER: _ClassVar[int]
    MAX_VALUE_FIELD_NUMBER: _ClassVar[int]
    min_value: float
    max_value: float
    def __init__(self, min_value: _Optional[float] = ..., max_value: _Optional[float] = ...) -> None: ...

class DoubleRange(_message.Message):
    __slots__ = ("min_value", "max_value", "scale_type")
    MIN_VALUE_FIELD_NUMBER: _ClassVar[int]
    MAX_VALUE_FIELD_NUMBER: _ClassVar[int]
    SCALE_TYPE_FIELD_NUMBER: _ClassVar[int]
    min_value: float
    max_value: float
    scale_type: ScaleType
    def __init__(self, min_value: _Optional[float] = ..., max_value: _Optional[float] = ..., scale_type: _Optional[_Union[ScaleType, str]] = ...) -> None: ...

class IntegerRange(_message.Message):
    __slots__ = ("min_value", "max_value", "scale_type")
    MIN_VALUE_FIELD_NUMBER: _ClassVar[int]
    MAX_VALUE_FIELD_NUMBER: _ClassVar[int]
    SCALE_TYPE_FIELD_NUMBER: _ClassVar[int]
    min_value: int
    max_value: int
    scale_type: ScaleType
    def __init__(self, min_value: _Optional[int] = ..., max_value: _Optional[int] = ..., scale_type: _Optional[_Union[ScaleType, str]] = ...) -> None: ...

class DiscreteValues(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ...) -> None: ...

class CategoricalValues(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class MetricSpec(_message.Message):
    __slots__ = ("name", "goal", "constraint", "reference_value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    GOAL_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    goal: Goal
    constraint: OutcomeConstraint
    reference_value: float
    def __init__(self, name: _Optional[str] = ..., goal: _Optional[_Union[Goal, str]] = ..., constraint: _Optional[_Union[OutcomeConstraint, _Mapping]] = ..., reference_value: _Optional[float] = ...) -> None: ...

class OutcomeConstraint(_message.Message):
    __slots__ = ("upper_bound", "lower_bound")
    UPPER_BOUND_FIELD_NUMBER: _ClassVar[int]
    LOWER_BOUND_FIELD_NUMBER: _ClassVar[int]
    upper_bound: float
    lower_bound: float
    def __init__(self, upper_bound: _Optional[float] = ..., lower_bound: _Optional[float] = ...) -> None: ...

class EarlyStoppingPolicy(_message.Message):
    __slots__ = ("median", "successive_halving", "learning_curve", "model")
    MEDIAN_FIELD_NUMBER: _ClassVar[int]
    SUCCESSIVE_HALVING_FIELD_NUMBER: _ClassVar[int]
    LEARNING_CURVE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    median: MedianStoppingRule
    successive_halving: SuccessiveHalvingRule
    learning_curve: LearningCurveRule
    model: ModelStoppingRule
    def __init__(self, median: _Optional[_Union[MedianStoppingRule, _Mapping]] = ..., successive_halving: _Optional[_Union[SuccessiveHalvingRule, _Mapping]] = ..., learning_curve: _Optional[_Union[LearningCurveRule, _Mapping]] = ..., model: _Optional[_Union[ModelStoppingRule, _Mapping]] = ...) -> None: ...

class MedianStoppingRule(_message.Message):
    __slots__ = ("min_step", "min_trials")
    MIN_STEP_FIELD_NUMBER: _ClassVar[int]
    MIN_TRIALS_FIELD_NUMBER: _ClassVar[int]
    min_step: int
    min_trials: int
    def __init__(self, min_step: _Optional[int] = ..., min_trials: _Optional[int] = ...) -> None: ...

class SuccessiveHalvingRule(_message.Message):
    __slots__ = ("min_step", "reduction_factor", "brackets")
    MIN_STEP_FIELD_NUMBER: _ClassVar[int]
    REDUCTION_FACTOR_FIELD_NUMBER: _ClassVar[int]
    BRACKETS_FIELD_NUMBER: _ClassVar[int]
    min_step: int
    reduction_factor: float
    brackets: int
    def __init__(self, min_step: _Optional[int] = ..., reduction_factor: _Optional[float] = ..., brackets: _Optional[int] = ...) -> None: ...

class ModelStoppingRule(_message.Message):
    __slots__ = ("min_step", "reduction_factor", "min_probability")
    MIN_STEP_FIELD_NUMBER: _ClassVar[int]
    REDUCTION_FACTOR_FIELD_NUMBER: _ClassVar[int]
    MIN_PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    min_step: int
    reduction_factor: float
    min_probability: float
    def __init__(self, min_step: _Optional[int] = ..., reduction_factor: _Optional[float] = ..., min_probability: _Optional[float] = ...) -> None: ...

class LearningCurveRule(_message.Message):
    __slots__ = ("final_step", "min_step", "min_trials")
    FINAL_STEP_FIELD_NUMBER: _ClassVar[int]
    MIN_STEP_FIELD_NUMBER: _ClassVar[int]
    MIN_TRIALS_FIELD_NUMBER: _ClassVar[int]
    final_step: int
    min_step: int
    min_trials: int
    def __init__(self, final_step: _Optional[int] = ..., min_step: _Optional[int] = ..., min_trials: _Optional[int] = ...) -> None: ...
