"""Several objectives, constraints, conditional parameters and early stopping, from Python."""

from __future__ import annotations

import pytest

import sibyl
from tests.client.spaces import OPTIMIZER_WITH_MOMENTUM

CLIENT_OPTIONS = {"team": "rich-client"}


def test_conditional_space_and_early_stopping_in_a_training_loop(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = sibyl.StudySpec(
        parameters=[
            *OPTIMIZER_WITH_MOMENTUM,
            sibyl.Double("beta1", 0.8, 0.999, when=sibyl.When("optimizer", ["adam"])),
            sibyl.Integer("layers", 1, 4),
            sibyl.Integer("units_3", 8, 64, when=sibyl.When("layers", at_least=3)),
        ],
        metrics=[sibyl.Metric("loss")],
        algorithm="quasi_random_search",
        early_stopping=sibyl.MedianStopping(min_step=2, min_trials=2),
        seed=1,
    )
    study = client.create_study(unique_id, spec)
    stopped = []
    for trial in study.suggest(count=8):
        params = trial.parameters
        assert ("momentum" in params) == (params["optimizer"] == "sgd")
        assert ("beta1" in params) == (params["optimizer"] == "adam")
        assert ("units_3" in params) == (params["layers"] >= 3)
        # Trials 1-3 learn well; later ones plateau high and should be stopped.
        floor = 0.1 if trial.id <= 3 else 0.9
        for epoch in range(1, 6):
            trial.report({"loss": floor + 1.0 / epoch}, step=epoch)
            if trial.should_stop():
                stopped.append(trial.id)
                assert "median" in trial.stop_reason
                break
        trial.complete()
        assert trial.state == "COMPLETED"
    assert stopped and min(stopped) > 3, stopped
    losses = {t.id: t.metrics["loss"] for t in study.trials()}
    assert all(losses[i] > 0.9 for i in stopped), "stopped trials end with their last value"


def test_pareto_front_and_constraints(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(
        unique_id,
        {
            "parameters": {"x": {"type": "double", "low": 0, "high": 1}},
            "metrics": {
                "accuracy": "maximize",
                "latency_ms": {"goal": "minimize", "reference_value": 100.0},
                "memory_gb": {"at_most": 8},
            },
            "algorithm": "random_search",
        },
    )
    assert study.optimal_trials().nothing_feasible_yet is False
    study.add_trial({"x": 0.1}, {"accuracy": 0.99, "latency_ms": 10, "memory_gb": 9})
    assert study.optimal_trials().nothing_feasible_yet
    assert study.best_trial() is None
    a = study.add_trial({"x": 0.2}, {"accuracy": 0.9, "latency_ms": 50, "memory_gb": 4})
    b = study.add_trial({"x": 0.3}, {"accuracy": 0.8, "latency_ms": 20, "memory_gb": 4})
    study.add_trial({"x": 0.4}, {"accuracy": 0.7, "latency_ms": 60, "memory_gb": 4})
    optimum = study.optimal_trials()
    assert [t.id for t in optimum.trials] == [a.id, b.id]
    assert (optimum.feasible_trial_count, optimum.completed_trial_count) == (3, 4)
    stored = study.proto.spec.metrics
    assert stored[1].reference_value == 100.0 and stored[2].constraint.upper_bound == 8


def test_a_user_can_stop_a_running_trial(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(
        unique_id,
        {"parameters": {"c": ["a", "b"]}, "metrics": {"y": "minimize"}, "algorithm": "grid_search",
         "early_stopping": {"rule": "successive_halving", "min_step": 1}},
    )  # fmt: skip
    [trial] = study.suggest()
    trial.report({"y": 1.0}, step=1)
    assert not trial.should_stop()
    study.get_trial(trial.id).stop()
    assert trial.should_stop() and trial.state == "STOPPING"


def test_warm_started_curves_count_for_early_stopping(client: sibyl.Client, unique_id: str) -> None:
    spec = {
        "parameters": {"x": {"type": "double", "low": 0, "high": 1}},
        "metrics": {"loss": "minimize"},
        "algorithm": "random_search",
        "early_stopping": {"rule": "median", "min_step": 1},
    }
    study = client.create_study(unique_id, spec)
    curve = [(step, {"loss": 1.0 / step}) for step in range(1, 6)]
    for x in (0.1, 0.2, 0.3):
        done = study.add_trial({"x": x}, {"loss": 0.2}, measurements=curve)
    assert [m.step for m in done.proto.measurements] == [1, 2, 3, 4, 5]
    [trial] = study.suggest()
    trial.report({"loss": 5.0}, step=2)
    assert trial.should_stop(), "compared with the warm-started curves"
    with pytest.raises(sibyl.InvalidArgumentError) as caught:
        study.add_trial(
            {"x": 0.4}, {"loss": 0.1}, measurements=[(2, {"loss": 1.0}), (1, {"loss": 1.0})]
        )
    assert caught.value.field == "trial.measurements[1].step"


def test_threads_sharing_a_client_get_their_own_trials(
    client: sibyl.Client, unique_id: str
) -> None:
    import threading

    study = client.create_study(
        unique_id, {"parameters": {"c": ["a", "b", "c"]}, "metrics": {"y": "minimize"}}
    )
    got: list[int] = []
    threads = [
        threading.Thread(target=lambda: got.extend(t.id for t in study.suggest())) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == [1, 2, 3]
