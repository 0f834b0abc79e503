"""SibylSearch: the Searcher interface against a real server, and a real Tuner run."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import pytest
import ray
from ray import tune
from ray.tune.search import Searcher

import sibyl
import sibyl.integrations.ray
from sibyl.integrations.ray import SibylSearch
from tests.support.servers import ServerThread

SPACE = {
    "lr": tune.loguniform(1e-4, 1e-1),
    "model": {"layers": tune.randint(1, 5), "units": tune.qrandint(16, 64, 16)},
    "dropout": tune.quniform(0.0, 0.5, 0.25),
    "width": tune.lograndint(8, 512),
    "optimizer": tune.choice(["sgd", "adam", None]),
    "epochs": 3,
}


def test_suggest_report_complete_and_save_restore(
    server: ServerThread, client: sibyl.Client, unique_id: str, tmp_path: Path
) -> None:
    search = SibylSearch(SPACE, "loss", "min", address=server.address, study_id=unique_id,
                         points_to_evaluate=[{"lr": 0.01, "model": {"layers": 2, "units": 32},
                                              "dropout": 0.25, "width": 64,
                                              "optimizer": "adam"}])  # fmt: skip
    first = search.suggest("t1")
    assert first == {"lr": 0.01, "model": {"layers": 2, "units": 32}, "dropout": 0.25,
                     "width": 64, "optimizer": "adam", "epochs": 3}  # fmt: skip
    second = search.suggest("t2")
    assert isinstance(second, dict)
    assert 1e-4 <= second["lr"] <= 1e-1 and second["model"]["units"] in (16, 32, 48, 64)
    assert second["dropout"] in (0.0, 0.25, 0.5) and second["optimizer"] in ("sgd", "adam", None)
    assert second["model"]["layers"] in range(1, 5) and second["epochs"] == 3

    for step in (1, 2):
        search.on_trial_result("t1", {"loss": 1.0 / step, "training_iteration": step})
    search.on_trial_complete("t1", {"loss": 0.5, "training_iteration": 2})
    search.save(str(tmp_path / "searcher.pkl"))
    search.close()

    restored = SibylSearch()
    restored.restore(str(tmp_path / "searcher.pkl"))
    restored.on_trial_complete("t2", error=True)
    assert isinstance(restored.suggest("t3"), dict)

    study = client.get_study(unique_id)
    assert sorted(p.name for p in study.proto.spec.parameters) == [
        "dropout", "lr", "model.layers", "model.units", "optimizer", "width"
    ]  # fmt: skip
    trials = list(study.trials())
    assert [t.state for t in trials] == ["COMPLETED", "INFEASIBLE", "ACTIVE"]
    assert trials[0].metrics == {"loss": 0.5} and len(trials[0].proto.measurements) == 2
    restored.close()


def test_finished_when_the_study_completes(server: ServerThread, unique_id: str) -> None:
    search = SibylSearch({"c": tune.choice(["a", "b"])}, "acc", "max", address=server.address,
                         study_id=unique_id, algorithm="grid_search")  # fmt: skip
    configs = [search.suggest(f"t{i}") for i in range(3)]
    assert sorted(c["c"] for c in configs[:2]) == ["a", "b"]  # type: ignore[index]
    assert configs[2] == Searcher.FINISHED
    search.close()


def test_a_trial_another_worker_took_over_is_left_to_it(
    server: ServerThread, client: sibyl.Client, unique_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    short_lease = functools.partial(sibyl.StudySpec, trial_lease_seconds=1.0)
    monkeypatch.setattr(sibyl.integrations.ray, "StudySpec", short_lease)
    search = SibylSearch({"x": tune.uniform(0.0, 1.0)}, "loss", "min", address=server.address,
                         study_id=unique_id, algorithm="random_search")  # fmt: skip
    assert isinstance(search.suggest("t1"), dict)
    time.sleep(1.2)
    [taken] = client.get_study(unique_id).suggest(client_id="thief")
    # Neither raises into Tune: the trial is another worker's now.
    search.on_trial_result("t1", {"loss": 0.5, "training_iteration": 1})
    search.on_trial_complete("t1", {"loss": 0.5, "training_iteration": 1})
    assert isinstance(search.suggest("t2"), dict)
    search.on_trial_complete("t2", {"loss": 0.25, "training_iteration": 1})

    lost, second = client.get_study(unique_id).trials()
    assert (lost.id, lost.state, lost.proto.client_id) == (taken.id, "ACTIVE", "thief")
    assert list(lost.proto.measurements) == []
    assert (second.state, second.metrics) == ("COMPLETED", {"loss": 0.25})
    search.close()


def test_unsupported_spaces_are_refused() -> None:
    with pytest.raises(ValueError, match="grid_search"):
        SibylSearch({"x": tune.grid_search([1, 2])}, "loss", "min").suggest("t")
    with pytest.raises(ValueError, match="Normal"):
        SibylSearch({"x": tune.randn()}, "loss", "min").suggest("t")
    with pytest.raises(ValueError, match="metric and a mode"):
        SibylSearch({"x": tune.uniform(0, 1)}).suggest("t")


def train(config: dict) -> None:
    for epoch in range(1, config["epochs"] + 1):
        tune.report({"loss": (config["x"] - 0.3) ** 2 + config["nested"]["n"] / epoch})


def start_ray(attempts: int = 3) -> None:
    """ray.init, retried when Ray's own start-up times out: Ray waits a fixed 30 s (not
    configurable) for its raylet to register, which a loaded two-core machine has
    missed, and its control process (GCS) has once died before writing a log or its
    port, leaving ray.init to wait out its whole port wait. Ray's start-up, not Sibyl."""
    for attempt in range(1, attempts + 1):
        try:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            return
        except Exception as error:
            ray.shutdown()
            if attempt == attempts or "timed out" not in str(error).lower():
                raise


@pytest.mark.slow
def test_a_tuner_runs_with_the_searcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ray waits 30 s for its control process to bind a port: not always enough on a
    # loaded two-core machine. Past 90 s it has died, and start_ray starts another.
    monkeypatch.setenv("RAY_gcs_server_port_wait_time_s", "90")
    start_ray()
    try:
        search = SibylSearch(algorithm="random_search", seed=0)  # its own server
        tuner = tune.Tuner(
            train,
            param_space={"x": tune.uniform(0, 1), "nested": {"n": tune.randint(1, 4)}, "epochs": 2},
            tune_config=tune.TuneConfig(
                search_alg=search, metric="loss", mode="min", num_samples=4,
                max_concurrent_trials=2,
            ),
            run_config=tune.RunConfig(storage_path=str(tmp_path), verbose=0),
        )  # fmt: skip
        results = tuner.fit()
        assert len(results) == 4 and not results.errors
        assert search._live is not None
        trials = list(search._live.study.trials())
        assert [t.state for t in trials] == ["COMPLETED"] * 4
        assert all(len(t.proto.measurements) == 2 for t in trials)
        best = min(trials, key=lambda t: t.metrics["loss"])
        assert results.get_best_result().metrics["loss"] == pytest.approx(best.metrics["loss"])
        search.close()
    finally:
        ray.shutdown()
