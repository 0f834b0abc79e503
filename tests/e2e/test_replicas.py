"""Two server processes on one PostgreSQL database behave as one server."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path

import pytest

import sibyl
from tests.support.servers import ServerProcess

WORKERS = 24
BUDGET = 150
QUEUED = 20


def objective(parameters: dict[str, float | int | str]) -> float:
    return (float(parameters["x"]) - 0.3) ** 2 + int(parameters["n"])


@pytest.mark.slow
def test_concurrent_workers_on_two_replicas_get_each_trial_exactly_once(
    postgres_url: str, tmp_path: Path, unique_id: str
) -> None:
    replicas = [ServerProcess(postgres_url, tmp_path, f"replica-{i}") for i in range(2)]
    try:
        _run_workers(replicas, unique_id)
    finally:
        for replica in replicas:
            assert replica.terminate() == 0, replica.log_path.read_text()


def _run_workers(replicas: list[ServerProcess], study_id: str) -> None:
    clients = [sibyl.connect(r.address, team="replicas") for r in replicas]
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0, 1), sibyl.Integer("n", 1, 4)],
        metrics=[sibyl.Metric("loss")],
        algorithm="quasi_random_search",
        max_trials=BUDGET,
        seed=3,
    )
    study = clients[0].create_or_load_study(study_id, spec)
    handed: list[tuple[int, str]] = []
    reported: dict[int, float] = {}
    lock = threading.Lock()
    errors: list[BaseException] = []

    queueing = threading.Event()

    def queue_trials() -> None:
        # Users queue trials while workers connect: each must be handed out exactly
        # once. The workers ask once all are queued: batched suggestions could spend the
        # whole budget before the last ones were added (max_trials reached).
        try:
            for i in range(QUEUED):
                study.add_trial({"x": i / QUEUED, "n": 1 + i % 4})
        except BaseException as error:
            errors.append(error)
        finally:
            queueing.set()

    def work(index: int) -> None:
        rng = random.Random(index)
        mine = clients[index % 2].get_study(study_id)
        client_id = f"worker-{index}"
        queueing.wait(60)
        try:
            while trials := mine.suggest(count=rng.randint(1, 3), client_id=client_id):
                with lock:
                    handed.extend((t.id, client_id) for t in trials)
                for trial in trials:
                    value = objective(trial.parameters)
                    trial.complete({"loss": value})
                    with lock:
                        reported[trial.id] = value
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
    threads.append(threading.Thread(target=queue_trials))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors

    counts = Counter(trial_id for trial_id, _ in handed)
    assert sorted(counts) == list(range(1, BUDGET + 1)), "trial ids are unique and dense"
    assert max(counts.values()) == 1, "no trial was handed out twice"
    stored = {t.id: t for t in clients[1].get_study(study_id).trials()}
    assert len(stored) == BUDGET
    owners = dict(handed)
    for trial_id, trial in stored.items():
        assert trial.state == "COMPLETED"
        assert trial.proto.client_id == owners[trial_id]
        assert trial.metrics["loss"] == reported[trial_id], "no observation lost or altered"
    users = [t for t in stored.values() if t.metadata["sibyl.algorithm"] == "USER"]
    assert len(users) == QUEUED, "every queued trial was handed out"
    # Each replica's draws continue the study's one Sobol sequence: none is drawn twice.
    drawn = [t.parameters["x"] for t in stored.values() if t.metadata["sibyl.algorithm"] != "USER"]
    assert len(set(drawn)) == len(drawn) == BUDGET - QUEUED
    assert study.refresh().state == "COMPLETED"
    for client in clients:
        client.close()
