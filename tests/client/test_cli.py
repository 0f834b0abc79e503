"""The `sibyl` command shows studies and trials as tables."""

from __future__ import annotations

import pytest

import sibyl
from sibyl.cli import format_table, main
from tests.support.servers import ServerThread


def test_format_table_aligns_columns() -> None:
    table = format_table(("ID", "VALUE"), [(1, 0.123456789), (10, "x")])
    assert table.splitlines() == ["ID  VALUE", "--  --------", "1   0.123457", "10  x"]


def test_studies_study_and_trials_commands(
    server: ServerThread, unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    team = "cli-" + unique_id[2:10]
    with sibyl.connect(server.address, team=team) as client:
        study = client.create_study(
            unique_id,
            sibyl.StudySpec(
                parameters=[
                    sibyl.Double("lr", 0.001, 0.1, scale="log"),
                    sibyl.Categorical("opt", ["sgd", "adam"]),
                ],
                metrics=[sibyl.Metric("loss")],
                algorithm="random_search",
            ),
        )
        for loss, trial in zip((0.5, 0.25), study.suggest(count=2), strict=True):
            trial.complete({"loss": loss})
    base = ["--address", server.address, "--team", team]
    assert main([*base, "studies"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["STUDY", "STATE", "TRIALS", "ALGORITHM", "OBJECTIVE"]
    assert out[2].split() == [unique_id, "ACTIVE", "2", "RANDOM_SEARCH", "loss/MINIMIZE"]
    assert main([*base, "study", unique_id]) == 0
    shown = capsys.readouterr().out
    assert "best:       trial 2 {'loss': 0.25}" in shown
    assert main([*base, "trials", unique_id, "--state", "completed"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["ID", "STATE", "LOSS", "lr", "opt"]
    assert [r.split()[:3] for r in rows[2:]] == [
        ["1", "COMPLETED", "0.5"],
        ["2", "COMPLETED", "0.25"],
    ]
    assert main([*base, "study", "missing-study"]) == 1
    assert "STUDY_NOT_FOUND" in capsys.readouterr().err
