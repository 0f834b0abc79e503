"""Studies and trials for the framework callbacks' tests: a fresh trial, and one that the
study's early-stopping policy stops at step 1 (three earlier trials were far better)."""

from __future__ import annotations

import pytest

import sibyl

LEARNING_RATE = sibyl.Double("learning_rate", 1e-3, 1e-1, scale="log")


def fresh_trial(
    client: sibyl.Client, study_id: str, metric: str = "loss", goal: str = "minimize"
) -> sibyl.Trial:
    spec = sibyl.StudySpec([LEARNING_RATE], [sibyl.Metric(metric, goal=goal)], seed=0)
    [trial] = client.create_study(study_id, spec).suggest()
    return trial


def doomed_trial(
    client: sibyl.Client, study_id: str, metric: str = "loss", goal: str = "minimize"
) -> sibyl.Trial:
    """A trial that `should_stop()` stops as soon as it reports a step >= 1."""
    spec = sibyl.StudySpec(
        [LEARNING_RATE],
        [sibyl.Metric(metric, goal=goal)],
        early_stopping=sibyl.MedianStopping(min_step=1, min_trials=3),
        seed=0,
    )
    study = client.create_study(study_id, spec)
    perfect = -1e9 if goal == "minimize" else 1e9
    curve = [(step, {metric: perfect}) for step in range(100)]
    for lr in (0.01, 0.02, 0.03):
        study.add_trial({"learning_rate": lr}, {metric: perfect}, measurements=curve)
    [trial] = study.suggest()
    return trial


def reported(trial: sibyl.Trial, metric: str = "loss") -> list[float]:
    """The values `trial` reported, by step."""
    return [m.metrics[metric] for m in trial.refresh().proto.measurements]


def learned_and_completed(trial: sibyl.Trial) -> list[float]:
    """The values `trial` reported, after checking that they fell (it trained) and that
    the trial completed with the best of them."""
    values = reported(trial)
    assert values[-1] < values[0], values
    assert trial.state == "COMPLETED" and trial.metrics["loss"] == pytest.approx(min(values))
    return values


def every_third_and_the_last(trial: sibyl.Trial) -> None:
    """Asserts that `trial` reported at steps 0, 3, 6 and 7 (the last of 8) and completed
    with the last value."""
    assert [m.step for m in trial.refresh().proto.measurements] == [0, 3, 6, 7]
    assert trial.metrics["loss"] == pytest.approx(reported(trial)[-1])


def stopped_by_the_policy(trial: sibyl.Trial, pruned: bool, reports: int = 2) -> None:
    """Asserts that training stopped (`pruned`) when the policy of `doomed_trial` stopped
    `trial`, after `reports` reports, and that the trial completed."""
    assert pruned and len(reported(trial)) == reports
    assert trial.state == "COMPLETED"
