"""SibylSampler and SibylPruner: Optuna scripts run with Sibyl choosing the parameters."""

from __future__ import annotations

import functools
import math
import pickle
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest

import sibyl
import sibyl.integrations.optuna
from sibyl.integrations.optuna import SibylPruner, SibylSampler
from tests.support.servers import ServerThread

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -4.0, 4.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 4)
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam", None])
    batch = trial.suggest_int("batch/size", 16, 128, step=16)
    assert optimizer in ("sgd", "adam", None) and batch % 16 == 0
    return (x - 1.0) ** 2 + abs(math.log10(lr) + 3) + layers


def sibyl_studies(client: sibyl.Client, prefix: str) -> list[sibyl.Study]:
    return [s for s in client.list_studies() if s.study_id.startswith(prefix)]


@pytest.fixture
def sampler(server: ServerThread, unique_id: str) -> Iterator[SibylSampler]:
    """A sampler of random search for the study `unique_id`, closed after the test."""
    sampler = SibylSampler(server.address, study_id=unique_id, seed=0, algorithm="random_search")
    yield sampler
    sampler.close()


def test_a_define_by_run_script_switches_by_changing_the_sampler(
    sampler: SibylSampler, client: sibyl.Client, unique_id: str
) -> None:
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=6)
    assert len(study.trials) == 6 and study.best_value < 10

    [sibyl_study] = sibyl_studies(client, unique_id)
    names = [p.name for p in sibyl_study.proto.spec.parameters]
    assert names == ["batch_size", "layers", "lr", "optimizer", "x"]
    trials = list(sibyl_study.trials())
    # Trial 0 was drawn independently and added as a result; 1-5 were suggested by Sibyl.
    assert [t.state for t in trials] == ["COMPLETED"] * 6
    assert [t.metrics["value"] for t in trials] == [t.value for t in study.trials]
    for sibyl_trial, optuna_trial in zip(trials[1:], study.trials[1:], strict=True):
        assert sibyl_trial.parameters["layers"] == optuna_trial.params["layers"]
        assert sibyl_trial.parameters["x"] == optuna_trial.params["x"]


def test_an_upfront_space_and_independent_parameters_outside_it(
    server: ServerThread, client: sibyl.Client, unique_id: str
) -> None:
    def branching(trial: optuna.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        x = trial.suggest_float("x", 0.0, 1.0)
        if kind == "a":
            return x + trial.suggest_float("only_a", 0.0, 1.0)
        return x

    space = {
        "kind": optuna.distributions.CategoricalDistribution(["a", "b"]),
        "x": optuna.distributions.FloatDistribution(0.0, 1.0),
    }
    sampler = SibylSampler(server.address, study_id=unique_id, search_space=space, seed=1)
    study = optuna.create_study(sampler=sampler)
    study.optimize(branching, n_trials=5)
    [sibyl_study] = sibyl_studies(client, unique_id)
    assert [p.name for p in sibyl_study.proto.spec.parameters] == ["kind", "x"]
    assert [t.state for t in sibyl_study.trials()] == ["COMPLETED"] * 5


def test_pruning_follows_the_sibyl_studys_early_stopping(
    server: ServerThread, client: sibyl.Client, unique_id: str
) -> None:
    def training(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        # The first three learn well; later trials plateau high and should be pruned.
        # x moves a curve by at most 0.01, so a random x never makes one of the first
        # three worse than the median of the others (their gap is over 0.1 by step 2).
        floor = 0.1 if trial.number < 3 else 0.9
        for epoch in range(1, 6):
            trial.report(floor + 0.5 / epoch + 0.01 * x, step=epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return floor + 0.5 / 5 + 0.01 * x

    space = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    sampler = SibylSampler(
        server.address, study_id=unique_id, search_space=space, algorithm="random_search"
    )
    pruner = SibylPruner(sibyl.MedianStopping(min_step=2, min_trials=2))
    study = optuna.create_study(sampler=sampler, pruner=pruner)
    study.optimize(training, n_trials=6)
    states = [t.state for t in study.trials]
    assert states[:3] == [optuna.trial.TrialState.COMPLETE] * 3
    assert optuna.trial.TrialState.PRUNED in states[3:]

    [sibyl_study] = sibyl_studies(client, unique_id)
    assert sibyl_study.proto.spec.early_stopping.HasField("median")
    for sibyl_trial, optuna_trial in zip(sibyl_study.trials(), study.trials, strict=True):
        assert sibyl_trial.state == "COMPLETED"
        last = optuna_trial.intermediate_values[max(optuna_trial.intermediate_values)]
        assert sibyl_trial.metrics["value"] == pytest.approx(optuna_trial.value or last)


def test_several_objectives_and_failures(
    server: ServerThread, client: sibyl.Client, unique_id: str
) -> None:
    def two(trial: optuna.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number == 2:
            raise ValueError("diverged")
        return x, 1 - x

    sampler = SibylSampler(server.address, study_id=unique_id, algorithm="random_search")
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(two, n_trials=4, catch=(ValueError,))
    [sibyl_study] = sibyl_studies(client, unique_id)
    goals = [(m.name, m.goal) for m in sibyl_study.proto.spec.metrics]
    assert goals == [("value_0", 1), ("value_1", 2)]
    states = [t.state for t in sibyl_study.trials()]
    assert states == ["COMPLETED", "COMPLETED", "INFEASIBLE", "COMPLETED"]


def test_an_infinite_result_makes_the_sibyl_trial_infeasible(
    server: ServerThread, client: sibyl.Client, unique_id: str
) -> None:
    # Optuna records an objective's inf as COMPLETE; Sibyl takes finite values only.
    def blows_up(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        return math.inf if trial.number == 1 else x

    sampler = SibylSampler(server.address, study_id=unique_id, algorithm="random_search")
    study = optuna.create_study(sampler=sampler)
    study.optimize(blows_up, n_trials=3)
    [sibyl_study] = sibyl_studies(client, unique_id)
    trials = list(sibyl_study.trials())
    assert [t.state for t in trials] == ["COMPLETED", "INFEASIBLE", "COMPLETED"]
    assert trials[1].proto.infeasibility_reason == "the objective returned value = inf"
    sampler.close()

    # A new sampler warm-starts a new Sibyl study from the Optuna study's trials.
    again = SibylSampler(server.address, study_id=unique_id + "-b", algorithm="random_search")
    study.sampler = again
    study.optimize(blows_up, n_trials=1)
    [warm] = sibyl_studies(client, unique_id + "-b")
    assert [t.state for t in warm.trials()][:3] == ["COMPLETED", "INFEASIBLE", "COMPLETED"]
    again.close()


@pytest.mark.parametrize("prunes", [True, False], ids=["pruner", "no-pruner"])
def test_a_trial_another_worker_took_over_is_left_to_it(
    server: ServerThread,
    client: sibyl.Client,
    unique_id: str,
    monkeypatch: pytest.MonkeyPatch,
    prunes: bool,
) -> None:
    # A one-second lease, so that the first trial's lease runs out while it trains.
    short_lease = functools.partial(sibyl.StudySpec, trial_lease_seconds=1.0)
    monkeypatch.setattr(sibyl.integrations.optuna, "StudySpec", short_lease)
    taken: list[int] = []

    def training(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number == 0:
            time.sleep(1.2)
            [sibyl_study] = sibyl_studies(client, unique_id)
            taken.extend(t.id for t in sibyl_study.suggest(client_id="thief"))
        trial.report(x, step=1)
        if trial.should_prune():
            raise optuna.TrialPruned()
        return x

    space = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    sampler = SibylSampler(
        server.address, study_id=unique_id, search_space=space, algorithm="random_search"
    )
    study = optuna.create_study(sampler=sampler, pruner=SibylPruner() if prunes else None)
    study.optimize(training, n_trials=2)  # LeaseLostError would fail the first trial
    first = optuna.trial.TrialState.PRUNED if prunes else optuna.trial.TrialState.COMPLETE
    assert [t.state for t in study.trials] == [first, optuna.trial.TrialState.COMPLETE]

    [sibyl_study] = sibyl_studies(client, unique_id)
    lost, second = sibyl_study.trials()
    assert taken == [lost.id]
    assert (lost.state, lost.proto.client_id, len(lost.proto.measurements)) == (
        "ACTIVE",
        "thief",
        0,
    )
    assert second.state == "COMPLETED"
    sampler.close()


def test_starts_its_own_server_without_an_address() -> None:
    sampler = SibylSampler(seed=0)
    study = optuna.create_study(sampler=sampler, direction="maximize")
    study.optimize(lambda t: -((t.suggest_float("x", -1, 1) - 0.2) ** 2), n_trials=3)
    assert len(study.trials) == 3
    sampler.close()


def test_the_pruner_needs_the_sampler() -> None:
    study = optuna.create_study(pruner=SibylPruner())
    trial = study.ask()
    trial.report(1.0, step=1)
    with pytest.raises(TypeError, match="SibylSampler"):
        trial.should_prune()


def quadratic(trial: optuna.Trial) -> float:
    return (trial.suggest_float("x", -2.0, 2.0) - 0.5) ** 2


def test_one_sampler_for_two_studies_keeps_them_apart(
    sampler: SibylSampler, client: sibyl.Client, unique_id: str
) -> None:
    first = optuna.create_study(study_name="first", sampler=sampler)
    second = optuna.create_study(study_name="second", sampler=sampler)  # same space, direction
    first.optimize(quadratic, n_trials=3)
    second.optimize(lambda t: quadratic(t) + 1.0, n_trials=4)
    studies = sibyl_studies(client, unique_id)
    assert sorted(s.proto.display_name for s in studies) == ["first", "second"]
    counts = {s.proto.display_name: len(list(s.trials())) for s in studies}
    assert counts == {"first": 3, "second": 4}


def test_samplers_and_pruners_pickle_and_reconnect(
    sampler: SibylSampler, client: sibyl.Client, unique_id: str
) -> None:
    study = optuna.create_study(sampler=sampler, pruner=SibylPruner(sibyl.MedianStopping()))
    study.optimize(quadratic, n_trials=2)
    copy = pickle.loads(pickle.dumps(sampler))
    pruner = pickle.loads(pickle.dumps(study.pruner))
    assert pruner.policy == sibyl.MedianStopping() and copy.seed == 0
    again = optuna.create_study(study_name=study.study_name, sampler=copy, pruner=pruner)
    for trial in study.trials:
        again.add_trial(trial)
    again.optimize(quadratic, n_trials=2)  # the copy loads the same Sibyl study
    [sibyl_study] = sibyl_studies(client, unique_id)
    assert [t.state for t in sibyl_study.trials()] == ["COMPLETED"] * 4
    copy.close()


def test_a_sampler_never_closed_leaves_no_temporary_store(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import optuna
        from sibyl.integrations.optuna import SibylSampler
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = SibylSampler(seed=0)
        optuna.create_study(sampler=sampler).optimize(
            lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        print(sampler._server.directory)
    """)
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    directory = Path(output.stdout.strip().splitlines()[-1])
    assert directory.name.startswith("sibyl-") and not directory.exists()


def test_parallel_threads_share_one_sibyl_study(
    sampler: SibylSampler, client: sibyl.Client, unique_id: str
) -> None:
    # Optuna reseeds the sampler before every trial of n_jobs > 1: a new seed there
    # opened a new Sibyl study per trial (11 for 12 trials).
    study = optuna.create_study(sampler=sampler)
    study.optimize(quadratic, n_trials=8, n_jobs=2)
    seeds = {s.proto.spec.seed: len(list(s.trials())) for s in sibyl_studies(client, unique_id)}
    assert seeds == {0: 8}
    assert sampler.seed == 0
