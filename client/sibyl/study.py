"""Studies and trials as a training loop uses them.

for trial in study.suggest():
    with trial:                      # marks the trial infeasible if the block raises
        for epoch in range(10):
            loss = train_one_epoch(**trial.parameters)
            trial.report({"loss": loss}, step=epoch)
        trial.complete({"loss": loss})

A trial's calls say which worker makes them (its client id), so that once a slow
worker's lease expired and the trial went to another worker, the slow worker's
reports are refused (`LeaseLostError`) instead of mixing into the new holder's.
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from google.protobuf import field_mask_pb2

from sibyl.calls import CallOptions
from sibyl.errors import DivergedError, FailedPreconditionError, LeaseLostError, SibylError
from sibyl.rpcs import StudyServiceRpcs
from sibyl.spec import check_lease_seconds
from sibyl.v1 import study_pb2, study_service_pb2, trial_pb2

if TYPE_CHECKING:
    import pandas

    from sibyl.client import Client

ParameterValue = float | int | str
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True)
class ParameterImportance:
    """How much a parameter moves a metric (see `Study.parameter_importance`).

    Attributes:
        parameter: The parameter's name.
        importance: Its share of the metric's variation; the shares sum to 1.
        first_order: The share of the variance it explains alone.
        total_effect: The share it takes part in, interactions included (None for the
            model-free estimate).
    """

    parameter: str
    importance: float
    first_order: float
    total_effect: float | None


@dataclass(frozen=True)
class Importance:
    """Every parameter's importance for one metric, most important first."""

    metric: str
    method: str
    """ "GP_SOBOL" (a variance decomposition of a GP fitted to the metric) or
    "CORRELATION_RATIO" (model-free, with few trials)."""
    parameters: list[ParameterImportance]
    trial_count: int


@dataclass(frozen=True)
class Optimum:
    """The best trials of a study, and whether anything feasible was found yet."""

    trials: list[Trial]
    feasible_trial_count: int
    completed_trial_count: int

    @property
    def nothing_feasible_yet(self) -> bool:
        """Trials completed, but none satisfied every outcome constraint."""
        return self.completed_trial_count > 0 and self.feasible_trial_count == 0


class Study:
    """A study on the server. Its spec is immutable, so it is read once."""

    def __init__(self, client: Client, proto: study_pb2.Study) -> None:
        self.client = client
        self.proto = proto
        self._codec = _ValueCodec(proto.spec)

    @property
    def name(self) -> str:
        return self.proto.name

    @property
    def parameter_names(self) -> list[str]:
        """The parameters in the order of the spec."""
        return [p.name for p in self.proto.spec.parameters]

    @property
    def study_id(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def state(self) -> str:
        """ "ACTIVE", "PAUSED" or "COMPLETED", as of the last call that returned the study."""
        return study_pb2.StudyState.Name(self.proto.state).removeprefix("STUDY_STATE_")

    @property
    def objectives(self) -> list[tuple[str, str]]:
        """(metric name, "MINIMIZE" or "MAXIMIZE") of each objective, in the spec's order:
        its metrics with a goal (constraints, which have none, are left out)."""
        return [
            (m.name, study_pb2.Goal.Name(m.goal).removeprefix("GOAL_"))
            for m in self.proto.spec.metrics
            if m.goal != study_pb2.GOAL_UNSPECIFIED
        ]

    @property
    def objective(self) -> tuple[str, str]:
        """The first objective (a constraint may come before it in the spec)."""
        return self.objectives[0]

    def refresh(self) -> Study:
        request = study_service_pb2.GetStudyRequest(name=self.name)
        self.proto = self.client.study_service.get_study(request).study
        return self

    def suggest(self, count: int = 1, client_id: str | None = None) -> list[Trial]:
        """Trials to evaluate, assigned to this worker; [] once the study is COMPLETED.

        Raises FailedPreconditionError while the study is PAUSED.
        """
        request = study_service_pb2.SuggestTrialsRequest(
            parent=self.name, count=count, client_id=client_id or self.client.client_id
        )
        options = CallOptions(timeout_seconds=self.client.config.suggest_timeout_seconds)
        try:
            response = self.client.study_service.suggest_trials(request, options)
        except FailedPreconditionError as error:
            if error.metadata.get("state") != "COMPLETED":
                raise
            self.proto.state = study_pb2.STUDY_STATE_COMPLETED
            return []
        self.proto.state = response.study_state
        return [Trial(self, t) for t in response.trials]

    def add_trial(
        self,
        parameters: Mapping[str, ParameterValue],
        metrics: Mapping[str, float] | None = None,
        *,
        infeasible_reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
        measurements: Sequence[tuple[int, Mapping[str, float]]] = (),
    ) -> Trial:
        """Adds a trial with chosen parameters.

        With `metrics`: a COMPLETED trial (e.g. a result from an earlier run). With
        `infeasible_reason`: an INFEASIBLE one. With neither: a REQUESTED trial that
        the next worker to ask gets first. `measurements`, (step, metrics) pairs by
        increasing step, give a finished trial's learning curve, which early-stopping
        rules compare new trials with.
        """
        trial = trial_pb2.Trial(
            parameters=self._codec.to_proto(parameters),
            metadata=dict(metadata or {}),
            measurements=[
                trial_pb2.Measurement(metrics=dict(values), step=step)
                for step, values in measurements
            ],
        )
        if metrics is not None:
            trial.state = trial_pb2.TRIAL_STATE_COMPLETED
            trial.final_measurement.metrics.update(metrics)
        elif infeasible_reason is not None:
            trial.state = trial_pb2.TRIAL_STATE_INFEASIBLE
            # As complete_infeasible: a reason from an exception's text may hold
            # control characters (a colour code), which the server refuses.
            trial.infeasibility_reason = _printable(infeasible_reason)[:MAX_REASON_LENGTH]
        else:
            trial.state = trial_pb2.TRIAL_STATE_REQUESTED
        request = study_service_pb2.CreateTrialRequest(
            parent=self.name, trial=trial, request_id=uuid.uuid4().hex
        )
        return Trial(self, self.client.study_service.create_trial(request).trial)

    def get_trial(self, trial_id: int) -> Trial:
        request = study_service_pb2.GetTrialRequest(name=f"{self.name}/trials/{trial_id}")
        return Trial(self, self.client.study_service.get_trial(request).trial)

    def trials(
        self, states: tuple[str, ...] = (), page_size: int = 0, measurements: bool = True
    ) -> Iterator[Trial]:
        """The study's trials by id, optionally only some states (e.g. ("COMPLETED",)).

        `measurements=False` leaves out each trial's intermediate measurements
        (TRIAL_VIEW_BASIC): for a study reporting learning curves, several times less to
        read and send.
        """
        numbers = [_trial_state(s) for s in states]
        view = (
            study_service_pb2.TRIAL_VIEW_FULL
            if measurements
            else study_service_pb2.TRIAL_VIEW_BASIC
        )
        token = ""
        while True:
            request = study_service_pb2.ListTrialsRequest(
                parent=self.name, states=numbers, page_size=page_size, page_token=token, view=view
            )
            response = self.client.study_service.list_trials(request)
            for trial in response.trials:
                yield Trial(self, trial)
            token = response.next_page_token
            if not token:
                return

    def to_dataframe(self, states: tuple[str, ...] = ()) -> pandas.DataFrame:
        """The trials as a table, one row per trial by id (states as in `trials()`).

        Columns: `id`, `state`, `params_<name>` per parameter (missing where a
        conditional parameter is inactive), `metrics_<name>` per final metric (missing
        unless COMPLETED), `infeasibility_reason`, `client_id`, and `create_time`,
        `start_time`, `complete_time` (UTC). pandas is imported only here: the client
        needs it only for this (`pip install 'sibyl[pandas]'`).
        """
        import pandas

        rows = [_row(trial) for trial in self.trials(states, measurements=False)]
        declared = [
            "id",
            "state",
            *(f"params_{name}" for name in self.parameter_names),
            *(f"metrics_{metric.name}" for metric in self.proto.spec.metrics),
        ]
        # Metrics beyond the declared ones, if a trial has any, after the declared ones.
        extra = sorted({key for row in rows for key in row} - {*declared, *_TRIAL_COLUMNS})
        frame = pandas.DataFrame(rows, columns=[*declared, *extra, *_TRIAL_COLUMNS])
        for column in _TIME_COLUMNS:
            frame[column] = pandas.to_datetime(frame[column], utc=True)
        return frame

    def optimal_trials(self) -> Optimum:
        """The best feasible completed trials: one for a single objective, the Pareto
        front for several; with how many completed trials were feasible."""
        request = study_service_pb2.ListOptimalTrialsRequest(parent=self.name)
        response = self.client.study_service.list_optimal_trials(request)
        return Optimum(
            [Trial(self, t) for t in response.optimal_trials],
            response.feasible_trial_count,
            response.completed_trial_count,
        )

    def best_trial(self) -> Trial | None:
        """The best feasible completed trial (the first of the Pareto front for several
        objectives); None before any feasible trial completes."""
        trials = self.optimal_trials().trials
        return trials[0] if trials else None

    def parameter_importance(self, metric: str = "") -> Importance:
        """How much each parameter moves `metric` (the first objective by default),
        computed by the server from the study's finished trials; takes seconds."""
        request = study_service_pb2.ComputeParameterImportanceRequest(
            parent=self.name, metric=metric
        )
        response = self.client.study_service.compute_parameter_importance(request)
        return Importance(
            response.metric,
            study_service_pb2.ImportanceMethod.Name(response.method).removeprefix(
                "IMPORTANCE_METHOD_"
            ),
            [
                ParameterImportance(
                    p.parameter,
                    p.importance,
                    p.first_order,
                    p.total_effect if p.HasField("total_effect") else None,
                )
                for p in response.importances
            ],
            response.trial_count,
        )

    def pause(self) -> None:
        self._set_state(study_pb2.STUDY_STATE_PAUSED)

    def resume(self) -> None:
        self._set_state(study_pb2.STUDY_STATE_ACTIVE)

    def complete(self) -> None:
        self._set_state(study_pb2.STUDY_STATE_COMPLETED)

    def _set_state(self, state: int) -> None:
        request = study_service_pb2.UpdateStudyStateRequest(name=self.name, state=state)
        self.proto = self.client.study_service.update_study_state(request).study

    def update(
        self,
        *,
        max_trials: int | None = None,
        trial_lease_seconds: float | None = None,
        display_name: str | None = None,
    ) -> None:
        """Changes what may change after creation; None leaves a field as it is.

        Raising `max_trials` (0: no budget) lets a study that used its budget suggest
        again; it cannot go below the trials the study already has.
        """
        study = study_pb2.Study(name=self.name)
        paths = []
        if max_trials is not None:
            study.spec.max_trials = max_trials
            paths.append("spec.max_trials")
        if trial_lease_seconds is not None:
            check_lease_seconds("Study.update", trial_lease_seconds)
            study.spec.trial_lease.FromTimedelta(timedelta(seconds=trial_lease_seconds))
            paths.append("spec.trial_lease")
        if display_name is not None:
            study.display_name = display_name
            paths.append("display_name")
        if not paths:
            raise ValueError(
                "nothing to update: give max_trials, trial_lease_seconds or display_name"
            )
        request = study_service_pb2.UpdateStudyRequest(
            study=study, update_mask=field_mask_pb2.FieldMask(paths=paths)
        )
        self.proto = self.client.study_service.update_study(request).study
        self._codec = _ValueCodec(self.proto.spec)

    def delete(self) -> None:
        """Deletes the study and its trials (a study already gone is not an error)."""
        request = study_service_pb2.DeleteStudyRequest(name=self.name, allow_missing=True)
        self.client.study_service.delete_study(request)

    def python_value(self, name: str, value: trial_pb2.ParameterValue) -> ParameterValue:
        return self._codec.to_python(name, value)

    def __repr__(self) -> str:
        return f"Study({self.name!r}, state={self.state})"


class Trial:
    """A trial: `parameters` to evaluate, and the calls that report on it."""

    def __init__(self, study: Study, proto: trial_pb2.Trial) -> None:
        self.study = study
        self.proto = proto
        self.stop_reason = ""
        """Why the last should_stop() said yes."""
        self.lease_lost = False
        """Whether this worker lost the trial to another (see `LeaseLostError`)."""
        measurements = proto.measurements
        self._recorded_through = measurements[-1].step if measurements else None
        """The last step recorded when this object was made: a worker resumed after a
        restart reports again the steps its earlier run recorded."""
        self._skipped_a_step = False

    @property
    def name(self) -> str:
        return self.proto.name

    @property
    def id(self) -> int:
        return self.proto.id

    @property
    def parameters(self) -> dict[str, ParameterValue]:
        """Plain Python values: float, int (INTEGER, and DISCRETE with integral values), str."""
        values = self.proto.parameters
        return {
            name: self.study.python_value(name, values[name])
            for name in self.study.parameter_names
            if name in values
        }

    @property
    def state(self) -> str:
        """ "REQUESTED", "ACTIVE", "STOPPING", "COMPLETED" or "INFEASIBLE"."""
        return trial_pb2.TrialState.Name(self.proto.state).removeprefix("TRIAL_STATE_")

    @property
    def metrics(self) -> dict[str, float]:
        """The final measurement's metrics ({} unless COMPLETED)."""
        return dict(self.proto.final_measurement.metrics)

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.proto.metadata)

    def report(self, metrics: Mapping[str, float], step: int, elapsed_seconds: float = 0.0) -> None:
        """Records an intermediate measurement (steps must increase) and renews the lease.

        A trial handed back to a restarted worker keeps what its earlier run recorded:
        reports of steps up to the last of those are skipped with a warning (as Optuna's
        `Trial.report` skips a step reported before), and the curve goes on after it.
        A skipped report still renews the lease: it sends the last recorded measurement
        again, which the server takes as a resend.

        Raises:
            DivergedError: A value is NaN or infinite (nothing is sent; `with trial:`
                and `optimize` then mark the trial INFEASIBLE).
        """
        for name, value in metrics.items():
            if not math.isfinite(value):
                raise DivergedError(f"{name} = {value} at step {step}: the run diverged")
        if self._recorded_through is not None and step <= self._recorded_through:
            if not self._skipped_a_step:
                warnings.warn(
                    f"trial {self.name} was resumed with steps up to {self._recorded_through} "
                    "recorded by this worker's earlier run: reports of those steps are skipped",
                    stacklevel=2,
                )
            self._skipped_a_step = True
            self._add_measurement(self.proto.measurements[-1])
            return
        self._add_measurement(
            trial_pb2.Measurement(metrics=dict(metrics), step=step, elapsed_seconds=elapsed_seconds)
        )

    def _add_measurement(self, measurement: trial_pb2.Measurement) -> None:
        request = study_service_pb2.AddTrialMeasurementRequest(
            name=self.name, measurement=measurement, client_id=self.proto.client_id
        )
        self.proto = self._fenced(self._rpcs.add_trial_measurement, request).trial

    def complete(self, metrics: Mapping[str, float] | None = None) -> None:
        """Finishes the trial with `metrics`, or with its last reported measurement."""
        request = study_service_pb2.CompleteTrialRequest(
            name=self.name, client_id=self.proto.client_id
        )
        if metrics is not None:
            request.final_measurement.metrics.update(metrics)
        self.proto = self._fenced(self._rpcs.complete_trial, request).trial

    def complete_infeasible(self, reason: str = "") -> None:
        """Finishes the trial as INFEASIBLE: the algorithms avoid such configurations."""
        request = study_service_pb2.CompleteTrialRequest(
            name=self.name,
            trial_infeasible=True,
            infeasibility_reason=_printable(reason)[:MAX_REASON_LENGTH],
            client_id=self.proto.client_id,
        )
        self.proto = self._fenced(self._rpcs.complete_trial, request).trial

    def should_stop(self) -> bool:
        """Whether the training loop should stop this trial now (then complete it: with
        no metrics, its last reported measurement is used). Asks the server, which
        applies the study's early-stopping policy; a STOPPING trial answers True.
        True too once this worker lost the trial (`lease_lost`): then drop it."""
        if self.proto.state == trial_pb2.TRIAL_STATE_STOPPING or self.lease_lost:
            return True
        request = study_service_pb2.CheckTrialEarlyStoppingRequest(
            name=self.name, client_id=self.proto.client_id
        )
        response = self._rpcs.check_trial_early_stopping(request)
        self.stop_reason = response.reason
        if response.lease_lost:
            self.lease_lost = True
            return True
        self.proto = response.trial
        return bool(response.should_stop)

    def stop(self) -> None:
        """Asks this trial's worker to stop it (it becomes STOPPING)."""
        request = study_service_pb2.StopTrialRequest(name=self.name)
        self.proto = self._rpcs.stop_trial(request).trial

    def refresh(self) -> Trial:
        request = study_service_pb2.GetTrialRequest(name=self.name)
        self.proto = self._rpcs.get_trial(request).trial
        return self

    def __enter__(self) -> Trial:
        return self

    @property
    def _rpcs(self) -> StudyServiceRpcs:
        return self.study.client.study_service

    def _fenced(self, call: Callable[[R], T], request: R) -> T:
        """`call(request)`, unless this worker lost the trial (then LeaseLostError)."""
        if self.lease_lost:
            raise LeaseLostError(f"trial {self.name} went to another worker; drop it")
        try:
            return call(request)
        except LeaseLostError:
            self.lease_lost = True
            raise

    def __exit__(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> bool:
        """Marks the trial infeasible if the evaluation raised; drops a lost trial.

        Only errors of the evaluation mark the trial. A `SibylError` is the service's,
        not the configuration's: it propagates and the trial stays ACTIVE (this worker
        resumes it, or its lease expires). On Ctrl-C (KeyboardInterrupt) the same. A
        trial this worker lost to another (`LeaseLostError`) is dropped silently.
        """
        if isinstance(exc, LeaseLostError) or (exc is None and self.lease_lost):
            return True
        if isinstance(exc, SibylError) or not isinstance(exc, Exception) or self.lease_lost:
            return False
        if self.state in ("ACTIVE", "STOPPING", "REQUESTED"):
            with contextlib.suppress(LeaseLostError):  # the user's error matters more
                self.complete_infeasible(f"{type(exc).__name__}: {exc}")
        return False

    def __repr__(self) -> str:
        return f"Trial({self.name!r}, state={self.state}, parameters={self.parameters})"


MAX_REASON_LENGTH = 4096


def _printable(text: str) -> str:
    """`text` with control characters other than tabs and line breaks escaped (as the
    server requires): an exception's message may carry terminal colour codes; lone
    surrogates too (a file name decoded with `surrogateescape`), which protobuf cannot
    encode."""
    return "".join(
        c if c in "\t\n\r" or unicodedata.category(c) not in ("Cc", "Cs") else repr(c)[1:-1]
        for c in text
    )


_TIME_COLUMNS = ("create_time", "start_time", "complete_time")
_TRIAL_COLUMNS = ("infeasibility_reason", "client_id", *_TIME_COLUMNS)


def _row(trial: Trial) -> dict[str, Any]:
    """One trial as `Study.to_dataframe` shows it."""
    proto = trial.proto
    return {
        "id": trial.id,
        "state": trial.state,
        **{f"params_{name}": value for name, value in trial.parameters.items()},
        **{f"metrics_{name}": value for name, value in trial.metrics.items()},
        "infeasibility_reason": proto.infeasibility_reason,
        "client_id": proto.client_id,
        **{
            column: getattr(proto, column).ToDatetime(timezone.utc)
            if proto.HasField(column)
            else None
            for column in _TIME_COLUMNS
        },
    }


class _ValueCodec:
    """Python values <-> ParameterValue, following each parameter's type in the spec."""

    def __init__(self, spec: study_pb2.StudySpec) -> None:
        self._kinds = {p.name: p.WhichOneof("domain") for p in spec.parameters}
        self._integral_discrete = {
            p.name
            for p in spec.parameters
            if p.HasField("discrete_values")
            and all(float(v).is_integer() for v in p.discrete_values.values)
        }

    def to_python(self, name: str, value: trial_pb2.ParameterValue) -> ParameterValue:
        kind = value.WhichOneof("kind")
        result: ParameterValue = getattr(value, kind) if kind else 0.0
        if name in self._integral_discrete:
            return int(result)
        return result

    def to_proto(self, parameters: Mapping[str, ParameterValue]) -> dict[str, Any]:
        result = {}
        for name, value in parameters.items():
            kind = self._kinds.get(name)
            if kind == "categorical_values" or isinstance(value, str):
                result[name] = trial_pb2.ParameterValue(string_value=str(value))
            elif kind == "integer_range" and float(value).is_integer():
                result[name] = trial_pb2.ParameterValue(int_value=int(value))
            else:
                result[name] = trial_pb2.ParameterValue(double_value=float(value))
        return result


def enum_names(enum: Any, prefix: str) -> tuple[str, ...]:
    """The names of a proto enum's values without `prefix`, its unset zero left out."""
    return tuple(name.removeprefix(prefix) for name, number in enum.items() if number != 0)


TRIAL_STATES = enum_names(trial_pb2.TrialState, "TRIAL_STATE_")


def _trial_state(state: str) -> int:
    if state.upper() not in TRIAL_STATES:
        raise ValueError(f"a trial state is one of {', '.join(TRIAL_STATES)}, not {state!r}")
    return trial_pb2.TrialState.Value("TRIAL_STATE_" + state.upper())
