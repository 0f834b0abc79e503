"""Which completed trials are best: feasibility, the best trial, the Pareto front."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sibyl_server.domain.study import StudySpec
from sibyl_server.domain.trial import Trial


def is_feasible(spec: StudySpec, metrics: Mapping[str, float]) -> bool:
    """Whether every outcome constraint holds for these final metric values (a
    constraint metric that was not reported does not hold)."""
    return all(
        m.constraint is not None and m.name in metrics and m.constraint.satisfied(metrics[m.name])
        for m in spec.constraints
    )


def optimal_trials(spec: StudySpec, completed: Sequence[Trial]) -> list[Trial]:
    """The best feasible trials, by trial number.

    One objective: the trial with the best value, the earliest on ties. Several: the
    Pareto front, every feasible trial that no other feasible trial dominates (at
    least as good in every objective and better in one).
    """
    points = [(t, _objective_point(spec, t)) for t in completed if _feasible(spec, t)]
    if len(spec.objectives) == 1:
        best = max(points, key=lambda item: (item[1][0], -item[0].number), default=None)
        return [best[0]] if best else []
    front = [t for t, p in points if not any(_dominates(q, p) for _, q in points)]
    return sorted(front, key=lambda t: t.number)


def _feasible(spec: StudySpec, trial: Trial) -> bool:
    return trial.final_measurement is not None and is_feasible(
        spec, trial.final_measurement.metrics
    )


def _objective_point(spec: StudySpec, trial: Trial) -> tuple[float, ...]:
    """The trial's objective values, signed so that larger is better."""
    assert trial.final_measurement is not None
    metrics = trial.final_measurement.metrics
    return tuple(m.sign() * metrics[m.name] for m in spec.objectives)


def _dominates(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and a != b
