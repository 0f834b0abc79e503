"""The dashboard on large studies: page load in headless Chromium, ListTrials over HTTP,
and the store work of one refresh of a running study.

    python -m benchmarks.dashboard [--trials 500 5000] [--repeats 5] [--seed 0] [--smoke]

A server in this process (SQLite, --auth token, JSON API on a loopback port) holds one
study per size: COMPLETED trials with five intermediate measurements each (one in ten
violating the constraint, one in eight stopped early), added through the Python client,
and one ACTIVE trial held by a worker, so the study is running. Needs Debian's chromium
and chromium-driver (`make browser`).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

import sibyl
from benchmarks.auth import create_team_token
from benchmarks.browser import headless_chromium, wait_for
from benchmarks.tables import RESULTS, markdown_table
from sibyl.v1 import study_service_pb2
from sibyl_server.local import InProcessServer
from sibyl_server.runtime import freeze_startup_heap

STEPS = 5
SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Double("learning_rate", 1e-5, 1e-1, scale="log"),
        sibyl.Double("weight_decay", 1e-6, 1e-2, scale="log"),
        sibyl.Integer("layers", 2, 12),
        sibyl.Discrete("batch_size", [32, 64, 128, 256]),
        sibyl.Categorical("optimizer", ["sgd", "adam", "adamw"]),
        sibyl.Double("momentum", 0.0, 0.99, when=sibyl.When("optimizer", ["sgd"])),
    ],
    metrics=[sibyl.Metric("val_loss", goal="minimize"), sibyl.Constraint("memory_gb", at_most=20)],
    algorithm="quasi_random_search",
)


def random_parameters(rng: random.Random) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "learning_rate": 10 ** rng.uniform(-5, -1),
        "weight_decay": 10 ** rng.uniform(-6, -2),
        "layers": rng.randint(2, 12),
        "batch_size": rng.choice([32, 64, 128, 256]),
        "optimizer": rng.choice(["sgd", "adam", "adamw"]),
    }
    if parameters["optimizer"] == "sgd":
        parameters["momentum"] = rng.uniform(0.0, 0.99)
    return parameters


def learning_curve(parameters: dict[str, Any], rng: random.Random) -> list[float]:
    """A validation loss per step: best near a learning rate of 3e-3, deeper is better."""
    distance = (math.log10(parameters["learning_rate"]) + 2.5) ** 2
    floor = 0.2 + 0.15 * distance + 0.3 / parameters["layers"] + rng.gauss(0, 0.02)
    return [floor + (1.5 - floor) * math.exp(-step / 1.5) for step in range(STEPS)]


def add_finished_trials(study: sibyl.Study, count: int, rng: random.Random) -> None:
    """`count` COMPLETED trials with their curves, added as results of earlier runs."""
    for _ in range(count):
        parameters = random_parameters(rng)
        curve = learning_curve(parameters, rng)
        memory = 2.0 * parameters["layers"] * parameters["batch_size"] / 128 + rng.uniform(0, 4)
        study.add_trial(
            parameters,
            {"val_loss": curve[-1], "memory_gb": memory},
            measurements=[(step, {"val_loss": loss}) for step, loss in enumerate(curve)],
        )


def run_worker_trials(study: sibyl.Study, count: int, rng: random.Random) -> None:
    """`count` trials as a worker runs them: suggested, reported, some stopped early."""
    for number in range(count):
        [trial] = study.suggest()
        curve = learning_curve(dict(trial.parameters), rng)
        stop_at = 2 if number % 8 == 7 else None
        for step, loss in enumerate(curve):
            trial.report({"val_loss": loss}, step=step)
            if step == stop_at:
                trial.stop()
                break
        memory = 2.0 * float(trial.parameters["layers"]) + rng.uniform(0, 4)
        trial.complete({"val_loss": loss, "memory_gb": memory})


@dataclass
class StoreCounter:
    """Statements and transactions the server's store runs, counted at the SQLAlchemy engine."""

    statements: int = 0
    transactions: int = 0
    started: float = field(default_factory=time.monotonic)

    def attach(self, engine: Any) -> None:
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._transaction)

    def _statement(self, *args: Any) -> None:
        self.statements += 1

    def _transaction(self, *args: Any) -> None:
        self.transactions += 1

    def reset(self) -> None:
        self.statements = self.transactions = 0


@dataclass
class Bench:
    server: InProcessServer
    team: str
    secret: str
    counter: StoreCounter

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.running.http_port}"


@contextmanager
def bench_server(directory: Path) -> Iterator[Bench]:
    url = f"sqlite:///{directory / 'sibyl.db'}"
    server = InProcessServer(url, auth="token", http_address="127.0.0.1:0", device="cpu")
    freeze_startup_heap()  # as `sibyl serve` does once it is ready
    try:
        team = "bench"
        secret = create_team_token(url, team)
        counter = StoreCounter()
        counter.attach(server.running.store.database.engine)
        yield Bench(server, team, secret, counter)
    finally:
        server.stop()


def make_study(bench: Bench, size: int, seed: int) -> sibyl.Study:
    """A running study of `size` trials: finished ones, then one ACTIVE trial of a worker."""
    rng = random.Random(seed)
    client = sibyl.connect(bench.server.address, team=bench.team, token=bench.secret)
    study = client.create_or_load_study(f"trials-{size}", SPEC)
    worked = max(1, size // 8)
    add_finished_trials(study, size - worked - 1, rng)
    run_worker_trials(study, worked, rng)
    other = sibyl.connect(bench.server.address, team=bench.team, token=bench.secret, client_id="w")
    [running] = other.get_study(study.study_id).suggest()
    running.report({"val_loss": 1.4}, step=0)
    return study


def list_trials_http(bench: Bench, study: str, view: str = "FULL") -> tuple[float, int]:
    """Seconds and bytes to read every trial as JSON (pages of 1,000, as the dashboard
    does), in the view TRIAL_VIEW_`view`."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    headers = {"content-type": "application/json", "authorization": f"Bearer {bench.secret}"}
    path = f"{bench.base}/sibyl.v1.StudyService/ListTrials"
    started, size, token = time.perf_counter(), 0, ""
    while True:
        request = {"parent": study, "pageSize": 1000, "pageToken": token}
        body = json.dumps({**request, "view": f"TRIAL_VIEW_{view}"}).encode()
        with opener.open(urllib.request.Request(path, body, headers), timeout=120) as response:
            data = response.read()
        size += len(data)
        token = json.loads(data).get("nextPageToken", "")
        if not token:
            return time.perf_counter() - started, size


def list_trials_grpc(client: sibyl.Client, study: str) -> tuple[float, int]:
    started, size, token = time.perf_counter(), 0, ""
    while True:
        request = study_service_pb2.ListTrialsRequest(
            parent=study, page_size=1000, page_token=token
        )
        response = client.study_service.list_trials(request)
        size += response.ByteSize()
        token = response.next_page_token
        if not token:
            return time.perf_counter() - started, size


def page_load(driver: Any, bench: Bench, study: sibyl.Study) -> dict[str, float]:
    """Seconds from navigation to the trials read, to the first plots drawn (all but
    the measurement curves, from the trials read without their measurements), to every
    trial plot drawn, and to parameter importance drawn (the page keeps an analysis for
    the session: only the first load of a study asks the server for one)."""
    driver.get("about:blank")
    driver.get(f"{bench.base}/dashboard/?refresh=3600#/studies/{study.study_id}")

    def mark(name: str) -> float | None:
        script = "const m = performance.getEntriesByName(arguments[0]); return m[0]?.startTime"
        return driver.execute_script(script, name)

    first = wait_for(lambda: mark("sibyl:first-plots"), timeout=300, what="the first plots")
    plots = wait_for(lambda: mark("sibyl:plots"), timeout=300, what="the trials' plots")
    ready = wait_for(lambda: mark("sibyl:ready"), timeout=900, what="parameter importance")
    return {
        "data": (mark("sibyl:data") or 0.0) / 1000,
        "first": first / 1000,
        "plots": plots / 1000,
        "ready": ready / 1000,
    }


def refresh_cost(driver: Any, bench: Bench, study: sibyl.Study, every: bool) -> dict[str, float]:
    """The HTTP calls, store work and time of one refresh of the open study page.

    `every`: the page reads every trial at each refresh (`?reload=all`) rather than
    the pending ones and the finished ones it has not read yet.
    """
    reload = "&reload=all" if every else ""
    driver.get(f"{bench.base}/dashboard/?refresh=1{reload}#/studies/{study.study_id}")
    wait_for(lambda: driver.execute_script("return document.body.dataset.ready === '1'"), 300)

    def body(key: str) -> float:
        return float(driver.execute_script(f"return document.body.dataset.{key} || 0"))

    def calls() -> int:
        return int(driver.execute_script("return window.sibyl.traffic.calls"))

    seen = body("refreshes")
    wait_for(lambda: body("refreshes") > seen, 60, "a refresh")  # now between two refreshes
    seen, before = body("refreshes"), calls()
    bench.counter.reset()
    wait_for(lambda: body("refreshes") > seen, 60, "the next refresh")
    return {
        "calls": calls() - before,
        "statements": bench.counter.statements,
        "transactions": bench.counter.transactions,
        "ms": body("refreshMs"),
    }


def sign_in(driver: Any, bench: Bench) -> None:
    driver.get(f"{bench.base}/dashboard/#/signin")
    script = (
        "sessionStorage.setItem('sibyl.team', arguments[0]);"
        "sessionStorage.setItem('sibyl.token', arguments[1])"
    )
    driver.execute_script(script, bench.team, bench.secret)


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(bench: Bench, driver: Any, size: int, seed: int, repeats: int) -> dict[str, Any]:
    print(f"{size} trials: adding them", file=sys.stderr)
    study = make_study(bench, size, seed)
    print(f"{size} trials: measuring", file=sys.stderr)
    client = sibyl.connect(bench.server.address, team=bench.team, token=bench.secret)
    # No page open while listings are timed: the last size's page refreshed every second.
    driver.get("about:blank")
    http = [list_trials_http(bench, study.name) for _ in range(repeats)]
    basic = [list_trials_http(bench, study.name, "BASIC") for _ in range(repeats)]
    grpc = [list_trials_grpc(client, study.name) for _ in range(repeats)]
    loads = [page_load(driver, bench, study) for _ in range(repeats)]
    return {
        "size": size,
        "http_s": median([t for t, _ in http]),
        "basic_s": median([t for t, _ in basic]),
        "basic_mb": basic[0][1] / 1e6,
        "grpc_s": median([t for t, _ in grpc]),
        "http_mb": http[0][1] / 1e6,
        "grpc_mb": grpc[0][1] / 1e6,
        "first_load": loads[0],
        "load": {key: median([load[key] for load in loads]) for key in loads[0]},
        "refresh": refresh_cost(driver, bench, study, every=False),
        "refresh_every": refresh_cost(driver, bench, study, every=True),
    }


def tables(results: list[dict[str, Any]], preamble: str, save: bool) -> str:
    list_rows = [
        [
            r["size"],
            r["basic_s"],
            r["http_s"],
            r["grpc_s"],
            r["http_s"] / r["grpc_s"],
            r["basic_mb"],
            r["http_mb"],
            r["grpc_mb"],
        ]
        for r in results
    ]
    load_rows = [
        [
            r["size"],
            r["load"]["data"],
            r["load"]["first"],
            r["load"]["plots"],
            r["first_load"]["plots"],
            r["first_load"]["ready"],
        ]
        for r in results
    ]
    refresh_rows = [
        [
            r["size"],
            way,
            cost["calls"],
            cost["transactions"],
            cost["statements"],
            cost["ms"],
            r["refresh_every"]["statements"] / max(1, cost["statements"]),
        ]
        for r in results
        for way, cost in (("what changed", r["refresh"]), ("every trial", r["refresh_every"]))
    ]
    list_headers = [
        "trials",
        "HTTP JSON basic s",
        "HTTP JSON full s",
        "gRPC full s",
        "HTTP / gRPC, full",
        "basic JSON MB",
        "full JSON MB",
        "full proto MB",
    ]
    load_headers = [
        "trials",
        "trials read s",
        "first plots drawn s",
        "trial plots drawn s",
        "first load: trial plots s",
        "first load: importance s",
    ]
    refresh_headers = [
        "trials",
        "reads",
        "HTTP calls",
        "store transactions",
        "SQL statements",
        "ms",
        "statements of every trial / these",
    ]
    text = "\n\n".join(
        [
            preamble,
            "ListTrials of every trial (pages of 1,000), median seconds; basic: "
            "TRIAL_VIEW_BASIC (without the intermediate measurements), full: TRIAL_VIEW_FULL:",
            markdown_table(list_headers, list_rows),
            "The study page in headless Chromium, seconds from navigation to the trials "
            "read (without their measurements), to the first plots drawn from them (every "
            "plot but the measurement curves: the page is usable), and to every trial plot "
            "drawn, curves included, after the second read (median); and on the first load "
            "(scripts not cached yet) to the trial plots and to parameter importance drawn "
            "(computed by the server, then kept for the session):",
            markdown_table(load_headers, load_rows),
            "One refresh of the running study's page:",
            markdown_table(refresh_headers, refresh_rows),
        ]
    )
    if save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "dashboard.md").write_text(text + "\n")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="one tiny study, to check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.trials, args.repeats = [20], 1
    with tempfile.TemporaryDirectory() as directory, bench_server(Path(directory)) as bench:
        driver = headless_chromium()
        try:
            sign_in(driver, bench)
            results = [measure(bench, driver, n, args.seed, args.repeats) for n in args.trials]
        finally:
            driver.quit()
    preamble = (
        f"Dashboard, SQLite, --auth token, seed {args.seed}, median of {args.repeats}; "
        "client, server and headless Chromium on one machine.\n"
        f"Command: python -m benchmarks.dashboard --trials {' '.join(map(str, args.trials))} "
        f"--repeats {args.repeats} --seed {args.seed}"
    )
    print(tables(results, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
