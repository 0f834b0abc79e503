"""Takes the dashboard screenshots in docs/img/ from a real server with realistic studies.

    python scripts/dashboard_screenshots.py [--seed 0] [--out docs/img]

A server in this process (SQLite in a temporary directory, JSON API on a loopback port)
gets three studies run through the Python client: a GP_BANDIT study of a network's
learning rate with curves, early stops and a conditional parameter, still running; a
two-objective study with a constraint; a small finished one. Headless Chromium
(Debian's chromium and chromium-driver) then photographs each page.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sibyl
from benchmarks.browser import headless_chromium, wait_for
from benchmarks.dashboard import SPEC, learning_curve, run_worker_trials
from sibyl_server.local import InProcessServer

TRADE_OFF = sibyl.StudySpec(
    parameters=[
        sibyl.Integer("layers", 2, 24),
        sibyl.Integer("width", 64, 1024, scale="log"),
        sibyl.Discrete("batch_size", [16, 32, 64, 128]),
        sibyl.Categorical("precision", ["fp32", "bf16", "int8"]),
    ],
    metrics=[
        sibyl.Metric("accuracy", goal="maximize"),
        sibyl.Metric("latency_ms", goal="minimize"),
        sibyl.Constraint("memory_gb", at_most=16),
    ],
    algorithm="quasi_random_search",
)
PRECISION = {"fp32": (1.0, 1.0), "bf16": (0.995, 0.55), "int8": (0.97, 0.3)}


def run_trade_off(study: sibyl.Study, count: int, rng: random.Random) -> None:
    for _ in range(count):
        [trial] = study.suggest()
        p = trial.parameters
        quality, cost = PRECISION[str(p["precision"])]
        size = float(p["layers"]) * float(p["width"]) / 1024
        accuracy = quality * (0.97 - 0.25 / (1 + size)) + rng.gauss(0, 0.004)
        latency = cost * (2 + 4 * size) * (1 + 32 / float(p["batch_size"]) * 0.1)
        memory = 0.9 * size * float(p["batch_size"]) / 32 * cost + rng.uniform(0, 1)
        trial.complete({"accuracy": accuracy, "latency_ms": latency, "memory_gb": memory})


def populate(address: str, seed: int) -> None:
    rng = random.Random(seed)
    client = sibyl.connect(address)
    spec = dataclasses.replace(
        SPEC, algorithm="gp_bandit", max_trials=200, early_stopping=sibyl.MedianStopping()
    )
    tuned = client.create_or_load_study("resnet-tuning", spec)
    run_worker_trials(tuned, 70, rng)
    [running] = sibyl.connect(address, client_id="gpu-7").get_study("resnet-tuning").suggest()
    for step, loss in enumerate(learning_curve(dict(running.parameters), rng)[:3]):
        running.report({"val_loss": loss}, step=step)
    trade_off = client.create_or_load_study("latency-accuracy", TRADE_OFF)
    run_trade_off(trade_off, 150, rng)
    small = client.create_or_load_study(
        "svc-digits",
        sibyl.StudySpec(
            parameters=[
                sibyl.Double("C", 1e-2, 1e3, scale="log"),
                sibyl.Double("gamma", 1e-5, 1e-1, scale="log"),
            ],
            metrics=[sibyl.Metric("cv_error", goal="minimize")],
            algorithm="quasi_random_search",
            max_trials=30,
        ),
    )
    while trials := small.suggest():
        for trial in trials:
            c, g = float(trial.parameters["C"]), float(trial.parameters["gamma"])
            error = 0.012 + 0.02 * abs(rng.gauss(0, 1)) * (1 + abs(c * g - 0.01))
            trial.complete({"cv_error": error})


def study_page(driver: Any, path: Path, width: int = 1400) -> None:
    """The page down to the first rows of the trial table (all of it would be long)."""
    script = "return document.getElementById('trials-panel').offsetTop"
    driver.set_window_size(width, int(driver.execute_script(script)) + 420)
    time.sleep(0.5)  # the charts follow the new size
    driver.save_screenshot(str(path))
    driver.set_window_size(width, 1000)


def photograph(base: str, out: Path) -> None:
    driver = headless_chromium()
    ready = "return document.body.dataset.ready === '1'"
    try:
        driver.get(f"{base}/dashboard/?refresh=3600")
        wait_for(lambda: driver.execute_script(ready), 60, "the studies list")
        driver.set_window_size(1400, 420)
        driver.save_screenshot(str(out / "dashboard-studies.png"))
        driver.set_window_size(1400, 1000)
        for study, name in (("resnet-tuning", "study"), ("latency-accuracy", "pareto")):
            driver.get(f"{base}/dashboard/?refresh=3600#/studies/{study}")
            wait_for(lambda: driver.execute_script(ready), 120, study)
            study_page(driver, out / f"dashboard-{name}.png")
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        server = InProcessServer(
            f"sqlite:///{directory}/sibyl.db", http_address="127.0.0.1:0", device="cpu"
        )
        try:
            populate(server.address, args.seed)
            photograph(f"http://127.0.0.1:{server.running.http_port}", args.out)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
