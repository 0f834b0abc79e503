"""`SibylSearch`: a Ray Tune searcher whose configurations come from a Sibyl study.

    from sibyl.integrations.ray import SibylSearch

    tuner = tune.Tuner(
        train_fn,
        param_space={"lr": tune.loguniform(1e-4, 1e-1), "layers": tune.randint(1, 5),
                     "optimizer": tune.choice(["sgd", "adam"]), "epochs": 10},
        tune_config=tune.TuneConfig(
            search_alg=SibylSearch(address="localhost:50051"),
            metric="loss", mode="min", num_samples=50, max_concurrent_trials=4,
        ),
    )
    tuner.fit()

Each Tune trial is one Sibyl trial: `suggest` asks the study (Tune's concurrent trials
are all pending there, so they spread out), every reported result whose metric is
present is sent as an intermediate measurement (which also renews the trial's lease),
and `on_trial_complete` completes it with the last result, or makes it infeasible if the
trial errored or never reported the metric. `points_to_evaluate` are queued in the study
(they run first). `save` / `restore` keep the study's name and the running trials, so a
restored experiment continues the same study: that needs a server that outlives the
process (an `address`).

Search spaces: `tune.uniform`, `loguniform`, `quniform`, `randint`, `lograndint`,
`qrandint`, `choice` and constants, nested dicts included. Not supported: `grid_search`,
`sample_from` and functions, `randn`/normal distributions (unbounded), and Sibyl's
early-stopping policies (use a Tune scheduler such as ASHA to stop trials early).

Without an address, a Sibyl server is started in the driver process on a temporary
SQLite file (`pip install 'sibyl[server]'`); `close()` stops it.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import uuid
from collections.abc import Mapping
from typing import Any

from ray.tune.search import Searcher
from ray.tune.search.sample import (
    Categorical as RayCategorical,
)
from ray.tune.search.sample import (
    Domain,
    Float,
    LogUniform,
    Quantized,
    Uniform,
)
from ray.tune.search.sample import (
    Integer as RayInteger,
)
from ray.tune.search.variant_generator import parse_spec_vars
from ray.tune.utils.util import flatten_dict, unflatten_dict

from sibyl.client import Client, connect
from sibyl.errors import LeaseLostError
from sibyl.integrations._choices import Choices, sibyl_name
from sibyl.spec import Discrete, Double, Integer, Metric, Parameter, StudySpec
from sibyl.study import Study, Trial

MAX_DISCRETE_VALUES = 10_000


class SibylSearch(Searcher):
    """A Ray Tune `Searcher` backed by a Sibyl study.

    Args:
        space: The search space as a Tune param_space dict; None takes the Tuner's.
        metric: The metric to optimize; None takes the TuneConfig's.
        mode: "min" or "max"; None takes the TuneConfig's.
        address: host:port of a Sibyl server; None starts one in this process.
        study_id: The Sibyl study to create or join; None makes a new one (`tune-<hex>`).
        algorithm: The study's algorithm ("gp_bandit" by default).
        seed: The study's seed.
        points_to_evaluate: Configurations to try first (flat or nested dicts).
        connect_options: Keyword arguments of `sibyl.connect` (team, token, tls, ...).
    """

    def __init__(
        self,
        space: dict[str, Any] | None = None,
        metric: str | None = None,
        mode: str | None = None,
        *,
        address: str | None = None,
        study_id: str | None = None,
        algorithm: str = "gp_bandit",
        seed: int | None = None,
        points_to_evaluate: list[dict[str, Any]] | None = None,
        connect_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(metric=metric, mode=mode)
        self.address = address
        self.study_id = study_id or f"tune-{uuid.uuid4().hex[:16]}"
        self.algorithm = algorithm
        self.seed = seed
        self.points_to_evaluate = list(points_to_evaluate or [])
        self.connect_options = dict(connect_options or {})
        self._config: dict[str, Any] | None = space
        self._running: dict[str, int] = {}  # Tune trial id -> Sibyl trial id
        self._last_step: dict[str, int] = {}
        self._finished = False
        self._live: _Live | None = None

    # The Searcher interface --------------------------------------------------------------

    def set_search_properties(
        self, metric: str | None, mode: str | None, config: dict[str, Any], **spec: Any
    ) -> bool:
        self._metric = self._metric or metric
        self._mode = self._mode or mode
        if self._live is not None or (self._config and config):
            return False  # a space of its own: Tune refuses a second one with domains
        self._config = self._config or config
        return True

    def suggest(self, trial_id: str) -> dict[str, Any] | str | None:
        live = self._connected()
        client_id = f"{live.client.client_id}-{trial_id}"[-128:]
        trials = live.study.suggest(client_id=client_id)
        if not trials:
            self._finished = True
            return Searcher.FINISHED
        self._running[trial_id] = trials[0].id
        live.trials[trials[0].id] = trials[0]
        return live.space.config(trials[0].parameters)

    def on_trial_result(self, trial_id: str, result: dict[str, Any]) -> None:
        trial = self._trial(trial_id)
        value = result.get(self.metric) if trial else None
        if trial is None or not _finite(value):
            return
        step = int(result.get("training_iteration", self._last_step.get(trial_id, 0) + 1))
        if step > self._last_step.get(trial_id, -1):
            with contextlib.suppress(LeaseLostError):  # another worker's now; Tune goes on
                trial.report({self._live_metric(): float(value)}, step=step)
            self._last_step[trial_id] = step

    def on_trial_complete(
        self, trial_id: str, result: dict[str, Any] | None = None, error: bool = False
    ) -> None:
        trial = self._trial(trial_id)
        self._running.pop(trial_id, None)
        self._last_step.pop(trial_id, None)
        if trial is None or trial.state in ("COMPLETED", "INFEASIBLE"):
            return
        value = (result or {}).get(self.metric)
        with contextlib.suppress(LeaseLostError):  # another worker's now, which finishes it
            if error or not _finite(value):
                reason = "the trial errored" if error else f"no finite {self.metric} reported"
                trial.complete_infeasible(reason)
            else:
                trial.complete({self._live_metric(): float(value)})

    def get_state(self) -> dict[str, Any]:
        return {
            "metric": self._metric,
            "mode": self._mode,
            "config": self._config,
            "address": self.address,
            "study_id": self.study_id,
            "algorithm": self.algorithm,
            "seed": self.seed,
            "running": dict(self._running),
            "last_step": dict(self._last_step),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        self.close()
        self._metric, self._mode, self._config = state["metric"], state["mode"], state["config"]
        self.address, self.study_id = state["address"], state["study_id"]
        self.algorithm, self.seed = state["algorithm"], state["seed"]
        self._running, self._last_step = state["running"], state["last_step"]
        self.points_to_evaluate = []  # already queued in the study

    def save(self, checkpoint_path: str) -> None:
        with open(checkpoint_path, "wb") as handle:
            pickle.dump(self.get_state(), handle)

    def restore(self, checkpoint_path: str) -> None:
        with open(checkpoint_path, "rb") as handle:
            self.set_state(pickle.load(handle))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_live"] = None  # connections do not travel; the next call reconnects
        return state

    # Sibyl -------------------------------------------------------------------------------

    @property
    def study_name(self) -> str | None:
        """The Sibyl study's resource name, once it exists."""
        return self._live.study.name if self._live else None

    def close(self) -> None:
        """Closes the connection, and stops the server started here, if any."""
        if self._live is not None:
            self._live.close()
            self._live = None

    def _trial(self, trial_id: str) -> Trial | None:
        number = self._running.get(trial_id)
        if number is None:
            return None
        live = self._connected()
        if number not in live.trials:  # restored from a checkpoint
            live.trials[number] = live.study.get_trial(number)
        return live.trials[number]

    def _live_metric(self) -> str:
        return self._connected().metric

    def _connected(self) -> _Live:
        if self._live is None:
            if not self._config or not self.metric or not self.mode:
                raise ValueError(
                    "SibylSearch needs a search space, a metric and a mode: give them here "
                    "or in the Tuner (param_space, TuneConfig(metric=..., mode=...))"
                )
            self._live = _Live(self)
        return self._live


class _Live:
    """The connection, the study and the space of a SibylSearch, made on first use."""

    def __init__(self, search: SibylSearch) -> None:
        self.server: Any = None
        address = search.address
        if address is None:
            from sibyl.local_server import TemporaryServer

            self.server = TemporaryServer()
            address = self.server.address
        self.client: Client = connect(address, **search.connect_options)
        self.trials: dict[int, Trial] = {}
        self.space = _Space(search._config or {})
        taken = set(self.space.names.values())
        self.metric = sibyl_name(str(search.metric), taken)
        spec = StudySpec(
            parameters=self.space.parameters,
            metrics=[Metric(self.metric, goal="maximize" if search.mode == "max" else "minimize")],
            algorithm=search.algorithm,
            seed=search.seed,
        )
        self.study: Study = self.client.create_or_load_study(search.study_id, spec)
        for point in search.points_to_evaluate:
            self.study.add_trial(self.space.encode(point))
        search.points_to_evaluate = []

    def close(self) -> None:
        self.client.close()
        if self.server is not None:
            self.server.stop()


class _Space:
    """A Tune param_space as Sibyl parameters, and Sibyl values back as Tune configs."""

    def __init__(self, config: dict[str, Any]) -> None:
        _, _, grid = parse_spec_vars(config)
        if grid:
            raise ValueError("SibylSearch does not support tune.grid_search: use tune.choice")
        flat = flatten_dict(config, prevent_delimiter=True)
        self.constants = {k: v for k, v in flat.items() if not isinstance(v, Domain)}
        domains = {k: v for k, v in flat.items() if isinstance(v, Domain)}
        if not domains:
            raise ValueError("the search space has nothing to search (no tune.* domain)")
        taken: set[str] = set()
        self.names = {key: sibyl_name(key.replace("/", "."), taken) for key in domains}
        self.decoders: dict[str, Any] = {}
        self.encoders: dict[str, Any] = {}
        self.parameters = [self._parameter(k, d) for k, d in domains.items()]

    def _parameter(self, key: str, domain: Domain) -> Parameter:
        name, sampler = self.names[key], domain.get_sampler()
        quantum = sampler.q if isinstance(sampler, Quantized) else None
        base = sampler.sampler if isinstance(sampler, Quantized) else sampler
        if isinstance(domain, RayCategorical):
            choices = Choices(domain.categories)
            self.decoders[key], self.encoders[key] = choices.decode, choices.encode
            return choices.parameter(name)
        if not isinstance(base, (Uniform, LogUniform)):
            raise ValueError(f"{key}: {type(base).__name__} sampling is not supported (unbounded)")
        scale = "log" if isinstance(base, LogUniform) else "linear"
        if isinstance(domain, RayInteger):
            high = domain.upper if quantum else domain.upper - 1  # Tune: exclusive unless q
            if quantum:
                return self._grid(key, name, int(domain.lower), int(high), int(quantum), int)
            self.decoders[key] = self.encoders[key] = int
            return Integer(name, int(domain.lower), int(high), scale=scale)
        if isinstance(domain, Float) and quantum:
            return self._grid(key, name, domain.lower, domain.upper, float(quantum), float)
        if isinstance(domain, Float):
            low, high = domain.lower, domain.upper
            self.decoders[key] = lambda v: min(max(float(v), low), high)
            self.encoders[key] = float
            return Double(name, low, high, scale=scale)
        raise ValueError(f"{key}: {type(domain).__name__} is not supported")

    def _grid(
        self, key: str, name: str, low: float, high: float, q: float, kind: type
    ) -> Parameter:
        first, last = math.ceil(low / q), math.floor(high / q)
        if last - first + 1 > MAX_DISCRETE_VALUES:
            self.decoders[key] = lambda v: kind(round(float(v) / q) * q)
            self.encoders[key] = float
            return Double(name, first * q, last * q)
        values = [kind(k * q) for k in range(first, last + 1)]
        self.decoders[key], self.encoders[key] = Choices(values).decode, float
        return Discrete(name, sorted({float(v) for v in values}))

    def config(self, values: Mapping[str, Any]) -> dict[str, Any]:
        flat = dict(self.constants)
        for key, name in self.names.items():
            if name in values:
                flat[key] = self.decoders[key](values[name])
        return unflatten_dict(flat)

    def encode(self, point: Mapping[str, Any]) -> dict[str, Any]:
        flat = flatten_dict(dict(point), prevent_delimiter=True)
        return {name: self.encoders[key](flat[key]) for key, name in self.names.items()}


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
