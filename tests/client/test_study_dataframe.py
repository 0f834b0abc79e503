"""Study.to_dataframe against a real server: rows, columns, conditional parameters, times."""

from __future__ import annotations

import subprocess
import sys

import pandas

import sibyl

CLIENT_OPTIONS = {"team": "dataframe-tests"}

SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Categorical("optimizer", ["sgd", "adam"]),
        sibyl.Double("momentum", 0.0, 0.9, when=sibyl.When("optimizer", ["sgd"])),
        sibyl.Integer("layers", 1, 4),
    ],
    metrics=[sibyl.Metric("loss", goal="minimize")],
    algorithm="quasi_random_search",
    seed=0,
)


def test_one_row_per_trial_with_its_parameters_metrics_and_times(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_or_load_study(unique_id, SPEC)
    sgd = study.add_trial({"optimizer": "sgd", "momentum": 0.5, "layers": 2})
    adam = study.add_trial({"optimizer": "adam", "layers": 3})
    [sgd_trial] = [t for t in study.suggest(count=2) if t.id == sgd.id]
    sgd_trial.complete({"loss": 0.25})
    oom = study.add_trial({"optimizer": "adam", "layers": 4}, infeasible_reason="out of memory")

    frame = study.to_dataframe()

    assert list(frame.columns) == [
        "id",
        "state",
        "params_optimizer",
        "params_momentum",
        "params_layers",
        "metrics_loss",
        "infeasibility_reason",
        "client_id",
        "create_time",
        "start_time",
        "complete_time",
    ]
    rows = frame.set_index("id")
    assert rows.loc[sgd.id, "state"] == "COMPLETED"
    assert rows.loc[sgd.id, "params_momentum"] == 0.5
    assert rows.loc[sgd.id, "metrics_loss"] == 0.25
    assert pandas.isna(rows.loc[adam.id, "params_momentum"]), "inactive: no value"
    assert pandas.isna(rows.loc[adam.id, "metrics_loss"]), "not completed: no metric"
    assert rows.loc[adam.id, "params_layers"] == 3
    assert str(frame["complete_time"].dt.tz) == "UTC"
    assert rows.loc[sgd.id, "complete_time"] >= rows.loc[sgd.id, "create_time"]
    assert pandas.isna(rows.loc[adam.id, "complete_time"])
    assert tuple(rows.loc[oom.id, ["state", "infeasibility_reason"]]) == (
        "INFEASIBLE",
        "out of memory",
    )
    assert rows.loc[sgd.id, "client_id"] == rows.loc[adam.id, "client_id"] != ""


def test_states_filter_the_rows_and_an_empty_study_has_the_columns(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_or_load_study(unique_id, SPEC)
    assert study.to_dataframe().empty
    assert "params_momentum" in study.to_dataframe().columns
    study.add_trial({"optimizer": "adam", "layers": 1})
    assert len(study.to_dataframe()) == 1
    assert study.to_dataframe(states=("completed",)).empty


def test_the_client_imports_pandas_only_when_asked() -> None:
    code = "import sys, sibyl, sibyl.study; assert 'pandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
