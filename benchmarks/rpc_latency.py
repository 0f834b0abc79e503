"""Latency of SuggestTrials and CompleteTrial (quasi-random) on SQLite and PostgreSQL.

One server process per backend and authentication mode, one client process (this one)
calling it over loopback: suggest one trial, complete it, repeat. Reports p50/p99 per
RPC. Authentication "none" is the server's default; "token" is how a server shared by
teams runs (`--auth token`, every call carrying a team's bearer token).

    python -m benchmarks.rpc_latency [--iterations 500] [--seed 0] [--auth none,token]
        [--smoke]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import platform
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import sibyl
from benchmarks.auth import create_team_token
from benchmarks.tables import percentile_ms, save_table
from sibyl_server.local import LocalServer, scratch_postgres_schema

TEAM = "latency"

SPEC = sibyl.StudySpec(
    parameters=[sibyl.Double(f"x{i}", 0.0, 1.0) for i in range(6)],
    metrics=[sibyl.Metric("loss")],
    algorithm="quasi_random_search",
)


@contextlib.contextmanager
def store_url(backend: str, postgres_url: str, directory: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'latency.db'}"
    else:
        with scratch_postgres_schema(postgres_url) as url:
            yield url


def measure(
    address: str, iterations: int, warmup: int, seed: int, token: str | None
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"SuggestTrials": [], "CompleteTrial": []}
    # With authentication off any team name is a team: the same one serves both modes.
    with sibyl.connect(address, team=TEAM, token=token, client_id="latency") as client:
        study = client.create_study(f"latency-{seed}", dataclasses.replace(SPEC, seed=seed))
        for index in range(warmup + iterations):
            began = time.perf_counter()
            [trial] = study.suggest()
            suggested = time.perf_counter()
            trial.complete({"loss": sum(float(v) for v in trial.parameters.values())})
            completed = time.perf_counter()
            if index >= warmup:
                timings["SuggestTrials"].append(suggested - began)
                timings["CompleteTrial"].append(completed - suggested)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--auth", default="none,token", help="authentication modes to measure")
    parser.add_argument("--smoke", action="store_true", help="a few iterations, to check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.iterations, args.warmup = 5, 1
    rows, loops = [], set()
    with tempfile.TemporaryDirectory() as scratch:
        for backend, auth in itertools.product(args.backends.split(","), args.auth.split(",")):
            with (
                store_url(backend, args.postgres_url, Path(scratch) / auth) as url,
                LocalServer(url, Path(scratch) / auth, name=backend, auth=auth) as server,
            ):
                loops.add(server.event_loop())
                token = create_team_token(url, TEAM) if auth == "token" else None
                timings = measure(server.address, args.iterations, args.warmup, args.seed, token)
            for rpc, seconds in timings.items():
                rows.append(
                    (
                        backend,
                        auth,
                        rpc,
                        len(seconds),
                        percentile_ms(seconds, 50),
                        percentile_ms(seconds, 99),
                    )
                )
    preamble = (
        f"RPC latency, quasi-random study, d=6, {args.iterations} iterations after "
        f"{args.warmup} warm-up, seed {args.seed}, client and server on one "
        f"{platform.machine()} machine over loopback; server on "
        f"{', '.join(sorted(loops))} (--event-loop).\n"
        "Command: python -m benchmarks.rpc_latency "
        f"--iterations {args.iterations} --seed {args.seed} --auth {args.auth}"
    )
    print(preamble)
    headers = ("store", "auth", "RPC", "calls", "p50 ms", "p99 ms")
    print(save_table("rpc_latency", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
