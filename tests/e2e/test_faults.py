"""Faults under load, on a PostgreSQL cluster of the test's own: a replica killed, the
database restarted, the database away for seconds, a lease expiring under a slow worker.

The workers are the README's loop (benchmarks.faults.readme_worker) with no retries of
their own: every fault must be ridden out by the client and the server alone, with
nothing lost, duplicated or mixed, and no error reaching the workers' code.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import sibyl
from benchmarks.faults import (
    FaultRun,
    FaultSettings,
    database_outage,
    kill_a_replica,
    no_fault,
    restart_the_database,
    run_scenario,
)
from benchmarks.postgres_cluster import ThrowawayPostgres, postgres_bin_dir
from sibyl_server.local import LocalServer

SETTINGS = FaultSettings(
    replicas=2,
    workers=8,
    studies=2,
    trials_per_study=16,
    epochs=3,
    epoch_seconds=0.1,
    outage_seconds=4.0,
    lease_seconds=1.0,
    slow_every=4,
)

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _postgres_binaries() -> None:
    if postgres_bin_dir() is None:
        if os.environ.get("SIBYL_REQUIRE_POSTGRES") == "1":
            pytest.fail("the fault tests need PostgreSQL's initdb and pg_ctl")
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")


def _assert_clean(run: FaultRun) -> None:
    assert run.problems == dict.fromkeys(run.problems, 0), (run.problems, _errors(run))
    completed = sum(len(ledger.completed) for ledger in run.ledgers)
    assert completed == SETTINGS.studies * SETTINGS.trials_per_study


def _errors(run: FaultRun) -> list[str]:
    return [error for ledger in run.ledgers for error in ledger.errors]


def test_killing_a_replica_loses_nothing(tmp_path: Path) -> None:
    run = run_scenario("kill", SETTINGS, kill_a_replica, tmp_path)
    _assert_clean(run)


def test_a_database_restart_is_ridden_out(tmp_path: Path) -> None:
    run = run_scenario("restart", SETTINGS, restart_the_database, tmp_path)
    _assert_clean(run)
    assert run.retried_calls > 0, "the restart was felt, and retried"


def test_a_database_outage_is_ridden_out(tmp_path: Path) -> None:
    run = run_scenario("outage", SETTINGS, database_outage(SETTINGS.outage_seconds), tmp_path)
    _assert_clean(run)
    assert run.fault_seconds >= SETTINGS.outage_seconds
    assert run.retried_calls > 0


def test_a_slow_worker_loses_its_trial_cleanly(tmp_path: Path) -> None:
    lease = SETTINGS.lease_seconds
    run = run_scenario(
        "lease", SETTINGS, no_fault, tmp_path, lease_seconds=lease, slow_seconds=3 * lease
    )
    _assert_clean(run)
    assert sum(ledger.dropped for ledger in run.ledgers) > 0, "a lease moved, and was fenced"


def test_optimize_rides_out_a_database_outage(tmp_path: Path) -> None:
    """`sibyl.optimize` with workers, the database away for seconds mid-run: every trial
    finishes, none is marked infeasible, nothing reaches the caller."""
    database = ThrowawayPostgres()
    server = LocalServer(database.url, tmp_path, name="optimize", health_check_seconds=0.5)
    try:
        client = sibyl.connect(server.address, team="faults")
        spec = sibyl.StudySpec(
            parameters=[sibyl.Double("x", 0.0, 1.0)],
            metrics=[sibyl.Metric("loss", goal="minimize")],
            algorithm="random_search",
        )
        study = client.create_study("optimize-outage", spec)

        def objective(trial: sibyl.Trial) -> float:
            for step in range(3):
                time.sleep(0.1)
                trial.report({"loss": trial.parameters["x"] + 1 / (step + 1)}, step=step)
            return float(trial.parameters["x"])

        went_down = threading.Event()
        outage = threading.Timer(1.0, _outage, (database, 3.0, went_down))
        outage.start()
        result = sibyl.optimize(objective, study, n_trials=40, n_workers=4, progress=None)
        assert went_down.is_set(), "the run ended before the outage began"
        outage.join()
        states = [t.state for t in study.trials()]
        assert len(result.trials) == 40
        assert states.count("COMPLETED") == 40 and "INFEASIBLE" not in states
    finally:
        server.terminate()
        database.close()


def _outage(database: ThrowawayPostgres, seconds: float, went_down: threading.Event) -> None:
    database.stop()
    went_down.set()
    time.sleep(seconds)
    database.start()
