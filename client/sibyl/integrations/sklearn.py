"""`SibylSearchCV`: GridSearchCV / RandomizedSearchCV with Bayesian optimization behind it.

    from scipy.stats import loguniform
    from sibyl.integrations.sklearn import SibylSearchCV

    search = SibylSearchCV(
        SVC(),
        {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1), "kernel": ["rbf", "poly"]},
        n_iter=30, cv=3, n_jobs=2, random_state=0,
    )
    search.fit(X, y)
    search.best_params_, search.best_score_, search.predict(X_test)

Everything after `fit` is scikit-learn's own `BaseSearchCV`: `cv_results_` with the
standard keys (plus `sibyl_trial`, the trial of each candidate), `best_params_`,
`best_score_`, `best_index_`, `best_estimator_`, `refit`, multi-metric `scoring`,
`error_score`, `return_train_score`, and `predict` / `score` / ... delegated to the best
estimator. Only the choice of candidates differs: each comes from a Sibyl study.

Parameter spaces: a dict (or a list of dicts, searched as one conditional space) from
parameter names to scipy.stats distributions (`loguniform`, `uniform`, `randint`; any
other distribution with finite support is searched uniformly over that support), lists
of values (numbers are searched as ordered values, anything else as categories; the
very objects listed are passed to the estimator), or Sibyl parameters
(`sibyl.Double("C", 1e-2, 1e3, scale="log")`, whose name is replaced by the key).

Parallelism: each round asks the study for as many trials as `n_jobs` workers (the
server sees all of them as pending, so they spread out) and evaluates their candidates
x folds on `n_jobs` joblib workers. Several processes given the same `address` and
`study_id` share one study: the budget `n_iter` counts all of their trials, and each
process's `cv_results_` holds the trials it ran.

A grid: `SibylSearchCV(estimator, param_grid={...})`, or `SibylGridSearchCV`, which has
GridSearchCV's signature, evaluates every candidate of a grid (lists of values) once,
in a Sibyl study with the "grid_search" algorithm; with `n_iter` below the grid's size,
Sibyl's default algorithm picks which candidates to evaluate.

Studies: `study_id` names the study to create or join, which is kept. Without it, each
`fit` creates one named from the estimator (`svc-<hex>`, `pipeline-svc-<hex>`) and
deletes it when `fit` returns, unless `keep_study=True`; `study_name_` names it.

Progress: on a terminal, a bar with the candidates evaluated, the time left and the
best score (`progress_bar=False` hides it; needs tqdm, `pip install 'sibyl[sklearn]'`).

Without `address`, `fit` starts a Sibyl server in this process on a temporary SQLite
file, deleted when `fit` returns (`pip install 'sibyl[server]'`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import numbers
import re
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from joblib import effective_n_jobs
from scipy import stats
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from sibyl.integrations._choices import Choices, sibyl_name
from sibyl.local_server import connect_or_start
from sibyl.optimization import ProgressBar
from sibyl.spec import (
    ALGORITHMS,
    Categorical,
    Discrete,
    Double,
    Integer,
    Metric,
    Parameter,
    StudySpec,
    When,
    _parameter,
)
from sibyl.study import Study, Trial

SPACE = "_space"
"""The Sibyl parameter that picks one dict of a list of parameter dicts."""


class SibylSearchCV(BaseSearchCV):
    """Search over a parameter space with cross-validation, candidates chosen by Sibyl.

    Args:
        estimator: The estimator to tune, as for RandomizedSearchCV.
        param_distributions: A dict (or list of dicts) from parameter names to scipy.stats
            distributions, lists of values or Sibyl parameters (see the module's docstring).
        param_grid: Instead of `param_distributions`: a dict (or list of dicts) from
            parameter names to lists of values, as for GridSearchCV.
        n_iter: Candidates evaluated: the study's trial budget. None: 10, or with
            `param_grid`, every candidate of the grid.
        scoring, n_jobs, refit, cv, verbose, pre_dispatch, error_score, return_train_score:
            As for RandomizedSearchCV. Sibyl maximizes the score (with several scorers,
            the one named by `refit`, or the first one when `refit` is not a name).
            `n_jobs` is also the number of trials asked for at once.
        random_state: Seed of the study's algorithm (int, RandomState or None).
        address: host:port of a Sibyl server; None starts one in this process.
        study_id: The study to create or join; None makes a new one named from the
            estimator (`svc-<hex>`).
        keep_study: Whether the study outlives `fit`; None: kept when `study_id` is given,
            deleted when it was made up.
        algorithm: The study's algorithm: "gp_bandit", "random_search",
            "quasi_random_search" or "grid_search". None: "grid_search" for a whole
            `param_grid`, "gp_bandit" otherwise.
        progress_bar: Whether to draw a progress bar (only ever on a terminal).
        connect_options: Keyword arguments of `sibyl.connect` (team, token, tls, ...).

    Attributes:
        study_name_: The study's resource name (`teams/{team}/studies/{id}`).
        (and every attribute of RandomizedSearchCV: cv_results_, best_params_, ...)
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list, None],
        "param_grid": [dict, list, None],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "address": [str, None],
        "study_id": [str, None],
        "keep_study": ["boolean", None],
        "algorithm": [StrOptions(set(ALGORITHMS)), None],
        "progress_bar": ["boolean"],
        "connect_options": [dict, None],
    }

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        *,
        param_grid: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        n_iter: int | None = None,
        scoring: Any = None,
        n_jobs: int | None = None,
        refit: bool | str | Callable[..., int] = True,
        cv: Any = None,
        verbose: int = 0,
        pre_dispatch: int | str = "2*n_jobs",
        random_state: Any = None,
        error_score: Any = np.nan,
        return_train_score: bool = False,
        address: str | None = None,
        study_id: str | None = None,
        keep_study: bool | None = None,
        algorithm: str | None = None,
        progress_bar: bool = True,
        connect_options: dict[str, Any] | None = None,
    ) -> None:
        self.param_distributions = param_distributions
        self.param_grid = param_grid
        self.n_iter = n_iter
        self.random_state = random_state
        self.address = address
        self.study_id = study_id
        self.keep_study = keep_study
        self.algorithm = algorithm
        self.progress_bar = progress_bar
        self.connect_options = connect_options
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )

    def _run_search(self, evaluate_candidates: Callable[..., dict], *, callback_ctx: Any = None):
        space, budget, algorithm = self._plan()
        batch = max(1, effective_n_jobs(self.n_jobs))
        with (
            connect_or_start(self.address, **(self.connect_options or {})) as client,
            self._study(client, self._spec(space, budget, algorithm)) as study,
            _SearchBar(self.progress_bar, type(self).__name__, budget) as bar,
        ):
            done, evaluated, failure = 0, 0, None
            while done < budget and (trials := study.suggest(count=min(batch, budget - done))):
                error = self._evaluate(study, trials, space, evaluate_candidates)
                evaluated += len(trials) if error is None else 0
                failure = error or failure
                done += len(trials)
                bar.advance(trials)
            if failure is not None and evaluated == 0:
                raise failure  # every fit failed: give up, as GridSearchCV does
            if done == 0:
                raise ValueError(
                    f"study {study.name} suggests no more trials: its budget of "
                    f"{study.proto.spec.max_trials} is spent (an earlier search with this "
                    "study_id). Use another study_id, or raise the study's max_trials"
                )

    def _plan(self) -> tuple[SearchSpace, int, str]:
        """The space, the trial budget and the algorithm of this search."""
        grid = getattr(self, "param_grid", None)
        distributions = getattr(self, "param_distributions", None)
        if (grid is None) == (distributions is None):
            raise ValueError("give exactly one of param_distributions and param_grid")
        if grid is not None:
            _check_grid(grid)
        space = SearchSpace(grid if grid is not None else distributions)
        whole_grid = grid is not None and (self.n_iter is None or self.n_iter >= space.size)
        budget = int(space.size) if whole_grid else space.capped(self.n_iter or 10)
        algorithm = self.algorithm or ("grid_search" if whole_grid else "gp_bandit")
        return space, budget, algorithm

    @contextlib.contextmanager
    def _study(self, client: Any, spec: StudySpec) -> Iterator[Study]:
        """The search's study, deleted at the end unless kept (see `keep_study`)."""
        study_id = self.study_id or _study_id(self.estimator)
        display_name = f"{type(self).__name__} of {_estimator_name(self.estimator)}"[:200]
        study = client.create_or_load_study(study_id, spec, display_name=display_name)
        self.study_name_ = study.name
        keep = self.keep_study if self.keep_study is not None else self.study_id is not None
        try:
            yield study
        finally:
            if not keep:
                study.delete()

    def _spec(self, space: SearchSpace, budget: int, algorithm: str) -> StudySpec:
        seed = self.random_state
        if seed is not None and not isinstance(seed, numbers.Integral):
            seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
        return StudySpec(
            parameters=space.parameters,
            metrics=[Metric(_metric_name(self._objective_key()), goal="maximize")],
            algorithm=algorithm,
            max_trials=budget,
            seed=None if seed is None else int(seed),
        )

    def _objective_key(self) -> str:
        """The cv_results_ key suffix of the score Sibyl maximizes."""
        if self.scoring is None or callable(self.scoring) or isinstance(self.scoring, str):
            return "score"
        if isinstance(self.refit, str):
            return self.refit
        return next(iter(self.scoring))

    def _evaluate(
        self, study: Study, trials: list[Trial], space: SearchSpace, evaluate: Callable[..., dict]
    ) -> ValueError | None:
        """Evaluates one round of trials; returns the error if all of their fits failed."""
        candidates = [space.candidate(t.parameters) for t in trials]
        try:
            results = evaluate(candidates, more_results={"sibyl_trial": [t.id for t in trials]})
        except Exception as error:
            for trial in trials:
                trial.complete_infeasible(f"{type(error).__name__}: {str(error).strip()}")
            # scikit-learn raises when every fit of a call fails; here a call is one
            # round, so that only makes its trials infeasible (and leaves them out of
            # cv_results_), unless error_score is "raise".
            if not isinstance(error, ValueError) or "fits failed" not in str(error):
                raise
            if isinstance(self.error_score, str):
                raise
            warnings.warn(
                f"every fit of trials {[t.id for t in trials]} failed: {str(error).strip()}",
                FitFailedWarning,
                stacklevel=2,
            )
            return error
        key = f"mean_test_{self._objective_key()}"
        if key not in results:  # a callable scoring that returned several scores
            refit = f"mean_test_{self.refit}" if isinstance(self.refit, str) else ""
            key = (
                refit
                if refit in results
                else next(k for k in results if k.startswith("mean_test_"))
            )
        metric = study.objective[0]
        for trial, score in zip(trials, results[key][-len(trials) :], strict=True):
            if math.isfinite(float(score)):
                trial.complete({metric: float(score)})
            else:
                trial.complete_infeasible("every fit failed or the score is not finite")
        return None


class SibylGridSearchCV(SibylSearchCV):
    """GridSearchCV's signature, candidates evaluated through a Sibyl study.

    Every candidate of `param_grid` is evaluated once (the "grid_search" algorithm); with
    `n_iter` below the grid's size, Sibyl's default algorithm picks that many. The other
    arguments are GridSearchCV's, then SibylSearchCV's (`random_state`, `address`,
    `study_id`, `keep_study`, `algorithm`, `progress_bar`, `connect_options`).
    """

    _parameter_constraints: dict = {
        k: v for k, v in SibylSearchCV._parameter_constraints.items() if k != "param_distributions"
    }

    def __init__(
        self,
        estimator: Any,
        param_grid: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        scoring: Any = None,
        n_jobs: int | None = None,
        refit: bool | str | Callable[..., int] = True,
        cv: Any = None,
        verbose: int = 0,
        pre_dispatch: int | str = "2*n_jobs",
        error_score: Any = np.nan,
        return_train_score: bool = False,
        n_iter: int | None = None,
        random_state: Any = None,
        address: str | None = None,
        study_id: str | None = None,
        keep_study: bool | None = None,
        algorithm: str | None = None,
        progress_bar: bool = True,
        connect_options: dict[str, Any] | None = None,
    ) -> None:
        self.param_grid = param_grid
        self.n_iter = n_iter
        self.random_state = random_state
        self.address = address
        self.study_id = study_id
        self.keep_study = keep_study
        self.algorithm = algorithm
        self.progress_bar = progress_bar
        self.connect_options = connect_options
        BaseSearchCV.__init__(
            self,
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )


def _check_grid(grid: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
    """A grid's values are lists, as GridSearchCV requires (no distributions)."""
    for space in [grid] if isinstance(grid, Mapping) else grid:
        for name, values in space.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
                raise TypeError(
                    f"param_grid[{name!r}] must be a list of values, not {values!r} (for "
                    "distributions, use param_distributions)"
                )
            if len(values) == 0:
                raise ValueError(f"param_grid[{name!r}] is empty")


def _estimator_name(estimator: Any) -> str:
    """`svc`; a pipeline's final step too (`pipeline-svc`)."""
    name = type(estimator).__name__.lower()
    steps = getattr(estimator, "steps", None)
    if steps:
        name += "-" + type(steps[-1][1]).__name__.lower()
    return name


def _study_id(estimator: Any) -> str:
    """A new study id named from the estimator, e.g. `svc-3f9a0c1d2e4b`."""
    name = re.sub(r"[^a-z0-9]+", "-", _estimator_name(estimator)).strip("-")[:40].strip("-")
    name = name if name[:1].isalpha() else f"search-{name}".strip("-")
    return f"{name}-{uuid.uuid4().hex[:12]}"


class _SearchBar:
    """A search's progress bar: candidates evaluated, and the best score so far.

    Draws nothing when `enabled` is False, when stderr is not a terminal, or without tqdm.
    """

    def __init__(self, enabled: bool, description: str, total: int) -> None:
        self.best = -math.inf
        self.bar: ProgressBar | None = None
        if enabled:
            with contextlib.suppress(ImportError):  # tqdm is optional: no bar then
                self.bar = ProgressBar(description)
                self.bar.start(total)

    def __enter__(self) -> _SearchBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def advance(self, trials: list[Trial]) -> None:
        if self.bar is None:
            return
        completed = [t for t in trials if t.state == "COMPLETED"]
        self.bar.infeasible += len(trials) - len(completed)
        for trial in completed:
            self.best = max(self.best, trial.metrics[trial.study.objective[0]])
        found = math.isfinite(self.best)
        self.bar.advance(len(trials), f"best score={self.best:.4g}" if found else "no score yet")


def _metric_name(key: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.\-]", "_", key)[:64]
    return name if re.match(r"[A-Za-z_]", name) else "_" + name[:63]


class SearchSpace:
    """A scikit-learn parameter space as Sibyl parameters, and trials back as candidates."""

    def __init__(self, distributions: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
        spaces = [distributions] if isinstance(distributions, Mapping) else list(distributions)
        if not spaces or not all(isinstance(s, Mapping) for s in spaces):
            raise TypeError("param_distributions must be a dict or a non-empty list of dicts")
        several = len(spaces) > 1
        # Sibyl's names: an estimator's parameter may be any string ("log reg__C", or
        # longer than 64 characters); a trial's values map back through `Dimension`.
        taken = {SPACE}
        self.dimensions = [
            {name: _dimension(sibyl_name(f"{name}.{i}" if several else name, taken), spec, i,
                              several)
             for name, spec in space.items()}
            for i, space in enumerate(spaces)
        ]  # fmt: skip
        self.parameters: list[Parameter] = [
            d.parameter for dims in self.dimensions for d in dims.values() if d.parameter
        ]
        if several:
            labels = [str(i) for i in range(len(spaces))]
            self.parameters.insert(0, Categorical(SPACE, labels))
        if not self.parameters:
            self.parameters = [Categorical(SPACE, ["0"])]  # nothing to search: one candidate

    def candidate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The estimator parameters of a trial's parameter values."""
        dimensions = self.dimensions[int(values.get(SPACE, 0))]
        return {
            name: d.decode(values.get(d.name))
            for name, d in dimensions.items()
            if d.parameter is None or d.name in values
        }

    @property
    def size(self) -> float:
        """The number of candidates (inf when a dimension is continuous)."""
        return sum(math.prod(d.size for d in dims.values()) for dims in self.dimensions)

    def capped(self, n_iter: int) -> int:
        """`n_iter`, or the number of candidates when every dimension has finitely many
        and they are fewer (with a warning, as RandomizedSearchCV does)."""
        size = self.size
        if size < n_iter:
            warnings.warn(
                f"the parameter space has only {size} candidates, fewer than n_iter={n_iter}: "
                f"running {size} trials",
                UserWarning,
                stacklevel=4,
            )
            return int(size)
        return n_iter


@dataclasses.dataclass(frozen=True)
class Dimension:
    """One estimator parameter: its Sibyl parameter (None when it has one value)."""

    name: str
    parameter: Parameter | None
    decode: Callable[[Any], Any]
    size: float


def _dimension(name: str, spec: Any, space: int, several: bool) -> Dimension:
    when = When(SPACE, [str(space)]) if several else None
    if isinstance(spec, (Double, Integer, Discrete, Categorical)) or (
        isinstance(spec, Mapping) and "type" in spec
    ):
        parameter = spec if not isinstance(spec, Mapping) else _parameter(name, spec)
        parameter = dataclasses.replace(parameter, name=name, when=when or parameter.when)
        return Dimension(name, parameter, _identity, _size(parameter))
    if hasattr(spec, "rvs"):
        return _distribution(name, spec, when)
    if isinstance(spec, (str, bytes)) or not hasattr(spec, "__iter__"):
        raise TypeError(
            f"parameter {name!r}: give a list of values, a scipy.stats distribution or a "
            f"Sibyl parameter, not {spec!r}"
        )
    choices = Choices(list(spec))
    if len(choices.values) == 1:
        value = choices.values[0]
        return Dimension(name, None, lambda _: value, 1)
    parameter = dataclasses.replace(choices.parameter(name), when=when)
    return Dimension(name, parameter, choices.decode, len(set(map(str, choices.values))))


def _distribution(name: str, distribution: Any, when: When | None) -> Dimension:
    family = getattr(getattr(distribution, "dist", None), "name", type(distribution).__name__)
    try:
        low, high = (float(v) for v in distribution.support())
    except (AttributeError, TypeError):
        raise TypeError(f"parameter {name!r}: {family} has no support() to bound it") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(
            f"parameter {name!r}: {family} is unbounded, and Sibyl searches within bounds: "
            "use scipy.stats.uniform, loguniform or randint, or a sibyl.Double"
        )
    if isinstance(getattr(distribution, "dist", None), stats.rv_discrete):
        if low == high:
            return Dimension(name, None, lambda _: int(low), 1)
        return Dimension(name, Integer(name, int(low), int(high), when=when), int, high - low + 1)
    if family not in ("uniform", "loguniform", "reciprocal"):
        warnings.warn(
            f"parameter {name!r}: Sibyl searches {family} uniformly over [{low:g}, {high:g}]",
            UserWarning,
            stacklevel=5,
        )
    scale = "log" if family in ("loguniform", "reciprocal") else "linear"
    return Dimension(name, Double(name, low, high, scale=scale, when=when), float, math.inf)


def _size(parameter: Parameter) -> float:
    if isinstance(parameter, Integer):
        return parameter.high - parameter.low + 1
    if isinstance(parameter, (Discrete, Categorical)):
        return len(parameter.values)
    return math.inf


def _identity(value: Any) -> Any:
    return value
