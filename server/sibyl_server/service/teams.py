"""Teams and tokens: creating them, and turning a presented secret into a caller."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from sibyl_server.domain.errors import (
    InvalidArgument,
    Unauthenticated,
    team_not_found,
    token_not_found,
)
from sibyl_server.domain.names import TeamName, TokenName, check_resource_id
from sibyl_server.domain.team import Principal, Role, Team, TeamQuotas, Token
from sibyl_server.domain.validation import check_text
from sibyl_server.service.pagination import (
    decode_page_token,
    encode_page_token,
    fingerprint,
    page_size,
)
from sibyl_server.store.repository import Store, Transaction

Clock = Callable[[], float]
DEFAULT_TOKEN_PAGE_SIZE = 100
MAX_DESCRIPTION_LENGTH = 256
_SECRET = re.compile(r"^sibyl_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$")


def new_secret() -> tuple[str, str]:
    """(token id, secret): `sibyl_<id>_<256 random bits>`; the id finds the stored hash."""
    token_id = secrets.token_hex(8)
    return token_id, f"sibyl_{token_id}_{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class TokenPage:
    tokens: list[Token]
    next_page_token: str


class TeamUseCases:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # Operator commands (sibyl admin) ----------------------------------------------------

    def create_team(self, team: str, quotas: TeamQuotas) -> tuple[Team, str]:
        """Creates a team and its first admin token; returns the team and the secret."""
        check_resource_id(team, "team")
        now = self._clock()
        created = Team(team, quotas, now)
        token_id, secret = new_secret()
        token = Token(team, token_id, Role.ADMIN, "first admin token", now)
        with self._store.transaction(write=True) as tx:
            team_pk = tx.insert_team(created)
            tx.insert_token(team_pk, token, hash_secret(secret))
        return created, secret

    def set_quotas(self, team: str, quotas: TeamQuotas) -> Team:
        with self._store.transaction(write=True) as tx:
            pk, _ = self._team_row(tx, TeamName(team))
            tx.update_team_quotas(pk, quotas)
            return self._team_row(tx, TeamName(team))[1]

    def list_teams(self) -> list[Team]:
        with self._store.transaction(write=False) as tx:
            return tx.teams()

    # Team admins (TeamService) ----------------------------------------------------------

    def get_team(self, name: TeamName) -> Team:
        """The team; a team without a record (authentication off) has no quotas."""
        with self._store.transaction(write=False) as tx:
            row = tx.team(name.team)
        return row[1] if row else Team(name.team, TeamQuotas())

    def create_token(
        self, parent: TeamName, role: Role, description: str, ttl_seconds: float | None
    ) -> tuple[Token, str]:
        check_text(description, MAX_DESCRIPTION_LENGTH, "description")
        if ttl_seconds is not None and ttl_seconds < 1:
            raise InvalidArgument("time_to_live", "must be at least 1 second")
        now = self._clock()
        token_id, secret = new_secret()
        expire = None if ttl_seconds is None else now + ttl_seconds
        token = Token(parent.team, token_id, role, description, now, expire)
        with self._store.transaction(write=True) as tx:
            team_pk, _ = self._team_row(tx, parent)
            tx.insert_token(team_pk, token, hash_secret(secret))
        return token, secret

    def list_tokens(self, parent: TeamName, requested_size: int, token: str) -> TokenPage:
        size = page_size(requested_size, DEFAULT_TOKEN_PAGE_SIZE)
        request_fingerprint = fingerprint("tokens", parent.team)
        after = decode_page_token(token, request_fingerprint)
        with self._store.transaction(write=False) as tx:
            # A team without a record (authentication off) simply has no tokens.
            rows = tx.tokens(parent.team, after, size + 1)
        next_token = ""
        if len(rows) > size:
            rows = rows[:size]
            next_token = encode_page_token(rows[-1][0], request_fingerprint)
        return TokenPage([t for _, t in rows], next_token)

    def revoke_token(self, name: TokenName) -> Token:
        with self._store.transaction(write=True) as tx:
            found = tx.token(name.token_id)
            if found is None or found[0].team != name.team:
                raise token_not_found(name)
            tx.revoke_token(name.token_id, self._clock())
            revoked = tx.token(name.token_id)
        assert revoked is not None
        return revoked[0]

    @staticmethod
    def _team_row(tx: Transaction, name: TeamName) -> tuple[int, Team]:
        row = tx.team(name.team)
        if row is None:
            raise team_not_found(name)
        return row

    # Every call, with authentication on --------------------------------------------------

    def authenticate(self, secret: str | None) -> Principal:
        """The caller behind a bearer secret, or Unauthenticated."""
        if not secret:
            raise Unauthenticated(
                "missing credentials: send `authorization: Bearer <token>`",
                reason="TOKEN_MISSING",
            )
        match = _SECRET.match(secret)
        found = None
        if match:
            with self._store.transaction(write=False) as tx:
                found = tx.token(match.group(1))
        if found is None or not hmac.compare_digest(found[1], hash_secret(secret)):
            raise Unauthenticated("invalid token", reason="TOKEN_INVALID")
        token, now = found[0], self._clock()
        if token.revoke_time is not None:
            raise Unauthenticated("the token was revoked", reason="TOKEN_REVOKED")
        if token.expire_time is not None and token.expire_time <= now:
            raise Unauthenticated("the token has expired", reason="TOKEN_EXPIRED")
        return Principal(token.team, token.role)
