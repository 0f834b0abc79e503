"""Optuna with Sibyl choosing the parameters: change the sampler, keep the script.

    from sibyl.integrations.optuna import SibylPruner, SibylSampler

    study = optuna.create_study(
        direction="minimize",
        sampler=SibylSampler("localhost:50051"),        # the one changed line
        pruner=SibylPruner(sibyl.MedianStopping(min_step=2)),  # optional: Sibyl's early stopping
    )
    study.optimize(objective, n_trials=50)

Define-by-run spaces work as with Optuna's own relative samplers (CMA-ES, GP): the
first trial's parameters are drawn by an independent sampler (random by default); from
then on, the parameters that every finished trial has (Optuna's intersection search
space) are suggested by a Sibyl study, and any other parameter (a conditional branch,
a parameter added later) by the independent sampler. Sibyl studies have a fixed space,
so each distinct intersection space gets its own study (`<name>-<hash>`), created on
first use with the Optuna study's finished trials added as results. A space given
upfront (`search_space=`) skips all that. Several processes sharing an Optuna storage
share the Sibyl studies too (same study name, same space, same Sibyl study).

Pruning: with `SibylPruner`, `trial.report(value, step)` values are sent to the Sibyl
trial and `trial.should_prune()` asks the study's early-stopping policy. A pruned trial
finishes in Sibyl with its last reported value, as Sibyl's own early stopping does.

Not supported: `constraints_func` (Optuna's soft constraints; Sibyl has outcome
constraints, but this sampler does not map them), pruning in multi-objective studies
(Optuna does not support it either), pruning before the Sibyl study exists (the first
trial, and the first trial of each new intersection space), `enqueue_trial` values
outside the Sibyl space (they are evaluated, but Sibyl learns only from trials it
suggested or that were finished when its study was created), and Optuna pruners
other than `SibylPruner` informing Sibyl (they still prune; Sibyl records such a
trial with its last value).

Studies: each Optuna study gets its own Sibyl studies, even when one sampler serves
several (the study's name is part of the Sibyl study id's hash). `reseed_rng()`, which
Optuna calls before each trial of `n_jobs > 1`, reseeds the independent sampler only:
the threads share the Sibyl studies, which give each of them a different trial.

Pickling: samplers and pruners pickle as Optuna's do; an unpickled sampler connects again
(to the same address, or to the server its original started) when first used, and
knows nothing of the trials its original was running.

Without an address, a Sibyl server is started in this process on a temporary SQLite
file (`pip install 'sibyl[server]'`); `close()` stops it and deletes the file, and so
does the interpreter's exit for a sampler that was never closed.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.pruners import BasePruner
from optuna.samplers import BaseSampler, RandomSampler
from optuna.search_space import IntersectionSearchSpace
from optuna.study import Study as OptunaStudy
from optuna.study import StudyDirection
from optuna.trial import FrozenTrial, TrialState

from sibyl.client import Client, connect
from sibyl.errors import AlreadyExistsError, LeaseLostError
from sibyl.integrations._choices import Choices, sibyl_name
from sibyl.spec import Discrete, Double, Integer, Metric, Parameter, StudySpec
from sibyl.spec import StoppingPolicy as SibylStoppingPolicy
from sibyl.study import Study, Trial

MAX_DISCRETE_VALUES = 10_000


class SibylPruner(BasePruner):
    """Prunes trials when the Sibyl study's early-stopping policy says so.

    Args:
        policy: `sibyl.MedianStopping`, `sibyl.SuccessiveHalving` or
            `sibyl.LearningCurveStopping`: the policy of the Sibyl studies that a
            `SibylSampler` creates (unless the sampler is given one itself).

    Needs the study's sampler to be a `SibylSampler`.
    """

    def __init__(self, policy: SibylStoppingPolicy | None = None) -> None:
        self.policy = policy

    def prune(self, study: OptunaStudy, trial: FrozenTrial) -> bool:
        sampler = study.sampler
        if not isinstance(sampler, SibylSampler):
            raise TypeError("SibylPruner needs the study's sampler to be a SibylSampler")
        return sampler.should_stop(trial, study)


class SibylSampler(BaseSampler):
    """An Optuna sampler whose suggestions come from Sibyl studies.

    Args:
        address: host:port of a Sibyl server; None starts one in this process.
        study_id: Prefix of the Sibyl study ids (lowercase letters, digits, '-'); None:
            derived from the Optuna study's name.
        search_space: The full space as Optuna distributions, if known upfront; None
            infers it from finished trials (define-by-run).
        algorithm: The Sibyl studies' algorithm ("gp_bandit" by default).
        seed: Seed of the Sibyl studies and of the independent sampler.
        early_stopping: The Sibyl studies' early-stopping policy; None takes the
            `SibylPruner`'s, if the Optuna study has one.
        independent_sampler: Draws the parameters outside the Sibyl space; None:
            `optuna.samplers.RandomSampler(seed)`.
        connect_options: Keyword arguments of `sibyl.connect` (team, token, tls, ...).
    """

    def __init__(
        self,
        address: str | None = None,
        study_id: str | None = None,
        *,
        search_space: Mapping[str, BaseDistribution] | None = None,
        algorithm: str = "gp_bandit",
        seed: int | None = None,
        early_stopping: SibylStoppingPolicy | None = None,
        independent_sampler: BaseSampler | None = None,
        connect_options: dict[str, Any] | None = None,
    ) -> None:
        self.address = address
        self.study_id = study_id
        self.search_space = dict(search_space) if search_space is not None else None
        self.algorithm = algorithm
        self.seed = seed
        self.early_stopping = early_stopping
        self.independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self.connect_options = dict(connect_options or {})
        self._intersection = IntersectionSearchSpace(include_pruned=True)
        self._reset_connection()

    def _reset_connection(self) -> None:
        """No client, server or open Sibyl study yet: they are made when first needed."""
        self._lock = threading.RLock()
        self._client: Client | None = None
        self._server: Any = None
        self._server_address: str | None = None
        self._stop_server: weakref.finalize | None = None
        self._spaces: dict[str, _Space] = {}
        self._trials: dict[tuple[str, int], tuple[_Space, Trial, int]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """The settings, without the connection, the lock and the running trials."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["_intersection"] = self._intersection
        state["_server_address"] = self._server_address  # the copy uses its original's server
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        server_address = state.pop("_server_address", None)
        self.__dict__.update(state)
        self._reset_connection()
        self._server_address = server_address

    # The sampler interface ---------------------------------------------------------------

    def infer_relative_search_space(
        self, study: OptunaStudy, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if self.search_space is not None:
            space = self.search_space
        else:
            space = self._intersection.calculate(study)
        return {name: d for name, d in sorted(space.items()) if not d.single()}

    def sample_relative(
        self, study: OptunaStudy, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        space = self._space(study, search_space)
        client_id = f"{self._connected().client_id}-{trial.number}"[-128:]
        suggested = space.study.suggest(client_id=client_id)
        if not suggested:  # the Sibyl study is complete: Optuna decides when to stop
            return {}
        with self._lock:
            self._trials[_key(study, trial)] = (space, suggested[0], -1)
        return space.decode(suggested[0].parameters)

    def sample_independent(
        self,
        study: OptunaStudy,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return self.independent_sampler.sample_independent(
            study, trial, param_name, param_distribution
        )

    def before_trial(self, study: OptunaStudy, trial: FrozenTrial) -> None:
        self.independent_sampler.before_trial(study, trial)

    def after_trial(
        self,
        study: OptunaStudy,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self.independent_sampler.after_trial(study, trial, state, values)
        with self._lock:
            entry = self._trials.pop(_key(study, trial), None)
        if entry is None:
            return
        space, sibyl_trial, _ = entry
        with contextlib.suppress(LeaseLostError):  # another worker's now, which finishes it
            if not space.evaluated_as_suggested(trial, sibyl_trial):
                sibyl_trial.complete_infeasible(
                    "the objective did not use the suggested values (another branch, or "
                    "other distributions)"
                )
                return
            _finish(sibyl_trial, space, trial, state, values)

    def reseed_rng(self) -> None:
        """A new seed for the independent sampler. The Sibyl studies stay: Optuna calls
        this before every trial of `n_jobs > 1`, whose threads share them (a new seed
        there opened a new Sibyl study per trial, warm-started from all the others)."""
        self.independent_sampler.reseed_rng()

    # Pruning -----------------------------------------------------------------------------

    def should_stop(self, trial: FrozenTrial, study: OptunaStudy) -> bool:
        """Sends `trial`'s new intermediate values to its Sibyl trial, then asks whether
        the study's early-stopping policy stops it. False when Sibyl did not suggest it."""
        key = _key(study, trial)
        with self._lock:
            entry = self._trials.get(key)
        if entry is None:
            return False
        space, sibyl_trial, last_step = entry
        metric = space.metrics[0]
        try:
            for step in sorted(s for s in trial.intermediate_values if s > last_step):
                value = float(trial.intermediate_values[step])
                if math.isfinite(value):  # Sibyl keeps finite values; a diverged run ends
                    sibyl_trial.report({metric: value}, step=step)  # infeasible
                last_step = step
        except LeaseLostError:
            return True  # another worker has the trial now: prune this run of it
        finally:
            with self._lock:
                self._trials[key] = (space, sibyl_trial, last_step)
        return last_step >= 0 and sibyl_trial.should_stop()

    # Sibyl studies -----------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connection, and stops the server started here, if any."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
            if self._stop_server is not None:
                self._stop_server()
                self._server = self._stop_server = self._server_address = None

    def _connected(self) -> Client:
        with self._lock:
            if self._client is None:
                address = self.address or self._server_address or self._start_server()
                self._client = connect(address, **self.connect_options)
            return self._client

    def _start_server(self) -> str:
        from sibyl.local_server import TemporaryServer

        self._server = TemporaryServer()
        self._server_address = self._server.address
        # At exit (or when the sampler is collected) if close() was not called: the
        # server's temporary folder would outlive the process otherwise.
        self._stop_server = weakref.finalize(self, self._server.stop)
        return self._server_address

    def _space(self, study: OptunaStudy, distributions: dict[str, BaseDistribution]) -> _Space:
        # The study's name and the seed are part of the key, so that one sampler never
        # feeds two Optuna studies (or two seeds) into one Sibyl study.
        key = repr(sorted(distributions.items())) + repr(study.directions)
        key += f"|{study.study_name}|{self.seed}"
        with self._lock:
            if key not in self._spaces:
                self._spaces[key] = self._open(study, distributions, key)
            return self._spaces[key]

    def _open(self, study: OptunaStudy, distributions: dict[str, BaseDistribution], key: str):
        space = _Space(distributions, study.directions)
        prefix = self.study_id or _study_id(study.study_name)
        study_id = f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
        pruner = study.pruner
        policy = self.early_stopping or getattr(pruner, "policy", None)
        spec = StudySpec(
            parameters=space.parameters,
            metrics=[Metric(m, goal=g) for m, g in zip(space.metrics, space.goals, strict=True)],
            algorithm=self.algorithm,
            seed=self.seed,
            early_stopping=policy,
        )
        client = self._connected()
        try:
            space.study = client.create_study(study_id, spec, display_name=study.study_name)
        except AlreadyExistsError:  # another process of this Optuna study made it
            space.study = client.create_or_load_study(study_id, spec)
            return space
        for trial in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if space.covers(trial):
                values = dict(zip(space.metrics, trial.values, strict=True))
                if all(map(math.isfinite, values.values())):
                    space.study.add_trial(space.encode(trial.params), values)
                else:
                    reason = f"the objective returned {_non_finite(values)}"
                    space.study.add_trial(space.encode(trial.params), infeasible_reason=reason)
        return space


def _finish(
    sibyl_trial: Trial,
    space: _Space,
    trial: FrozenTrial,
    state: TrialState,
    values: Sequence[float] | None,
) -> None:
    # Optuna records an objective's inf as COMPLETE (only NaN fails the trial); Sibyl
    # takes finite values only, and such a configuration is one to avoid.
    if state == TrialState.COMPLETE and values is not None:
        metrics = dict(zip(space.metrics, map(float, values), strict=True))
        if all(map(math.isfinite, metrics.values())):
            sibyl_trial.complete(metrics)
        else:
            sibyl_trial.complete_infeasible(f"the objective returned {_non_finite(metrics)}")
    elif state == TrialState.PRUNED and trial.intermediate_values:
        last = float(trial.intermediate_values[max(trial.intermediate_values)])
        if math.isfinite(last):
            sibyl_trial.complete({space.metrics[0]: last})
        else:
            sibyl_trial.complete_infeasible(f"pruned at {space.metrics[0]} = {last}")
    elif state == TrialState.PRUNED:
        sibyl_trial.complete_infeasible("pruned before reporting a value")
    else:
        sibyl_trial.complete_infeasible(f"the Optuna trial ended {state.name}")


def _non_finite(metrics: dict[str, float]) -> str:
    """The metrics that are NaN or infinite, as `loss = inf, ...`."""
    bad = {name: value for name, value in metrics.items() if not math.isfinite(value)}
    return ", ".join(f"{name} = {value}" for name, value in bad.items())


def _key(study: OptunaStudy, trial: FrozenTrial) -> tuple[str, int]:
    """A running trial, told apart from those of another study the sampler serves."""
    return study.study_name, trial._trial_id


def _study_id(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:40].strip("-")
    return cleaned if cleaned[:1].isalpha() else f"optuna-{cleaned}".strip("-")[:40]


class _Space:
    """Optuna distributions as Sibyl parameters, and values both ways."""

    study: Study

    def __init__(
        self, distributions: dict[str, BaseDistribution], directions: list[StudyDirection]
    ) -> None:
        self.distributions = distributions
        taken: set[str] = set()
        self.names = {name: sibyl_name(name, taken) for name in distributions}
        self.choices: dict[str, Choices] = {}
        self.parameters = [self._parameter(n, d) for n, d in distributions.items()]
        several = len(directions) > 1
        self.metrics = [f"value_{i}" if several else "value" for i in range(len(directions))]
        self.metrics = [sibyl_name(m, taken) for m in self.metrics]
        maximize = StudyDirection.MAXIMIZE
        self.goals = ["maximize" if d == maximize else "minimize" for d in directions]

    def _parameter(self, name: str, distribution: BaseDistribution) -> Parameter:
        sname = self.names[name]
        if isinstance(distribution, CategoricalDistribution):
            self.choices[name] = Choices(distribution.choices)
            return self.choices[name].parameter(sname)
        if isinstance(distribution, IntDistribution) and distribution.step == 1:
            scale = "log" if distribution.log else "linear"
            return Integer(sname, distribution.low, distribution.high, scale=scale)
        if isinstance(distribution, FloatDistribution) and distribution.step is None:
            scale = "log" if distribution.log else "linear"
            return Double(sname, distribution.low, distribution.high, scale=scale)
        if isinstance(distribution, (IntDistribution, FloatDistribution)):
            low, high, step = distribution.low, distribution.high, distribution.step
            count = int(round((high - low) / step)) + 1
            if count > MAX_DISCRETE_VALUES:
                return Double(sname, low, high)
            return Discrete(sname, [low + k * step for k in range(count)])
        raise TypeError(f"parameter {name!r}: unsupported distribution {distribution!r}")

    def decode(self, values: Mapping[str, Any]) -> dict[str, Any]:
        result = {}
        for name, distribution in self.distributions.items():
            value = values[self.names[name]]
            if name in self.choices:
                result[name] = self.choices[name].decode(value)
            else:
                result[name] = _within(distribution, value)
        return result

    def encode(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {
            self.names[name]: self.choices[name].encode(params[name])
            if name in self.choices
            else params[name]
            for name in self.distributions
        }

    def covers(self, trial: FrozenTrial) -> bool:
        """Whether `trial` has every parameter of the space, with the same distribution."""
        return all(
            trial.distributions.get(name) == distribution
            for name, distribution in self.distributions.items()
        )

    def evaluated_as_suggested(self, trial: FrozenTrial, sibyl_trial: Trial) -> bool:
        suggested = self.decode(sibyl_trial.parameters)
        return self.covers(trial) and all(
            _same(trial.params[name], value) for name, value in suggested.items()
        )


def _within(distribution: BaseDistribution, value: Any) -> Any:
    """`value` in the distribution's type and bounds (a log round trip may leave them)."""
    if isinstance(distribution, IntDistribution):
        return min(max(int(round(float(value))), distribution.low), distribution.high)
    assert isinstance(distribution, FloatDistribution)
    value = min(max(float(value), distribution.low), distribution.high)
    if distribution.step is not None:
        k = round((value - distribution.low) / distribution.step)
        value = min(distribution.low + k * distribution.step, distribution.high)
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return bool(abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a))))
    return bool(a == b)
