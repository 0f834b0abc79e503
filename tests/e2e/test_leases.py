"""A worker that dies mid-trial loses it after the lease; a live one keeps it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import sibyl
from tests.support.servers import ServerThread

LEASE = 1.5
WORKER = textwrap.dedent(
    """
    import sys, time, sibyl
    study = sibyl.connect(sys.argv[1]).get_study(sys.argv[2])
    [trial] = study.suggest(client_id="doomed-worker")
    trial.report({"loss": 1.0}, step=1)
    print(trial.id, flush=True)
    time.sleep(600)
    """
)


def lease_spec() -> sibyl.StudySpec:
    return sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0, 1)],
        metrics=[sibyl.Metric("loss")],
        algorithm="random_search",
        trial_lease_seconds=LEASE,
    )


def test_trial_of_a_killed_worker_is_reassigned_after_the_lease(
    server: ServerThread, unique_id: str
) -> None:
    client = sibyl.connect(server.address)
    study = client.create_study(unique_id, lease_spec())
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, server.address, unique_id], stdout=subprocess.PIPE, text=True
    )
    assert worker.stdout is not None
    dead_trial = int(worker.stdout.readline())
    worker.kill()
    worker.wait()
    killed_at = time.monotonic()

    [fresh] = study.suggest(client_id="survivor")
    assert fresh.id != dead_trial, "within the lease the trial still belongs to its worker"
    fresh.complete({"loss": 0.5})
    time.sleep(max(0.0, LEASE + 0.3 - (time.monotonic() - killed_at)))
    [taken_over] = study.suggest(client_id="survivor")
    assert taken_over.id == dead_trial
    assert taken_over.proto.client_id == "survivor"
    assert list(taken_over.proto.measurements) == [], "it starts over, on one worker's curve"
    taken_over.complete({"loss": 0.25})
    assert study.get_trial(dead_trial).state == "COMPLETED"
    client.close()


def test_measurements_and_resuggesting_keep_the_lease(server: ServerThread, unique_id: str) -> None:
    client = sibyl.connect(server.address)
    study = client.create_study(unique_id, lease_spec())
    [reporting] = study.suggest(client_id="reporter")
    [resuming] = study.suggest(client_id="resumer")
    for step in range(1, 5):
        time.sleep(LEASE / 2)
        reporting.report({"loss": 1.0 / step}, step=step)
        assert [t.id for t in study.suggest(client_id="resumer")] == [resuming.id]
    [other] = study.suggest(client_id="third")
    assert other.id not in (reporting.id, resuming.id), "live workers keep their trials"
    client.close()
