"""Faults under load: workers written as the README shows, over several replicas on one
PostgreSQL, through a replica `kill -9`, a database restart, a database outage and a
lease that expires under a slow worker.

Each worker is the README's loop and nothing more: no retry of its own, no error
handling (`with trial:` is all). Every call a worker made that returned is written to
its ledger; afterwards the database is audited against the ledgers:
- lost: a completion a worker was told succeeded that the database does not hold;
- duplicated: a trial completed by two workers;
- mixed: a trial whose stored measurements are not all its final holder's;
- errors: exceptions that reached a worker's own code (the loop died).
Each worker's values carry its index (a tiny offset), so a mixed history shows.

The database is a cluster of its own (benchmarks.postgres_cluster), never a shared one.

    python -m benchmarks.faults [--replicas 3] [--workers 64] [--outage-seconds 30]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import multiprocessing
import platform
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

import sibyl
from benchmarks.postgres_cluster import ThrowawayPostgres
from benchmarks.tables import save_table
from sibyl_server.local import LocalServer

Key = tuple[str, int]
"""(study id, trial number)."""


@dataclasses.dataclass(frozen=True)
class FaultSettings:
    replicas: int = 3
    workers: int = 64
    studies: int = 8
    trials_per_study: int = 40
    epochs: int = 5
    epoch_seconds: float = 0.2
    outage_seconds: float = 30.0
    lease_seconds: float = 2.0
    slow_every: int = 8
    """In the lease scenario, one in this many workers of a study is slow on its first
    trial."""
    seed: int = 0


@dataclasses.dataclass
class Ledger:
    """What one worker was told succeeded, and what reached its own code."""

    client_id: str
    index: int
    measured: dict[Key, list[tuple[int, float]]] = dataclasses.field(
        default_factory=lambda: defaultdict(list)
    )
    completed: dict[Key, float] = dataclasses.field(default_factory=dict)
    completion_times: list[float] = dataclasses.field(default_factory=list)
    dropped: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)


def spec(settings: FaultSettings, lease_seconds: float | None) -> sibyl.StudySpec:
    return sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0.0, 1.0), sibyl.Double("y", 0.0, 1.0)],
        metrics=[sibyl.Metric("loss")],
        algorithm="quasi_random_search",
        max_trials=settings.trials_per_study,
        seed=settings.seed,
        trial_lease_seconds=lease_seconds,
    )


def loss(parameters: dict[str, float | int | str], epoch: int, worker: int) -> float:
    base = sum((float(v) - 0.3) ** 2 for v in parameters.values()) / (epoch + 1)
    return base + worker * 1e-6


def readme_worker(
    target: str,
    study_id: str,
    study_spec: sibyl.StudySpec,
    settings: FaultSettings,
    ledger: Ledger,
    slow_seconds: float,
) -> None:
    """The README's loop, with the ledger written after each call that returned."""
    client = sibyl.connect(target, team="faults", client_id=ledger.client_id)
    study = client.create_or_load_study(study_id, study_spec)
    while trials := study.suggest():
        for trial in trials:
            key = (study_id, trial.id)
            with trial:
                value = 0.0
                for epoch in range(settings.epochs):
                    time.sleep(settings.epoch_seconds + slow_seconds)
                    slow_seconds = 0.0  # slow on its first epoch only
                    value = loss(trial.parameters, epoch, ledger.index)
                    trial.report({"loss": value}, step=epoch)
                    ledger.measured[key].append((epoch, value))
                trial.complete({"loss": value})
                ledger.completed[key] = value
                ledger.completion_times.append(time.monotonic())
            ledger.dropped += trial.lease_lost
    client.close()


def _guarded(work: Callable[[], None], ledger: Ledger) -> None:
    try:
        work()
    except BaseException as error:  # what reached the worker's own code
        ledger.errors.append(f"{type(error).__name__}: {error}")


@dataclasses.dataclass
class FaultRun:
    """One scenario's outcome."""

    name: str
    ledgers: list[Ledger]
    problems: dict[str, int]
    retried_calls: int
    fault_seconds: float
    recovery_seconds: float | None
    elapsed: float


class _RetryCounter(logging.Handler):
    """Counts the client's 'retrying' warnings: one per call that needed a retry."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "retrying" in record.getMessage()


class Cluster:
    """A throwaway PostgreSQL and the replicas serving it."""

    def __init__(self, settings: FaultSettings, directory: Path) -> None:
        self.database = ThrowawayPostgres()
        self.directory = directory
        self.replicas = [self._start(f"replica-{i}", None) for i in range(settings.replicas)]
        self.target = "ipv4:" + ",".join(r.address for r in self.replicas)

    def _start(self, name: str, address: str | None) -> LocalServer:
        flags = {"health_check_seconds": 0.5, "workers": 8, "db_pool_size": 16}
        if address is not None:
            flags["address"] = address
        return LocalServer(self.database.url, self.directory, name=name, **flags)

    def kill_and_restart(self, index: int, down_seconds: float) -> float:
        """kill -9 of a replica; the same address serves again after `down_seconds`."""
        victim = self.replicas[index]
        victim.kill()
        killed = time.monotonic()
        time.sleep(down_seconds)
        self.replicas[index] = self._start(f"replica-{index}-again", victim.address)
        return killed

    def close(self) -> None:
        for replica in self.replicas:
            if replica.process.poll() is None:
                replica.terminate()
        self.database.close()


def run_scenario(
    name: str,
    settings: FaultSettings,
    fault: Callable[[Cluster], tuple[float, float]],
    directory: Path,
    lease_seconds: float | None = None,
    slow_seconds: float = 0.0,
) -> FaultRun:
    """Runs the workers to the end; `fault` strikes once a quarter of the trials are done
    and returns (when the fault started, when the service came back)."""
    cluster = Cluster(settings, directory)
    counter = _RetryCounter()
    logging.getLogger("sibyl").addHandler(counter)
    try:
        ledgers, threads = _start_workers(cluster.target, settings, lease_seconds, slow_seconds)
        began = time.monotonic()
        total = settings.studies * settings.trials_per_study
        while sum(len(ledger.completed) for ledger in ledgers) < total // 4:
            if not any(thread.is_alive() for thread in threads):
                break
            time.sleep(0.01)
        struck, back = fault(cluster)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        problems = audit(cluster.database.url, ledgers, settings)
    finally:
        logging.getLogger("sibyl").removeHandler(counter)
        cluster.close()
    after = sorted(t for ledger in ledgers for t in ledger.completion_times if t >= back)
    return FaultRun(
        name,
        ledgers,
        problems,
        counter.count,
        back - struck,
        after[0] - back if after else None,
        elapsed,
    )


def _start_workers(
    target: str, settings: FaultSettings, lease_seconds: float | None, slow_seconds: float
) -> tuple[list[Ledger], list[threading.Thread]]:
    study_spec = spec(settings, lease_seconds)
    ledgers = [Ledger(f"worker-{i}", i) for i in range(settings.workers)]
    threads = []
    for ledger in ledgers:
        # The first of every `slow_every` workers of each study is slow.
        turn = ledger.index // settings.studies
        slow = slow_seconds if turn % settings.slow_every == 0 else 0.0
        study_id = f"faults-{ledger.index % settings.studies}"
        work = lambda lg=ledger, s=study_id, sl=slow: readme_worker(  # noqa: E731
            target, s, study_spec, settings, lg, sl
        )
        threads.append(threading.Thread(target=_guarded, args=(work, ledger)))
    for thread in threads:
        thread.start()
    return ledgers, threads


def audit(url: str, ledgers: list[Ledger], settings: FaultSettings) -> dict[str, int]:
    """Compares the ledgers with the database; every count is 0 when nothing went wrong."""
    stored = _stored_trials(url)
    completions: dict[Key, list[tuple[str, float]]] = defaultdict(list)
    for ledger in ledgers:
        for key, value in ledger.completed.items():
            completions[key].append((ledger.client_id, value))
    measured = {
        (ledger.client_id, key): set(points)
        for ledger in ledgers
        for key, points in ledger.measured.items()
    }
    numbers = defaultdict(list)
    for study, number in stored:
        numbers[study].append(number)
    dense = list(range(1, settings.trials_per_study + 1))
    return {
        "lost": sum(
            stored.get(key, {}).get("final") != value
            or stored.get(key, {}).get("client_id") != worker
            for key, acks in completions.items()
            for worker, value in acks
        ),
        "duplicated": sum(len(acks) > 1 for acks in completions.values()),
        "mixed": sum(
            not set(trial["measurements"]) <= measured.get((trial["client_id"], key), set())
            for key, trial in stored.items()
        ),
        "unfinished": sum(trial["state"] != "COMPLETED" for trial in stored.values()),
        "not_dense": sum(sorted(found) != dense for found in numbers.values()),
        "errors": sum(len(ledger.errors) for ledger in ledgers),
    }


def _stored_trials(url: str) -> dict[Key, dict]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    trials_query = sa.text(
        "SELECT t.pk, s.study_id, t.number, t.state, t.client_id, t.final_measurement "
        "FROM trials t JOIN studies s ON s.pk = t.study_pk WHERE s.team = 'faults'"
    )
    measurements_query = sa.text("SELECT trial_pk, step, metrics FROM measurements")
    with engine.connect() as connection:
        rows = connection.execute(trials_query).all()
        points = defaultdict(list)
        for trial_pk, step, metrics in connection.execute(measurements_query):
            points[trial_pk].append((step, json.loads(metrics)["loss"]))
    engine.dispose()
    return {
        (study, number): {
            "state": state,
            "client_id": client_id,
            "final": json.loads(final)["metrics"]["loss"] if final else None,
            "measurements": points[pk],
        }
        for pk, study, number, state, client_id, final in rows
    }


# The faults ---------------------------------------------------------------------------


def kill_a_replica(cluster: Cluster) -> tuple[float, float]:
    """The survivors serve at once: the service is back the moment the replica dies."""
    killed = cluster.kill_and_restart(0, down_seconds=5.0)
    return killed, killed


def restart_the_database(cluster: Cluster) -> tuple[float, float]:
    struck = time.monotonic()
    cluster.database.restart()
    return struck, time.monotonic()


def database_outage(seconds: float) -> Callable[[Cluster], tuple[float, float]]:
    def outage(cluster: Cluster) -> tuple[float, float]:
        struck = time.monotonic()
        cluster.database.stop()
        time.sleep(seconds)
        cluster.database.start()
        return struck, time.monotonic()

    return outage


def no_fault(cluster: Cluster) -> tuple[float, float]:
    now = time.monotonic()
    return now, now


def run_all(settings: FaultSettings, directory: Path, smoke: bool = False) -> list[FaultRun]:
    """Every scenario in turn; a smoke run only restarts the database (the quickest)."""
    lease = settings.lease_seconds
    restart = run_scenario("PostgreSQL restart", settings, restart_the_database, directory)
    if smoke:
        return [restart]
    return [
        run_scenario("replica kill -9", settings, kill_a_replica, directory),
        restart,
        run_scenario(
            f"PostgreSQL outage {settings.outage_seconds:g} s",
            settings,
            database_outage(settings.outage_seconds),
            directory,
        ),
        run_scenario(
            f"lease {lease:g} s, slow workers",
            settings,
            no_fault,
            directory,
            lease_seconds=lease,
            slow_seconds=3 * lease,
        ),
    ]


def table_rows(runs: list[FaultRun]) -> list[tuple[object, ...]]:
    rows = []
    for run in runs:
        completed = sum(len(ledger.completed) for ledger in run.ledgers)
        dropped = sum(ledger.dropped for ledger in run.ledgers)
        recovery = "" if run.recovery_seconds is None else f"{run.recovery_seconds:.2f}"
        p = run.problems
        rows.append(
            (run.name, completed, p["lost"], p["duplicated"], p["mixed"], p["errors"],
             p["unfinished"] + p["not_dense"], run.retried_calls, dropped,
             f"{run.fault_seconds:.1f}", recovery, f"{run.elapsed:.1f}")
        )  # fmt: skip
    return rows


HEADERS = (
    "fault", "results acknowledged", "lost", "duplicated", "mixed", "errors in user code",
    "unfinished or gaps", "calls retried", "trials dropped (lease lost)", "fault s",
    "recovery s", "run s",
)  # fmt: skip


OPTIONS = ("replicas", "workers", "studies", "trials_per_study", "outage_seconds", "seed")
"""The settings the command line may change (`--trials-per-study`, ...), FaultSettings'
defaults by default."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in OPTIONS:
        default = getattr(FaultSettings, name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    parser.add_argument("--smoke", action="store_true", help="a tiny run, to check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.replicas, args.workers, args.studies, args.trials_per_study = 2, 4, 2, 8
    settings = FaultSettings(**{name: getattr(args, name) for name in OPTIONS})
    with tempfile.TemporaryDirectory() as scratch:
        runs = run_all(settings, Path(scratch), smoke=args.smoke)
    preamble = (
        f"Faults: {settings.workers} workers written as the README shows, over "
        f"{settings.replicas} replicas on one PostgreSQL, {settings.studies} studies x "
        f"{settings.trials_per_study} trials ({settings.epochs} measurements each), all on one "
        f"{platform.machine()} machine ({multiprocessing.cpu_count()} CPUs), seed {settings.seed}."
        "\nRecovery: from the service being back (the replica killed: at once, its peers "
        "serve; the database: up again) to the next result acknowledged.\n"
        "Command: python -m benchmarks.faults "
        f"--replicas {settings.replicas} --workers {settings.workers} --studies "
        f"{settings.studies} --trials-per-study {settings.trials_per_study} "
        f"--outage-seconds {settings.outage_seconds:g} --seed {settings.seed}"
    )
    print(preamble)
    print(save_table("faults", HEADERS, table_rows(runs), preamble, save=not args.smoke))
    for run in runs:
        for ledger in run.ledgers:
            for error in ledger.errors:
                print(f"{run.name}: {ledger.client_id}: {error}")


if __name__ == "__main__":
    main()
