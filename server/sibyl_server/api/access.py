"""Who may call what: bearer-token authentication and team/role authorization."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sibyl_server.domain.errors import (
    PermissionDenied,
    SibylServerError,
    study_not_found,
    team_not_found,
    token_not_found,
)
from sibyl_server.domain.names import StudyName, TeamName, TokenName, TrialName
from sibyl_server.domain.team import ANONYMOUS_ADMIN, Principal, Role
from sibyl_server.service.teams import TeamUseCases

Resource = TeamName | StudyName | TrialName | TokenName


class Access:
    """Authentication (when enabled) and authorization of every call."""

    def __init__(self, teams: TeamUseCases, enabled: bool) -> None:
        self._teams = teams
        self.enabled = enabled

    def authenticate(self, metadata: Sequence[tuple[str, Any]] | None) -> Principal:
        """The caller; with authentication off, the single user, admin of every team."""
        if not self.enabled:
            return ANONYMOUS_ADMIN
        header = next((v for k, v in metadata or () if k == "authorization"), "")
        scheme, _, secret = str(header).partition(" ")
        return self._teams.authenticate(secret.strip() if scheme.lower() == "bearer" else None)

    @staticmethod
    def authorize(principal: Principal, resource: Resource, required: Role) -> None:
        """Raises unless `principal` may act on `resource` with `required`'s rights.

        Another team's resource is reported missing, exactly as one that does not
        exist, so tokens cannot probe for other teams' studies. The role is checked
        after that, for the same reason.
        """
        if not principal.sees(resource.team):
            raise _hidden(resource)
        if principal.role < required:
            raise PermissionDenied(
                f"this call needs the {required.name.lower()} role; the token is "
                f"{principal.role.name.lower()}",
                reason="ROLE_REQUIRED",
                metadata={"required_role": required.name, "role": principal.role.name},
            )


def _hidden(resource: Resource) -> SibylServerError:
    if isinstance(resource, TrialName):
        return study_not_found(resource.parent)
    if isinstance(resource, StudyName):
        return study_not_found(resource)
    if isinstance(resource, TokenName):
        return token_not_found(resource)
    return team_not_found(resource)
