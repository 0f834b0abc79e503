"""GP_BANDIT's step: initial design, then data -> model -> acquisition -> optimize -> decode.

Until enough trials have finished (`in_initial_design`), and whenever a model-based
step fails, points come from the study's scrambled Sobol sequence; a failure is
recorded in the points' metadata and logged, never raised.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from botorch.models.model import Model

from sibyl_server.domain.study import Algorithm, ParameterValue
from sibyl_server.engine.budget import ran_every_budget, target_columns, without_budget
from sibyl_server.engine.gp.acquisition import STRATEGIES, choose_strategy
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext, AcquisitionStrategy
from sibyl_server.engine.gp.data import Outcome, StepData, step_data
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.fidelity import HYPERPARAMETERS_KEY as FIDELITY_HYPERPARAMETERS
from sibyl_server.engine.gp.fidelity import fidelity_model, uses_fidelity
from sibyl_server.engine.gp.model import (
    FittedModels,
    Hyperparameters,
    fit_models,
    saved_lengthscales,
)
from sibyl_server.engine.gp.optimize import AcquisitionOptimizer
from sibyl_server.engine.gp.restarts import next_restart, restarts_on
from sibyl_server.engine.gp.state import GpBanditState
from sibyl_server.engine.gp.threads import step_threads
from sibyl_server.engine.gp.transfer import transfer_model, uses_priors
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_FALLBACK_REASON,
    METADATA_PRIOR_WEIGHTS,
    METADATA_RESTART,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions
from sibyl_server.engine.quasi_random import draw_quasi_random

logger = logging.getLogger(__name__)

GP_BANDIT = Algorithm.GP_BANDIT.value


class GpBanditDesigner:
    """Suggests points of a study by Bayesian optimization.

    Args:
        options: How the step computes, its device and threads resolved.
        strategies: The acquisition strategies, in the order they are tried.
    """

    uses_history = True

    def __init__(
        self, options: EngineOptions, strategies: Sequence[AcquisitionStrategy] = STRATEGIES
    ) -> None:
        self.options = options
        self.strategies = tuple(strategies)

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        state = GpBanditState.read(request.state)
        if in_initial_design(request):
            return self._quasi_random(request, state)
        metadata: dict[str, str] = {}
        counted = False  # whether this step's GP points count toward the next restart
        if restarts_on(request, self.options.stall_restarts):
            state, counted = _with_restart(request, state)
        elif state.restart.running:  # left by a server that had restarts on
            state = state.restarting(state.restart.ended())
        study = request  # what every point must not repeat (see _decode)
        if state.restart.running:
            # The restart is a run of its own: its design, then its own trials' GP.
            request = state.restart.trials_of(request)
            metadata[METADATA_RESTART] = str(state.restart.count)
            if in_initial_design(request):
                return self._quasi_random(request, state, metadata=metadata, study=study)
        try:
            return self._model_based(request, state, metadata, study, counted)
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"[:500]
            logger.warning(
                "GP step failed, falling back to quasi-random",
                extra={"reason": reason, "completed": len(request.completed)},
            )
            return self._quasi_random(request, state, reason, metadata, study)

    def _quasi_random(
        self,
        request: SuggestionRequest,
        state: GpBanditState,
        reason: str = "",
        metadata: Mapping[str, str] | None = None,
        study: SuggestionRequest | None = None,
    ) -> SuggestionResult:
        """The next Sobol points that repeat none of the study's trials, pending or
        finished, nor each other: in a small discrete space two draws can be one
        configuration (docs/engine.md#initial-design)."""
        taken = _configurations(study or request)
        suggestions, state = _fresh_sobol_points(
            request, state, request.count, taken, reason, metadata or {}
        )
        return SuggestionResult(suggestions, state.write(request.state))

    def _model_based(
        self,
        request: SuggestionRequest,
        state: GpBanditState,
        step_metadata: Mapping[str, str],
        study: SuggestionRequest,
        counted: bool = False,
    ) -> SuggestionResult:
        """A step on `request`'s trials (a restart's own, while one runs), with
        `step_metadata` in each point's metadata; no point repeats a trial of the whole
        `study` (but as `_decode` allows). If `counted`, the points the GP made (not the Sobol
        points replacing repeats) count toward the study's next restart."""
        fitted_count = min(len(request.completed), self.options.max_exact_observations)
        device = torch.device(self.options.device_for(fitted_count))
        local = self.options.large_study_model == "local"
        data = step_data(request, self.options.max_exact_observations, device, local)
        seed = step_seed(request)
        with (
            torch.random.fork_rng(devices=[device] if device.type == "cuda" else []),
            step_threads(self.options.threads_for(len(data.x))),
        ):
            torch.manual_seed(seed)
            started = time.perf_counter()
            saved = state.saved_hyperparameters()
            fitted = fit_models(data, saved, self.options.max_exact_observations)
            models, hyperparameters, metadata = _with_priors(request, data, fitted, saved)
            data, models, hyperparameters = _with_fidelity(
                request,
                data,
                models,
                hyperparameters,
                saved,
                self.options.max_exact_observations,
            )
            state = state.fitted(hyperparameters)
            done_fitting = time.perf_counter()
            context = AcquisitionContext(
                spec=request.spec,
                data=data,
                models=models,
                count=request.count,
                seed=seed,
                mc_samples=self.options.mc_samples,
                optimizer=AcquisitionOptimizer(
                    data.encoding,
                    self.options,
                    len(data.x),
                    device,
                    fixed=target_columns(request.spec),
                    region=data.region,
                ),
            )
            candidates = choose_strategy(context, self.strategies).candidates(context)
            acquired = time.perf_counter()
        suggestions, state = _decode(
            study, data.encoding, candidates, state, metadata, step_metadata
        )
        if counted:
            made = sum(s.metadata[METADATA_ALGORITHM] == GP_BANDIT for s in suggestions)
            state = state.restarting(state.restart.counted(made))
        return SuggestionResult(
            suggestions,
            state.write(request.state),
            timings={"fit": done_fitting - started, "acquisition": acquired - done_fitting},
        )


def _with_restart(request: SuggestionRequest, state: GpBanditState) -> tuple[GpBanditState, bool]:
    """The state with the study's restart as this step finds it (gp/restarts.py), and
    whether the points the study's own GP makes in this step count toward the next
    one: not while a restart runs, nor in the step ending one (PATIENCE points after
    it), nor points from the quasi-random fallback."""
    before = state.restart
    fit = (state.hyperparameters or {}).get(request.spec.objective.name)
    restart = next_restart(request, before, saved_lengthscales(fit))
    return state.restarting(restart), not restart.running and not before.running


def _with_priors(
    request: SuggestionRequest,
    data: StepData,
    fitted: FittedModels,
    saved: Mapping[str, Mapping[str, Any]],
) -> tuple[list[Model], dict[str, Hyperparameters], dict[str, str]]:
    """The step's models, hyperparameters and trial metadata: with usable prior studies,
    the objective's GP becomes the study's GP over their ranking-weighted means
    (gp/transfer.py)."""
    if not uses_priors(request) or len(fitted.models) != 1:
        return fitted.models, fitted.hyperparameters, {}
    transfer = transfer_model(request, data, fitted.models[0], saved)
    hyperparameters = {**fitted.hyperparameters, **transfer.hyperparameters}
    weights = {name: round(weight, 4) for name, weight in transfer.weights.items()}
    return [transfer.model], hyperparameters, {METADATA_PRIOR_WEIGHTS: json.dumps(weights)}


def _with_fidelity(
    request: SuggestionRequest,
    data: StepData,
    models: list[Model],
    hyperparameters: dict[str, Hyperparameters],
    saved: Mapping[str, Mapping[str, Any]],
    limit: int,
) -> tuple[StepData, list[Model], dict[str, Hyperparameters]]:
    """For a fidelity study, the objective's model becomes the GP over (configuration,
    step) at max_step (gp/fidelity.py), fitted to at most `limit` values; the other
    outcomes' models stay.

    The objective's values in the training set become that GP's means at max_step:
    the acquisition's incumbent and its cap on believed values must be in the units
    of the model it scores. The GP learns from its own warp of the values at every
    step, and the finished trials' warp differs from it, so the incumbent's value and
    the GP's mean there can lie standard deviations apart. It is also the better
    incumbent: a trial stopped early that the GP expects to end best, rather than the
    best last value, which for a stopped trial is a low step's.
    """
    if not uses_fidelity(request):
        return data, models, hyperparameters
    fit = fidelity_model(request, data, saved.get(FIDELITY_HYPERPARAMETERS), limit)
    objective = data.training.outcomes[0]
    with torch.no_grad():
        means = fit.model.posterior(data.x[objective.rows]).mean.reshape(-1).tolist()
    outcomes = [Outcome(objective.name, objective.rows, means), *data.training.outcomes[1:]]
    training = dataclasses.replace(data.training, outcomes=outcomes)
    return (
        dataclasses.replace(data, training=training),
        [fit.model, *models[1:]],
        {**hyperparameters, FIDELITY_HYPERPARAMETERS: fit.hyperparameters},
    )


def _decode(
    request: SuggestionRequest,
    encoding: SearchSpaceEncoding,
    candidates: torch.Tensor,
    state: GpBanditState,
    metadata: dict[str, str],
    step_metadata: Mapping[str, str],
) -> tuple[list[Suggestion], GpBanditState]:
    """Decoded `count x d` candidates, each with `metadata` and `step_metadata`; a
    repeat of a trial, pending or finished, is replaced by a Sobol point with
    `step_metadata`. With a budget parameter, a repeat of a pending or failed trial's
    configuration at any budget is replaced, as is one that finished at the largest
    budget; one that finished at a smaller budget is kept, since engine/budget.py runs
    it at the next budget. The Sobol points repeat no finished configuration at all:
    they run at the smallest budget."""
    spec = request.spec
    taken = [without_budget(spec, p) for p in request.pending]
    # The fitted noise of a deterministic objective is near zero, and the improvement
    # expected at its incumbent, tiny but above any other point's late in a study: in
    # a small discrete space, the step would propose the best trial again and again.
    finished = [
        o for o in request.completed if o.infeasible or ran_every_budget(spec, o.parameters)
    ]
    taken += [without_budget(spec, o.parameters) for o in finished]
    suggestions: list[Suggestion] = []
    replacements = 0
    for row in candidates.tolist():
        parameters = encoding.decode(row)
        configuration = without_budget(spec, parameters)
        if configuration in taken:
            replacements += 1
            continue
        taken.append(configuration)
        tags = {METADATA_ALGORITHM: GP_BANDIT, **metadata, **step_metadata}
        suggestions.append(Suggestion(parameters, tags))
    if replacements:
        # Discrete spaces can round two optima to one point; a repeat would waste a
        # worker, so those slots get the study's next quasi-random points instead.
        fresh, state = _fresh_sobol_points(
            request,
            state,
            replacements,
            taken + _configurations(request),
            REPEATED_CANDIDATE,
            step_metadata,
        )
        suggestions += fresh
    return suggestions, state


def _configurations(request: SuggestionRequest) -> list[dict[str, ParameterValue]]:
    """The configurations of the request's trials, pending and finished (a budget
    study's without the budget)."""
    points = [*request.pending, *(o.parameters for o in request.completed)]
    return [without_budget(request.spec, p) for p in points]


REPEATED_CANDIDATE = "GP candidate repeated a trial"
"""The fallback reason of a Sobol point that replaced a candidate repeating a trial (the
only reason a step that succeeded gives)."""

REPLACEMENT_DRAWS = 8
"""Sobol points drawn per replaced candidate, of which those repeating no trial are
taken first."""


def _fresh_sobol_points(
    request: SuggestionRequest,
    state: GpBanditState,
    count: int,
    taken: list[dict[str, ParameterValue]],
    reason: str,
    metadata: Mapping[str, str],
) -> tuple[list[Suggestion], GpBanditState]:
    """The study's next `count` Sobol points that repeat no configuration in `taken`
    (nor each other), and the state past the last one used. In a small discrete space
    whose configurations are nearly all taken, the slots left get the first points
    drawn that were not used (a repeat, for want of anything else)."""
    drawn = _sobol_points(request, state, count * REPLACEMENT_DRAWS, reason, metadata)
    used: list[int] = []
    for index, point in enumerate(drawn):
        configuration = without_budget(request.spec, point.parameters)
        if configuration not in taken:
            taken.append(configuration)
            used.append(index)
            if len(used) == count:
                break
    if len(used) < count:
        unused = [index for index in range(len(drawn)) if index not in used]
        used += unused[: count - len(used)]
    return [drawn[index] for index in sorted(used)], state.drew(max(used) + 1)


def _sobol_points(
    request: SuggestionRequest,
    state: GpBanditState,
    count: int,
    reason: str,
    metadata: Mapping[str, str],
) -> list[Suggestion]:
    """The study's next `count` Sobol points, with `metadata` and `reason` (if any) in
    their metadata."""
    tags = {**metadata, **({METADATA_FALLBACK_REASON: reason} if reason else {})}
    return draw_quasi_random(
        request.spec,
        request.seed,
        state.sobol_position(),
        count,
        Algorithm.QUASI_RANDOM_SEARCH,
        tags or None,
    )


def in_initial_design(request: SuggestionRequest) -> bool:
    """Whether the next points still come from the study's Sobol initial design.

    The design is the study's first `initial_trials` trials, finished or still pending,
    and the GP takes over once half of them have finished (and at least two): counting
    finished trials only, asynchronous workers asked for many more Sobol points than
    the design has (docs/engine.md#initial-design).
    """
    finished = sum(not o.infeasible for o in request.completed)
    initial = request.spec.initial_trials()
    if finished >= max(initial, 2):  # a GP needs two values, whatever the design's size
        return False
    asked = len(request.completed) + len(request.pending)
    return asked < initial or 2 * finished < initial or finished < 2


def step_seed(request: SuggestionRequest) -> int:
    """A seed for this step: same study, same data -> same suggestions (on CPU)."""
    return (request.seed * 1_000_003 + len(request.completed) * 131 + len(request.pending)) % (
        2**31
    )
