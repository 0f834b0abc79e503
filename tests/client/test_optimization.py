"""sibyl.optimize against a real server: workers, progress, errors and Ctrl-C."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import sibyl
from tests.support.servers import ServerThread

CLIENT_OPTIONS = {"team": "optimize", "client_id": "job"}

SPEC = sibyl.StudySpec(
    parameters=[sibyl.Double("x", -2.0, 2.0), sibyl.Integer("n", 1, 4)],
    metrics=[sibyl.Metric("loss")],
    algorithm="random_search",
    seed=3,
)


@pytest.fixture(scope="module")
def store_url(sqlite_url: str) -> str:
    """SQLite only: the loop talks to the server through the client, whatever the store."""
    return sqlite_url


def quadratic(trial: sibyl.Trial) -> float:
    return (trial.parameters["x"] - 0.5) ** 2 + trial.parameters["n"]


def test_runs_trials_with_several_workers_and_reports_progress(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(unique_id, SPEC)
    seen: list[sibyl.Progress] = []
    result = sibyl.optimize(quadratic, study, n_trials=7, n_workers=3, progress=seen.append)
    assert len(result.trials) == 7 == len(seen)
    assert [p.finished for p in seen] == list(range(1, 8))
    assert {p.worker for p in seen} <= {"job", "job-1", "job-2"}
    trials = list(study.trials())
    assert [t.state for t in trials] == ["COMPLETED"] * 7
    best = min(trials, key=lambda t: t.metrics["loss"])
    assert result.best_trial is not None and result.best_trial.id == best.id
    assert seen[-1].best_value == best.metrics["loss"] and seen[-1].best_trial_id == best.id


def test_prints_a_line_per_trial_and_stops_at_the_budget(
    client: sibyl.Client, unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    study = client.create_study(unique_id, {**_as_dict(), "max_trials": 3})
    result = sibyl.optimize(quadratic, study)  # no n_trials: until the study completes
    assert len(result.trials) == 3 and study.state == "COMPLETED"
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and all("best loss=" in line for line in lines), lines
    assert lines[-1].endswith("3 done [job]")


def test_metrics_dicts_last_measurements_and_non_finite_values(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(unique_id, SPEC)
    results = iter([{"loss": 1.5}, None, float("nan")])

    def objective(trial: sibyl.Trial) -> float | dict[str, float] | None:
        trial.report({"loss": 9.0}, step=1)
        return next(results)

    sibyl.optimize(objective, study, n_trials=3, progress=None)
    trials = list(study.trials())
    assert [t.state for t in trials] == ["COMPLETED", "COMPLETED", "INFEASIBLE"]
    assert [t.metrics.get("loss") for t in trials[:2]] == [1.5, 9.0]
    assert "non-finite loss" in trials[2].proto.infeasibility_reason


def test_a_reported_nan_makes_the_trial_infeasible_and_the_run_goes_on(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(unique_id, SPEC)

    def diverges_once(trial: sibyl.Trial) -> float:
        trial.report({"loss": 2.0}, step=1)
        trial.report({"loss": float("nan") if trial.id == 1 else 1.0}, step=2)
        return 1.0

    result = sibyl.optimize(diverges_once, study, n_trials=2, progress=None)
    assert [t.state for t in result.trials] == ["INFEASIBLE", "COMPLETED"]
    first = study.get_trial(1)
    assert (
        first.proto.infeasibility_reason == "DivergedError: loss = nan at step 2: the run diverged"
    )
    assert [m.step for m in first.proto.measurements] == [1], "the NaN was never sent"

    # The README's loop: the block marks the trial infeasible, and the error is the user's.
    [trial] = study.suggest()
    with pytest.raises(sibyl.DivergedError), trial:
        trial.report({"loss": float("-inf")}, step=1)
    assert study.get_trial(trial.id).state == "INFEASIBLE"


def test_an_objective_after_a_constraint_and_progress_counting_only_feasible_trials(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0.0, 1.0)],
        metrics=[sibyl.Constraint("memory", at_most=8.0), sibyl.Metric("accuracy", "maximize")],
        algorithm="random_search",
        seed=1,
    )
    study = client.create_study(unique_id, spec)
    assert study.objective == ("accuracy", "MAXIMIZE")
    told: list[sibyl.Progress] = []

    def objective(trial: sibyl.Trial) -> dict[str, float]:
        # The first trial is the most accurate, and breaks the memory constraint.
        return {"accuracy": 0.9 if trial.id == 1 else 0.5, "memory": 16.0 if trial.id == 1 else 4.0}

    result = sibyl.optimize(objective, study, n_trials=2, progress=told.append)
    assert result.best_trial is not None and result.best_trial.id == 2
    assert [(p.best_value, p.best_trial_id) for p in told] == [(None, None), (0.5, 2)]


def test_any_number_float_takes_is_a_result(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)
    results = iter([np.float32(0.25), np.int64(2), {"loss": np.float32(0.5)}, Decimal("0.75")])

    sibyl.optimize(lambda trial: next(results), study, n_trials=4, progress=None)

    trials = list(study.trials())
    assert [t.state for t in trials] == ["COMPLETED"] * 4
    assert [t.metrics["loss"] for t in trials] == [0.25, 2.0, 0.5, 0.75]


def test_a_result_that_is_no_number_names_what_to_return(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(unique_id, SPEC)
    with pytest.raises(TypeError, match="return a number, a mapping"):
        sibyl.optimize(lambda trial: [0.5], study, n_trials=1, progress=None)
    [trial] = study.trials()
    assert trial.state == "INFEASIBLE"


def test_caught_errors_go_on_and_others_stop_the_run(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)

    def objective(trial: sibyl.Trial) -> float:
        if trial.id == 1:
            raise ValueError("diverged")
        if trial.id == 3:
            raise RuntimeError("out of memory")
        return 1.0

    with pytest.raises(RuntimeError, match="out of memory"):
        sibyl.optimize(objective, study, n_trials=10, catch=(ValueError,), progress=None)
    trials = list(study.trials())
    assert [t.state for t in trials] == ["INFEASIBLE", "COMPLETED", "INFEASIBLE"]
    assert trials[0].proto.infeasibility_reason == "ValueError: diverged"


@dataclasses.dataclass(frozen=True)
class Jobs:
    """The test's study, and jobs that work on it as a user's script would."""

    server: ServerThread
    study: sibyl.Study
    tmp_path: Path

    def start(self, client_id: str, code: str) -> subprocess.Popen[str]:
        """Runs `code` (dedented) as a script in its own process, its output piped, after
        `import sibyl` and `study = ...`: the study, loaded by a client of the team
        "optimize" with `client_id`."""
        connect = (
            f"sibyl.connect({self.server.address!r}, team='optimize', client_id={client_id!r})"
        )
        script = self.tmp_path / "job.py"
        script.write_text(
            f"import sibyl\nclient = {connect}\nstudy = client.get_study({self.study.study_id!r})\n"
            + textwrap.dedent(code)
        )
        job = subprocess.Popen(
            [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert job.stdout is not None
        return job

    def rerun(self, client_id: str, objective: Any, *args: Any, **options: Any) -> Any:
        """`sibyl.optimize(objective, study, *args, **options)` in this process, as a job
        rerun with `client_id` would."""
        with sibyl.connect(self.server.address, team="optimize", client_id=client_id) as again:
            return sibyl.optimize(objective, again.get_study(self.study.study_id), *args, **options)


@pytest.fixture
def jobs(server: ServerThread, client: sibyl.Client, unique_id: str, tmp_path: Path) -> Jobs:
    return Jobs(server, client.create_study(unique_id, SPEC), tmp_path)


def test_ctrl_c_leaves_the_running_trial_active_and_a_rerun_resumes_it(jobs: Jobs) -> None:
    study = jobs.study
    job = jobs.start(
        "job-ctrl-c",
        """
        import sys, time
        def objective(trial):
            if trial.id == 3:
                print("running", trial.id, flush=True)
                time.sleep(60)
            return 1.0
        try:
            sibyl.optimize(objective, study, n_trials=10)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(130)
        """,
    )
    assert job.stdout.readline().split() == ["running", "3"]
    job.send_signal(signal.SIGINT)
    out, err = job.communicate(timeout=30)
    assert job.returncode == 130 and out.strip() == "interrupted", err
    assert "trials left ACTIVE with their client ids: 3 (job-ctrl-c)" in err
    trials = list(study.trials())
    assert [t.state for t in trials] == ["COMPLETED", "COMPLETED", "ACTIVE"]
    assert trials[2].proto.client_id == "job-ctrl-c"

    resumed = jobs.rerun("job-ctrl-c", lambda t: 2.0, n_trials=1)
    assert [t.id for t in resumed.trials] == [3]
    assert study.get_trial(3).state == "COMPLETED"


def test_each_resumed_worker_gets_its_own_trial_whichever_thread_starts_first(
    jobs: Jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As an interrupted run of two workers leaves them: one ACTIVE trial per worker.
    for worker in ("pool", "pool-1"):
        with sibyl.connect(jobs.server.address, team="optimize", client_id=worker) as client:
            client.get_study(jobs.study.study_id).suggest()
    work = sibyl.optimization._Run.work

    def late_second_thread(run: Any, worker: str) -> None:
        if worker == "pool-1":
            time.sleep(1.0)  # its thread starts after the first worker finished its trial
        work(run, worker)

    monkeypatch.setattr(sibyl.optimization._Run, "work", late_second_thread)
    resumed = jobs.rerun("pool", lambda t: 1.0, 2, n_workers=2, progress=None)
    assert sorted((t.id, t.proto.client_id) for t in resumed.trials) == [
        (1, "pool"),
        (2, "pool-1"),
    ]
    assert [t.state for t in jobs.study.trials()] == ["COMPLETED", "COMPLETED"]


def test_rejects_zero_workers(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)
    with pytest.raises(ValueError, match="n_workers"):
        sibyl.optimize(quadratic, study, n_workers=0)


def _as_dict() -> dict[str, object]:
    return {
        "parameters": {
            "x": {"type": "double", "low": -2.0, "high": 2.0},
            "n": {"type": "integer", "low": 1, "high": 4},
        },
        "metrics": {"loss": "minimize"},
        "algorithm": "random_search",
    }


def test_no_time_left_starts_nothing(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)
    began = time.monotonic()
    result = sibyl.optimize(quadratic, study, n_trials=5, timeout_seconds=0.0)
    assert result.trials == [] and time.monotonic() - began < 5


def test_ctrl_c_with_several_workers_leaves_each_running_trial_active(jobs: Jobs) -> None:
    study = jobs.study
    job = jobs.start(
        "pool",
        """
        import sys, time
        def objective(trial):
            # One write per line: print's separate writes of the text and the newline
            # interleave when both workers start at once (they get their trials together).
            sys.stdout.write(f"running {trial.id}\\n")
            sys.stdout.flush()
            time.sleep(60)
        sibyl.optimize(objective, study, n_trials=10, n_workers=2)
        """,
    )
    running = {job.stdout.readline().split()[1], job.stdout.readline().split()[1]}
    job.send_signal(signal.SIGINT)
    _, err = job.communicate(timeout=30)
    assert job.returncode != 0 and "KeyboardInterrupt" in err
    assert "trials left ACTIVE with their client ids: 1 (pool" in err, err
    trials = list(study.trials())
    assert {str(t.id) for t in trials} == running == {"1", "2"}
    assert {t.state for t in trials} == {"ACTIVE"}
    assert {t.proto.client_id for t in trials} == {"pool", "pool-1"}

    resumed = jobs.rerun("pool", lambda t: 1.0, 2, n_workers=2)
    assert sorted(t.id for t in resumed.trials) == [1, 2]
