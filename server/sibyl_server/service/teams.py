"""Teams and tokens: creating them, and turning a presented secret into a caller."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
from operator import attrgetter

from sibyl_server.domain.errors import (
    Unauthenticated,
    team_not_found,
    token_not_found,
)
from sibyl_server.domain.names import TeamName, TokenName, check_resource_id
from sibyl_server.domain.team import Principal, Role, Team, TeamQuotas, Token
from sibyl_server.domain.validation import (
    MAX_DESCRIPTION_LENGTH,
    check_quotas,
    check_request_id,
    check_text,
    check_token_ttl,
)
from sibyl_server.service.pagination import (
    cut_page,
    decode_page_token,
    fingerprint,
    page_size,
)
from sibyl_server.service.use_case import StoreUseCases
from sibyl_server.store.interface import TeamRecord, Transaction

DEFAULT_TOKEN_PAGE_SIZE = 100
_SECRET = re.compile(r"sibyl_([0-9a-f]{16})_[A-Za-z0-9_-]{43}")


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


class TeamUseCases(StoreUseCases):
    # Operator commands (sibyl admin) ----------------------------------------------------

    def create_team(self, team: str, quotas: TeamQuotas) -> tuple[Team, str]:
        """Creates a team and its first admin token; returns the team and the secret."""
        check_resource_id(team, "team")
        check_quotas(quotas)
        now = self._clock()
        created = Team(team, quotas, now)
        token_id, secret = new_secret()
        token = Token(team, token_id, Role.ADMIN, "first admin token", now)
        with self._store.transaction(write=True) as tx:
            team_pk = tx.insert_team(created)
            tx.insert_token(team_pk, token, hash_secret(secret), None)
        return created, secret

    def set_quotas(self, team: str, quotas: TeamQuotas) -> Team:
        check_quotas(quotas)
        with self._store.transaction(write=True) as tx:
            pk = self._team_record(tx, TeamName(team)).pk
            tx.update_team_quotas(pk, quotas)
            return self._team_record(tx, TeamName(team)).team

    def list_teams(self) -> list[Team]:
        with self._store.transaction(write=False) as tx:
            return tx.teams()

    # Team admins (TeamService) ----------------------------------------------------------

    def get_team(self, name: TeamName) -> Team:
        """The team; a team without a record (authentication off) has no quotas."""
        with self._store.transaction(write=False) as tx:
            record = tx.team(name.team)
        return record.team if record else Team(name.team, TeamQuotas())

    def create_token(
        self,
        parent: TeamName,
        role: Role,
        description: str,
        ttl_seconds: float | None,
        request_id: str = "",
    ) -> tuple[Token, str]:
        """A new token and its secret. A retry with the same `request_id` revokes the token
        the first call created (its secret never arrived) and returns a new one."""
        check_text(description, MAX_DESCRIPTION_LENGTH, "description", single_line=True)
        check_request_id(request_id)
        if ttl_seconds is not None:
            check_token_ttl(ttl_seconds, "time_to_live")
        now = self._clock()
        token_id, secret = new_secret()
        expire = None if ttl_seconds is None else now + ttl_seconds
        token = Token(parent.team, token_id, role, description, now, expire)
        with self._store.transaction(write=True) as tx:
            team_pk = self._team_record(tx, parent).pk
            earlier = tx.token_by_request_id(team_pk, request_id) if request_id else None
            if earlier is not None:
                tx.revoke_token(earlier.token.token_id, now)
            tx.insert_token(team_pk, token, hash_secret(secret), request_id or None)
        return token, secret

    def list_tokens(self, parent: TeamName, requested_size: int, token: str) -> TokenPage:
        size = page_size(requested_size, DEFAULT_TOKEN_PAGE_SIZE)
        request_fingerprint = fingerprint("tokens", parent.team)
        after = decode_page_token(token, request_fingerprint)
        with self._store.transaction(write=False) as tx:
            # A team without a record (authentication off) simply has no tokens.
            records = tx.tokens(parent.team, after, size + 1)
        page, next_token = cut_page(records, size, attrgetter("pk"), request_fingerprint)
        return TokenPage([r.token for r in page], next_token)

    def revoke_token(self, name: TokenName) -> Token:
        with self._store.transaction(write=True) as tx:
            found = tx.token(name.token_id)
            if found is None or found.token.team != name.team:
                raise token_not_found(name)
            tx.revoke_token(name.token_id, self._clock())
            revoked = tx.token(name.token_id)
        assert revoked is not None
        return revoked.token

    @staticmethod
    def _team_record(tx: Transaction, name: TeamName) -> TeamRecord:
        record = tx.team(name.team)
        if record is None:
            raise team_not_found(name)
        return record

    # Every call, with authentication on --------------------------------------------------

    def authenticate(self, secret: str | None) -> Principal:
        """The caller behind a bearer secret, or Unauthenticated."""
        if not secret:
            raise Unauthenticated(
                "missing credentials: send `authorization: Bearer <token>`",
                reason="TOKEN_MISSING",
            )
        match = _SECRET.fullmatch(secret)
        found = None
        if match:
            with self._store.transaction(write=False) as tx:
                found = tx.token(match.group(1))
        if found is None or not hmac.compare_digest(found.secret_hash, hash_secret(secret)):
            raise Unauthenticated("invalid token", reason="TOKEN_INVALID")
        token, now = found.token, self._clock()
        if token.revoke_time is not None:
            raise Unauthenticated("the token was revoked", reason="TOKEN_REVOKED")
        if token.expire_time is not None and token.expire_time <= now:
            raise Unauthenticated("the token has expired", reason="TOKEN_EXPIRED")
        return Principal(token.team, token.role)
