"""Resource names: `teams/{team}/studies/{study}/trials/{trial}`, parsed and formatted here only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sibyl_server.domain.errors import InvalidArgument, quoted

# Ids are matched whole (fullmatch): `$` alone also matches before a final newline.
RESOURCE_ID = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
"""Team and study ids: lowercase letters, digits and '-', 1 to 63 characters."""
_TRIAL_ID = re.compile(r"[1-9][0-9]{0,17}")


@dataclass(frozen=True, order=True)
class TeamName:
    team: str

    def __str__(self) -> str:
        return f"teams/{self.team}"


@dataclass(frozen=True, order=True)
class StudyName:
    team: str
    study: str

    @property
    def parent(self) -> TeamName:
        return TeamName(self.team)

    def trial(self, number: int) -> TrialName:
        return TrialName(self.team, self.study, number)

    def __str__(self) -> str:
        return f"teams/{self.team}/studies/{self.study}"


@dataclass(frozen=True, order=True)
class TrialName:
    team: str
    study: str
    number: int

    @property
    def parent(self) -> StudyName:
        return StudyName(self.team, self.study)

    def __str__(self) -> str:
        return f"teams/{self.team}/studies/{self.study}/trials/{self.number}"


@dataclass(frozen=True, order=True)
class TokenName:
    team: str
    token_id: str

    @property
    def parent(self) -> TeamName:
        return TeamName(self.team)

    def __str__(self) -> str:
        return f"teams/{self.team}/tokens/{self.token_id}"


_TOKEN_ID = re.compile(r"[0-9a-f]{16}")


def check_matches(pattern: re.Pattern[str], value: str, field: str, what: str) -> str:
    """Returns `value` if `pattern` matches all of it, else raises InvalidArgument saying
    that it is not `what`."""
    if not pattern.fullmatch(value):
        raise InvalidArgument(field, f"{quoted(value)} is not {what}")
    return value


def check_resource_id(value: str, field: str) -> str:
    """Returns `value` if it is a valid team or study id, else raises InvalidArgument."""
    return check_matches(
        RESOURCE_ID,
        value,
        field,
        "a valid id: use 1 to 63 lowercase letters, digits and '-', starting with a letter "
        "and not ending with '-'",
    )


def parse_team_name(value: str, field: str) -> TeamName:
    team = _segments(value, field, ("teams",))
    return TeamName(check_resource_id(team[0], field))


def parse_study_name(value: str, field: str) -> StudyName:
    team, study = _segments(value, field, ("teams", "studies"))
    return StudyName(check_resource_id(team, field), check_resource_id(study, field))


def parse_trial_name(value: str, field: str) -> TrialName:
    team, study, trial = _segments(value, field, ("teams", "studies", "trials"))
    check_resource_id(team, field)
    check_resource_id(study, field)
    check_matches(_TRIAL_ID, trial, field, "a trial id (a positive integer)")
    return TrialName(team, study, int(trial))


def parse_token_name(value: str, field: str) -> TokenName:
    team, token_id = _segments(value, field, ("teams", "tokens"))
    check_matches(_TOKEN_ID, token_id, field, "a token id (16 hex digits)")
    return TokenName(check_resource_id(team, field), token_id)


def _segments(value: str, field: str, collections: tuple[str, ...]) -> list[str]:
    """Checks `value` is `c1/{id1}/c2/{id2}...` and returns the ids."""
    singular = {"teams": "team", "studies": "study", "trials": "trial", "tokens": "token"}
    pattern = "/".join(f"{c}/{{{singular[c]}}}" for c in collections)
    if not value:
        raise InvalidArgument(field, f"required: a resource name of the form {pattern}")
    parts = value.split("/")
    if len(parts) != 2 * len(collections) or tuple(parts[0::2]) != collections:
        raise InvalidArgument(field, f"{quoted(value)} is not of the form {pattern}")
    return parts[1::2]
