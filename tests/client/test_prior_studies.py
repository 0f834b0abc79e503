"""Prior studies from the Python client: the spec, its differences, and what the CLI shows."""

from __future__ import annotations

import json

import pytest

import sibyl
from sibyl.cli import main
from sibyl.spec_diff import spec_differences
from tests.support.servers import ServerThread

PARAMETERS = [sibyl.Double("x", 0.0, 1.0), sibyl.Double("y", 0.0, 1.0)]


def bowl(trial: sibyl.Trial) -> float:
    return (trial.parameters["x"] - 0.3) ** 2 + (trial.parameters["y"] - 0.7) ** 2


def test_a_spec_takes_prior_studies_as_objects_names_or_plain_data() -> None:
    spec = sibyl.StudySpec.from_dict(
        {
            "parameters": {"x": {"type": "double", "low": 0.0, "high": 1.0}},
            "metrics": {"error": "minimize"},
            "prior_studies": [
                "teams/t/studies/a",
                {"study": "teams/t/studies/b", "objective": "val_error"},
            ],
        }
    )
    assert spec.prior_studies == (
        sibyl.PriorStudy("teams/t/studies/a"),
        sibyl.PriorStudy("teams/t/studies/b", objective="val_error"),
    )
    message = spec.to_proto()
    assert [(p.study, p.objective) for p in message.prior_studies] == [
        ("teams/t/studies/a", ""),
        ("teams/t/studies/b", "val_error"),
    ]


@pytest.mark.parametrize(
    ("priors", "words"),
    [
        (["a-study"], "teams/{team}/studies/{study}"),
        ([sibyl.PriorStudy("teams/t/studies/a")] * 2, "names a study twice"),
        ([f"teams/t/studies/s{i}" for i in range(6)], "at most 5"),
        ("teams/t/studies/a", "must be a list"),
        ([{"study": "teams/t/studies/a", "objective": "no spaces"}], "objective"),
    ],
)
def test_a_wrong_prior_is_refused_where_it_is_written(priors: object, words: str) -> None:
    with pytest.raises(ValueError, match=r"prior|PriorStudy") as refused:
        sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")], prior_studies=priors)  # type: ignore[arg-type]
    assert words in str(refused.value)


def test_a_stored_study_with_other_priors_differs() -> None:
    given = sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")], prior_studies=["teams/t/studies/a"])
    stored = sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")])
    assert spec_differences(given.to_proto(), stored.to_proto()) == [
        "prior_studies: stored none, given [teams/t/studies/a]"
    ]


def test_trials_and_the_cli_say_which_priors_were_used_with_what_weight(
    server: ServerThread, unique_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    team = "priors-" + unique_id[2:10]
    with sibyl.connect(server.address, team=team) as client:
        earlier = client.create_study(
            "earlier", sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")], initial_trials=8)
        )
        for trial in earlier.suggest(count=8):
            trial.complete({"loss": bowl(trial)})
        spec = sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")], prior_studies=[earlier.name])
        study = client.create_study(unique_id, spec)
        for trial in study.suggest(count=2):
            trial.complete({"loss": bowl(trial)})
        (trial,) = study.suggest()
        trial.complete({"loss": bowl(trial)})
    weights = json.loads(trial.metadata["sibyl.prior_weights"])
    assert list(weights) == [earlier.name]
    base = ["--address", server.address, "--team", team]
    assert main([*base, "study", unique_id]) == 0
    shown = capsys.readouterr().out
    assert f"priors:     {earlier.name} (weight {weights[earlier.name]:.2f})" in shown
    assert main([*base, "trials", unique_id, "--format", "json"]) == 0
    notes = [row["NOTE"] for row in json.loads(capsys.readouterr().out)]
    assert notes == ["", "", f"prior weights earlier {weights[earlier.name]:.2f}"]


def test_a_worker_loads_a_study_whose_prior_was_deleted(
    server: ServerThread, unique_id: str
) -> None:
    with sibyl.connect(server.address, team="priors-" + unique_id[2:10]) as client:
        earlier = client.create_study(
            "earlier", sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")])
        )
        spec = sibyl.StudySpec(PARAMETERS, [sibyl.Metric("loss")], prior_studies=[earlier.name])
        study = client.create_or_load_study(unique_id, spec)
        earlier.delete()
        # A restarted worker: the study is loaded, not refused for its missing prior.
        assert client.create_or_load_study(unique_id, spec).name == study.name
        with pytest.raises(sibyl.AlreadyExistsError):
            client.create_study(unique_id, spec)
        with pytest.raises(sibyl.NotFoundError, match="earlier"):  # a new study still checks
            client.create_study(unique_id + "-b", spec)
