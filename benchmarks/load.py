"""Load test: N replicas on one PostgreSQL (or one on SQLite), M workers across S studies.

Each worker connects to every replica (client-side round-robin), takes one trial at a
time from its study, reports one intermediate measurement, completes it with a cheap
objective, and repeats until the study's budget is used up. Afterwards the database is
checked: every completed measurement stored exactly once, no trial handed out twice,
trial numbers dense, nothing left ACTIVE. The same load runs with 1 replica, so
scale-out shows as a ratio.

    python -m benchmarks.load [--replicas 3] [--workers 64] [--studies 8] [--seed 0]
    python -m benchmarks.load --store sqlite [--workers 32] [--studies 4]

With `--auth token` the replicas run as a server shared by teams does, every call
carrying a team's bearer token (the tables are then load_token and load_sqlite_token).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import random
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

import sibyl
from benchmarks.auth import create_team_token
from benchmarks.tables import percentile_ms, save_table
from sibyl_server.local import LocalServer, scratch_postgres_schema

RPCS = ("SuggestTrials", "AddTrialMeasurement", "CompleteTrial")


@dataclasses.dataclass(frozen=True)
class Caller:
    """Whom the workers call as: a team, and its token where the replicas check one."""

    team: str
    token: str | None = None


@dataclasses.dataclass
class WorkerReport:
    """What one worker saw: latencies per RPC, and every result it reported."""

    latencies: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    results: dict[tuple[str, int], float] = dataclasses.field(default_factory=dict)
    handed: list[tuple[str, int]] = dataclasses.field(default_factory=list)


def objective(parameters: dict[str, float | int | str]) -> float:
    return sum((float(v) - 0.25) ** 2 for v in parameters.values())


def work_until_done(
    target: str, caller: Caller, study_id: str, client_id: str, report: WorkerReport
) -> None:
    """One worker's loop, with no error handling of its own: the client retries calls
    that failed because a replica or the database was away."""
    with sibyl.connect(target, team=caller.team, token=caller.token, client_id=client_id) as client:
        study = client.get_study(study_id)
        while trials := _timed(report, "SuggestTrials", lambda: study.suggest()):
            for trial in trials:
                value = objective(trial.parameters)
                report.handed.append((study_id, trial.id))
                _timed(report, "AddTrialMeasurement", lambda t=trial, v=value: _report(t, v))
                _timed(report, "CompleteTrial", lambda t=trial, v=value: t.complete({"loss": v}))
                report.results[(study_id, trial.id)] = value


def _report(trial: sibyl.Trial, value: float) -> None:
    trial.report({"loss": value * 2}, step=1)


def _timed(report: WorkerReport, rpc: str, call):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = call()
    report.latencies[rpc].append(time.perf_counter() - began)
    return result


def _client_process(
    target: str, caller: Caller, assignments: list[tuple[str, str]]
) -> WorkerReport:
    """Runs one thread per (study, client id) assignment; merges their reports."""
    reports = [WorkerReport() for _ in assignments]
    threads = [
        threading.Thread(target=work_until_done, args=(target, caller, study, client, report))
        for (study, client), report in zip(assignments, reports, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return merge_reports(reports)


def merge_reports(reports: list[WorkerReport]) -> WorkerReport:
    merged = WorkerReport()
    for report in reports:
        for rpc, values in report.latencies.items():
            merged.latencies[rpc].extend(values)
        merged.results.update(report.results)
        merged.handed.extend(report.handed)
    merged.latencies = dict(merged.latencies)  # picklable across processes
    return merged


@dataclasses.dataclass(frozen=True)
class LoadSettings:
    workers: int
    studies: int
    trials_per_study: int
    client_processes: int
    seed: int
    algorithm: str = "quasi_random_search"
    auth: str = "none"


def create_studies(target: str, caller: Caller, settings: LoadSettings) -> list[str]:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double(f"x{i}", 0.0, 1.0) for i in range(4)],
        metrics=[sibyl.Metric("loss")],
        algorithm=settings.algorithm,
        max_trials=settings.trials_per_study,
        seed=settings.seed,
    )
    with sibyl.connect(target, team=caller.team, token=caller.token) as client:
        return [client.create_study(f"load-{i}", spec).study_id for i in range(settings.studies)]


def run_load(target: str, caller: Caller, settings: LoadSettings) -> tuple[WorkerReport, float]:
    """Runs the workers (in several client processes) to the end; returns what they saw
    and the wall time."""
    studies = create_studies(target, caller, settings)
    rng = random.Random(settings.seed)
    assignments = [(studies[i % len(studies)], f"worker-{i}") for i in range(settings.workers)]
    rng.shuffle(assignments)
    chunks = [assignments[i :: settings.client_processes] for i in range(settings.client_processes)]
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(settings.client_processes) as pool:
        parts = pool.starmap(_client_process, [(target, caller, chunk) for chunk in chunks])
    elapsed = time.perf_counter() - began
    return merge_reports(parts), elapsed


def check_database(
    url: str, team: str, report: WorkerReport, settings: LoadSettings
) -> dict[str, int]:
    """Compares what workers reported with what the database holds. Returns the problems
    found per kind (all zero when nothing was lost, duplicated or left behind)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    query = sa.text(
        "SELECT s.study_id, t.number, t.state, t.final_measurement, "
        "(SELECT count(*) FROM measurements m WHERE m.trial_pk = t.pk) AS measured "
        "FROM trials t JOIN studies s ON s.pk = t.study_pk WHERE s.team = :team"
    )
    with engine.connect() as connection:
        rows = connection.execute(query, {"team": team}).all()
    engine.dispose()
    stored = {
        (study, number): json.loads(final)["metrics"]["loss"] if final else None
        for study, number, _, final, _ in rows
    }
    by_study: dict[str, list[int]] = defaultdict(list)
    for study, number in stored:
        by_study[study].append(number)
    dense = range(1, settings.trials_per_study + 1)
    return {
        "lost": len(set(report.results) - set(stored)),
        "altered": sum(stored.get(key) != value for key, value in report.results.items()),
        "measured_not_once": sum(measured != 1 for *_, measured in rows),
        "handed_twice": len(report.handed) - len(set(report.handed)),
        "not_dense": sum(sorted(numbers) != list(dense) for numbers in by_study.values()),
        "stuck": sum(state != "COMPLETED" for _, _, state, _, _ in rows),
    }


@contextmanager
def scratch_store(store: str, postgres_url: str, directory: Path, name: str) -> Iterator[str]:
    """A new, empty store's URL: a schema of its own on PostgreSQL, or a SQLite file."""
    if store == "sqlite":
        yield f"sqlite:///{directory / name}.db"
        return
    with scratch_postgres_schema(postgres_url) as url:
        yield url


@dataclasses.dataclass(frozen=True)
class Scenario:
    """What one load on some replicas gave.

    Attributes:
        report: The workers' report.
        elapsed: Seconds the load took.
        problems: The database check's problems, by kind.
        cpu: CPU seconds the servers spent under the load (None where not readable).
        loops: The event loops the servers ran on.
    """

    report: WorkerReport
    elapsed: float
    problems: dict[str, int]
    cpu: float | None
    loops: set[str]


def run_scenario(
    replicas: int, store: str, postgres_url: str, settings: LoadSettings, directory: Path
) -> Scenario:
    """`settings`' load on `replicas` new servers of a new, empty store."""
    team = "load"
    with scratch_store(store, postgres_url, directory, f"load-{replicas}") as url:
        servers = [
            LocalServer(url, directory, name=f"replica-{replicas}-{i}", auth=settings.auth)
            for i in range(replicas)
        ]
        try:
            # The replicas have migrated the store: the team can be written now.
            token = create_team_token(url, team) if settings.auth == "token" else None
            loops = {s.event_loop() for s in servers}
            target = "ipv4:" + ",".join(s.address for s in servers)
            before = [cpu_seconds(s.process.pid) for s in servers]
            report, elapsed = run_load(target, Caller(team, token), settings)
            after = [cpu_seconds(s.process.pid) for s in servers]
        finally:
            for server in servers:
                server.terminate()
        problems = check_database(url, team, report, settings)
    spent = [b - a for a, b in zip(before, after, strict=True) if a is not None and b is not None]
    cpu = sum(spent) if len(spent) == replicas else None
    return Scenario(report, elapsed, problems, cpu, loops)


def cpu_seconds(pid: int) -> float | None:
    """The user and system CPU seconds process `pid` has used, from /proc (Linux); None
    elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command's name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--studies", type=int, default=8)
    parser.add_argument("--trials-per-study", type=int, default=100)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--algorithm", default="quasi_random_search")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--auth", choices=("none", "token"), default="none")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--smoke", action="store_true", help="a tiny load, to check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.replicas, args.workers, args.studies, args.trials_per_study = 2, 4, 2, 6
        args.client_processes = 2
    settings = LoadSettings(
        args.workers,
        args.studies,
        args.trials_per_study,
        args.client_processes,
        args.seed,
        args.algorithm,
        args.auth,
    )
    if args.store == "sqlite":
        args.replicas = 1  # a SQLite file serves one machine's replica
    rows, throughput, loops = [], {}, set()
    with tempfile.TemporaryDirectory() as scratch:
        for replicas in sorted({1, args.replicas}):
            scenario = run_scenario(
                replicas, args.store, args.postgres_url, settings, Path(scratch)
            )
            loops |= scenario.loops
            report, cpu = scenario.report, scenario.cpu
            completed = len(report.results)
            throughput[replicas] = completed / scenario.elapsed
            calls = sum(len(report.latencies.get(rpc, [])) for rpc in RPCS)
            cpu_per_call = "-" if cpu is None or not calls else f"{1000 * cpu / calls:.2f}"
            for rpc in RPCS:
                seconds = report.latencies.get(rpc, [])
                rows.append(
                    (
                        replicas,
                        rpc,
                        len(seconds),
                        percentile_ms(seconds, 50),
                        percentile_ms(seconds, 99),
                        f"{throughput[replicas]:.1f}",
                        completed,
                        sum(scenario.problems.values()),
                        cpu_per_call,
                    )
                )
            print(
                f"{replicas} replica(s): {completed} trials in {scenario.elapsed:.1f} s, "
                f"problems {scenario.problems}"
            )
    ratio = throughput[args.replicas] / throughput[1]
    store = "PostgreSQL" if args.store == "postgresql" else "SQLite"
    preamble = (
        f"Load: {args.workers} workers over {args.studies} studies x "
        f"{args.trials_per_study} trials ({args.algorithm}), {args.client_processes} client "
        f"processes, {store}, all on one {platform.machine()} machine "
        f"({multiprocessing.cpu_count()} CPUs), seed {args.seed}; servers on "
        f"{', '.join(sorted(loops))} (--event-loop).\n"
        + (
            f"Throughput with {args.replicas} replicas / 1 replica: {ratio:.2f}x.\n"
            if args.replicas > 1
            else ""
        )
        + "Command: python -m benchmarks.load "
        + ("--store sqlite " if args.store == "sqlite" else f"--replicas {args.replicas} ")
        + f"--workers {args.workers} --studies {args.studies} "
        f"--trials-per-study {args.trials_per_study} --seed {args.seed}"
        + (" --auth token" if args.auth == "token" else "")
    )
    headers = (
        "replicas", "RPC", "calls", "p50 ms", "p99 ms", "trials/s",
        "trials completed", "records lost or duplicated", "server CPU ms per call (all RPCs)",
    )  # fmt: skip
    print(preamble)
    name = ("load" if args.store == "postgresql" else "load_sqlite") + (
        "_token" if args.auth == "token" else ""
    )
    print(save_table(name, headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
