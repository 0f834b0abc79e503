"""The `sibyl` command shows studies and trials as tables and changes a study's budget."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

import sibyl
from sibyl.cli import format_table, main
from tests.support.servers import ServerThread

SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Double("lr", 0.001, 0.1, scale="log"),
        sibyl.Categorical("opt", ["sgd", "adam"]),
    ],
    metrics=[sibyl.Metric("loss")],
    algorithm="random_search",
)


@pytest.fixture
def team(unique_id: str) -> str:
    """A team of the test's own, so that `sibyl studies` lists only the test's study."""
    return "cli-" + unique_id[2:10]


@pytest.fixture
def team_client(server: ServerThread, team: str) -> Iterator[sibyl.Client]:
    with sibyl.connect(server.address, team=team) as client:
        yield client


@pytest.fixture
def base(server: ServerThread, team: str) -> list[str]:
    """The flags that point a command at the test's server and team."""
    return ["--address", server.address, "--team", team]


def test_importance_command(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A seed, so that the ten random configurations (and the ranking they give) are fixed.
    study = team_client.create_study(unique_id, dataclasses.replace(SPEC, seed=3))
    for trial in study.suggest(count=10):
        # Only the learning rate matters.
        trial.complete({"loss": trial.parameters["lr"] * 10, "wall": 1.0})
    assert main([*base, "importance", unique_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "loss: GP_SOBOL over 10 trials"
    assert lines[1].split() == ["PARAMETER", "IMPORTANCE", "FIRST", "ORDER", "TOTAL", "EFFECT"]
    assert lines[3].split()[0] == "lr"
    assert float(lines[3].split()[1]) > 0.9
    assert main([*base, "importance", unique_id, "--metric", "nope"]) == 1
    assert "'nope' is not a metric of the spec" in capsys.readouterr().err


def test_format_table_aligns_columns() -> None:
    table = format_table(("ID", "VALUE"), [(1, 0.123456789), (10, "x")])
    assert table.splitlines() == ["ID  VALUE", "--  --------", "1   0.123457", "10  x"]


def test_studies_study_and_trials_commands(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    study = team_client.create_study(unique_id, SPEC)
    for loss, trial in zip((0.5, 0.25), study.suggest(count=2), strict=True):
        trial.complete({"loss": loss})
    assert main([*base, "studies"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["STUDY", "STATE", "TRIALS", "ALGORITHM", "OBJECTIVE"]
    assert out[2].split() == [unique_id, "ACTIVE", "2", "RANDOM_SEARCH", "loss/MINIMIZE"]
    assert main([*base, "study", unique_id]) == 0
    shown = capsys.readouterr().out
    assert "best:       trial 2 {'loss': 0.25}" in shown
    assert "trials:     2 (no budget)" in shown
    assert "metrics:    loss (minimize)" in shown
    assert main([*base, "trials", unique_id, "--state", "completed"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["ID", "STATE", "STEPS", "LOSS", "lr", "opt", "NOTE"]
    assert [r.split()[:4] for r in rows[2:]] == [
        ["1", "COMPLETED", "0", "0.5"],
        ["2", "COMPLETED", "0", "0.25"],
    ]


def test_trials_as_csv_and_json_sorted_with_early_stops_noted(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = sibyl.StudySpec(
        parameters=SPEC.parameters,
        metrics=[sibyl.Metric("loss"), sibyl.Constraint("memory_gb", at_most=8.0)],
        algorithm="random_search",
    )
    study = team_client.create_study(unique_id, spec)
    first, second, third = study.suggest(count=3)
    first.complete({"loss": 0.5, "memory_gb": 4.0})
    second.report({"loss": 0.9, "memory_gb": 2.0}, step=3)
    team_client.study_service.stop_trial(
        sibyl.v1.study_service_pb2.StopTrialRequest(name=second.name)
    )
    second.complete()
    third.complete({"loss": 0.1, "memory_gb": 6.0})
    trials = [*base, "trials", unique_id]
    assert main([*trials, "--format", "json", "--sort=-loss"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["ID"], r["LOSS"], r["MEMORY_GB"], r["STEPS"]) for r in rows] == [
        (2, 0.9, 2.0, 1),
        (1, 0.5, 4.0, 0),
        (3, 0.1, 6.0, 0),
    ]
    assert rows[0]["NOTE"] == "stopped at step 3: the trial was asked to stop (StopTrial)"
    assert main([*trials, "--format", "csv", "--sort", "memory_gb"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["ID"] for row in table] == ["2", "1", "3"]
    assert main([*trials, "--sort", "nope"]) == 2
    assert "--sort nope: no such column; the columns are ID, STATE" in capsys.readouterr().err
    assert main([*base, "study", unique_id]) == 0
    assert "metrics:    loss (minimize), memory_gb <= 8" in capsys.readouterr().out


def test_trials_keep_every_column_whatever_the_names_and_missing_values_are_null(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("note", 0.0, 1.0), sibyl.Double("ACCURACY", 0.0, 1.0)],
        metrics=[sibyl.Metric("accuracy", "maximize"), sibyl.Metric("state", "minimize")],
        algorithm="random_search",
    )
    study = team_client.create_study(unique_id, spec)
    done, failed = study.suggest(count=2)
    done.complete({"accuracy": 0.75, "state": 7.0, "wall_seconds": 3.5})
    failed.complete_infeasible("RuntimeError: boom\nin layer 3")
    trials = [*base, "trials", unique_id]
    assert main([*trials, "--format", "json"]) == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first == {
        "ID": 1, "STATE": "COMPLETED", "STEPS": 0, "ACCURACY": 0.75, "metric:STATE": 7.0,
        "WALL_SECONDS": 3.5, "parameter:note": done.parameters["note"],
        "parameter:ACCURACY": done.parameters["ACCURACY"], "NOTE": "",
    }  # fmt: skip
    assert (second["ACCURACY"], second["WALL_SECONDS"], second["STATE"]) == (
        None,
        None,
        "INFEASIBLE",
    )
    assert main(trials) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 4, "one line per trial, whatever its note holds"
    assert table[3].endswith("RuntimeError: boom in layer 3")


def test_studies_lists_every_objective_and_bad_names_are_refused_plainly(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0.0, 1.0)],
        metrics=[sibyl.Constraint("memory", at_most=8.0), sibyl.Metric("acc", "maximize"),
                 sibyl.Metric("latency", "minimize")],
        algorithm="random_search",
    )  # fmt: skip
    study = team_client.create_study(unique_id, spec)
    assert main([*base, "studies", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["OBJECTIVE"] == "acc/MAXIMIZE, latency/MINIMIZE"
    with pytest.raises(ValueError, match="one of REQUESTED, ACTIVE, STOPPING"):
        list(study.trials(("done",)))
    with pytest.raises(ValueError, match="role must be one of reader, writer, admin"):
        team_client.create_token("superuser")


def test_a_reader_that_goes_away_ends_the_command_quietly(
    team_client: sibyl.Client, base: list[str], unique_id: str
) -> None:
    team_client.create_study(unique_id, SPEC)
    command = [sys.executable, "-m", "sibyl.cli", *base, "studies", "--format", "json"]
    job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert job.stdout is not None and job.stderr is not None
    job.stdout.close()  # as `| true` does, long before the command writes
    assert job.wait(timeout=60) == 141
    assert job.stderr.read() == b""


def test_connection_flags_go_before_or_after_the_command(
    server: ServerThread,
    team: str,
    team_client: sibyl.Client,
    unique_id: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    team_client.create_study(unique_id, SPEC)
    after = ["studies", "--address", server.address, "--team", team]
    mixed = ["--address", server.address, "studies", "--team", team]
    for argv in (after, mixed):
        assert main(argv) == 0
        assert capsys.readouterr().out.splitlines()[2].split()[0] == unique_id
    trials = ["trials", unique_id, "--state", "ACTIVE", "--team", team]
    assert main([*trials, "--address", server.address]) == 0, "states in any case"
    assert capsys.readouterr().out.split()[:4] == ["ID", "STATE", "STEPS", "LOSS"]


def test_state_must_be_one_of_the_trial_states(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["trials", "my-study", "--state", "stopped"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'stopped'" in error
    assert "'requested', 'active', 'stopping', 'completed', 'infeasible'" in error
    assert "Traceback" not in error


def test_server_errors_are_one_line_without_a_traceback(
    server: ServerThread, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["study", "missing-study", "--address", server.address]) == 1
    error = capsys.readouterr().err
    assert error.startswith("sibyl: STUDY_NOT_FOUND: ")
    assert error.count("\n") == 1


def test_an_unreachable_server_is_one_line_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    assert main(["studies", "--address", address]) == 1
    error = capsys.readouterr().err
    assert "Traceback" not in error
    last = error.splitlines()[-1]
    assert last.startswith("sibyl: ") and "UNAVAILABLE" in last and address in last


def test_an_unreadable_tls_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studies", "--tls-ca-file", "/no/such/ca.pem"]) == 1
    assert (
        capsys.readouterr().err == "sibyl: cannot read /no/such/ca.pem: No such file or directory\n"
    )


def test_update_study_needs_something_to_change(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["update-study", "s"], ["update-study", "s", "--max-trials", "-1"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
    errors = capsys.readouterr().err
    assert "give --max-trials, --trial-lease-seconds or --display-name" in errors
    assert "argument --max-trials: must be at least 0, got -1" in errors
    for lease in ("nan", "inf"):
        with pytest.raises(SystemExit) as exit_:
            main(["update-study", "s", "--trial-lease-seconds", lease])
        assert exit_.value.code == 2
        assert f"must be a finite number, got {lease}" in capsys.readouterr().err


def test_update_study_refuses_a_lease_out_of_range_before_sending(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    team_client.create_study(unique_id, _as_dict())
    assert main(["update-study", unique_id, "--trial-lease-seconds", "1e15", *base]) == 2
    assert "trial_lease_seconds must be between 1 second and 30 days" in capsys.readouterr().err


def test_update_study_raises_the_budget_of_a_finished_study(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    study = team_client.create_study(unique_id, {**_as_dict(), "max_trials": 2})
    for trial in study.suggest(count=2):
        trial.complete({"loss": 1.0})
    assert study.refresh().state == "COMPLETED"
    argv = ["update-study", unique_id, "--max-trials", "5", "--trial-lease-seconds", "120"]
    assert main([*argv, "--display-name", "More", *base]) == 0
    shown = capsys.readouterr().out
    assert "trials:     2 (budget 5)" in shown and "display:    More" in shown
    updated = study.refresh()
    assert updated.state == "ACTIVE"
    assert updated.proto.spec.max_trials == 5
    assert updated.proto.spec.trial_lease.seconds == 120
    assert len(updated.suggest(count=3)) == 3
    assert main(["update-study", unique_id, "--max-trials", "1", *base]) == 1
    assert capsys.readouterr().err.startswith("sibyl: ")


def _as_dict() -> dict[str, object]:
    return {
        "parameters": {"lr": {"type": "double", "low": 0.001, "high": 0.1, "scale": "log"}},
        "metrics": {"loss": "minimize"},
        "algorithm": "random_search",
    }


def test_study_shows_its_stopping_rule_and_fidelity(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = sibyl.StudySpec(
        parameters=SPEC.parameters, metrics=[sibyl.Metric("loss")], fidelity=sibyl.Fidelity(27)
    )
    team_client.create_study(unique_id, spec)
    assert main([*base, "study", unique_id]) == 0
    out = capsys.readouterr().out
    assert "stopping:   successive_halving (min_step 1, reduction_factor 3, brackets 1)" in out
    assert "fidelity:   steps up to 27" in out


def test_study_shows_its_budget_parameter(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = sibyl.StudySpec(
        parameters=[*SPEC.parameters, sibyl.Integer("epochs", 1, 27)],
        metrics=[sibyl.Metric("loss")],
        budget_parameter=sibyl.Budget("epochs", 3),
    )
    team_client.create_study(unique_id, spec)
    assert main([*base, "study", unique_id]) == 0
    assert "budget:     epochs (reduction factor 3)" in capsys.readouterr().out


def test_study_shows_whether_it_restarts(
    team_client: sibyl.Client, base: list[str], unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = sibyl.StudySpec(parameters=SPEC.parameters, metrics=[sibyl.Metric("loss")])
    team_client.create_study(unique_id, dataclasses.replace(spec, stall_restarts=True))
    team_client.create_study(unique_id + "-no", spec)
    assert main([*base, "study", unique_id]) == 0
    assert "restarts:   when it stalls" in capsys.readouterr().out
    assert main([*base, "study", unique_id + "-no"]) == 0
    assert "restarts:" not in capsys.readouterr().out
