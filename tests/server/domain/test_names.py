from __future__ import annotations

import pytest

from sibyl_server.domain.errors import InvalidArgument
from sibyl_server.domain.names import (
    StudyName,
    TrialName,
    parse_study_name,
    parse_team_name,
    parse_trial_name,
)


def test_names_round_trip() -> None:
    trial = parse_trial_name("teams/ml/studies/resnet-lr/trials/12", "name")
    assert trial == TrialName("ml", "resnet-lr", 12)
    assert str(trial) == "teams/ml/studies/resnet-lr/trials/12"
    assert trial.parent == StudyName("ml", "resnet-lr")
    assert str(parse_study_name(str(trial.parent), "name")) == "teams/ml/studies/resnet-lr"
    assert parse_team_name("teams/ml", "parent").team == "ml"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "teams/ml",
        "teams/ml/studies",
        "teams/ML/studies/x",
        "teams/ml/studies/x-",
        "teams/ml/studies/9x",
        "teams/ml/studies/" + "x" * 64,
        "teams/ml/projects/x",
        "teams/ml/studies/x/",
        "teams//studies/x",
        "/teams/ml/studies/x",
    ],
)
def test_malformed_study_names_name_the_field(value: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_study_name(value, "parent")
    assert caught.value.field == "parent"


@pytest.mark.parametrize("trial", ["0", "-1", "01", "1.5", "x", "", "9" * 19])
def test_malformed_trial_ids(trial: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_trial_name(f"teams/ml/studies/s/trials/{trial}", "name")


def test_longest_valid_id_is_accepted() -> None:
    study = "a" + "b" * 61 + "c"
    assert parse_study_name(f"teams/t/studies/{study}", "name").study == study
