"""Teams, tokens and rate windows in SQL: the `TeamRepository` and `RateRepository`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, delete, exc, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sibyl_server.domain.errors import Aborted, AlreadyExists
from sibyl_server.domain.team import Role, Team, TeamQuotas, Token
from sibyl_server.store import codec
from sibyl_server.store.interface import TeamRecord, TokenRecord
from sibyl_server.store.sql.errors import insert_row
from sibyl_server.store.tables import rate_windows, teams, tokens

# With token authentication every call reads its token: the statement is built once,
# as the other statements of every call are (trials.py).
_TOKEN = (
    select(tokens, teams.c.team)
    .join(teams, teams.c.pk == tokens.c.team_pk)
    .where(tokens.c.token_id == bindparam("b_token_id"))
)


class SqlTeams:
    _connection: Connection

    def insert_team(self, team: Team) -> int:
        values = {
            "team": team.team,
            "quotas": codec.quotas_to_json(team.quotas),
            "create_time": codec.to_micros(team.create_time),
        }
        exists = AlreadyExists(
            f"team teams/{team.team} already exists", reason="TEAM_ALREADY_EXISTS"
        )
        return insert_row(self._connection, teams, values, exists)

    def team(self, team: str) -> TeamRecord | None:
        row = self._connection.execute(select(teams).where(teams.c.team == team)).first()
        return None if row is None else TeamRecord(row.pk, _team(row))

    def teams(self) -> list[Team]:
        return [_team(row) for row in self._connection.execute(select(teams).order_by(teams.c.pk))]

    def quotas(self, team: str, *, lock: bool = False) -> TeamQuotas:
        query = select(teams.c.quotas).where(teams.c.team == team)
        if lock:
            # FOR NO KEY UPDATE: rows that only reference the team still pass.
            query = query.with_for_update(key_share=True)
        text = self._connection.scalar(query)
        return codec.quotas_from_json(text) if text else TeamQuotas()

    def update_team_quotas(self, team_pk: int, quotas: TeamQuotas) -> None:
        self._connection.execute(
            update(teams).where(teams.c.pk == team_pk).values(quotas=codec.quotas_to_json(quotas))
        )

    def insert_token(
        self, team_pk: int, token: Token, secret_hash: str, request_id: str | None
    ) -> None:
        statement = insert(tokens).values(
            team_pk=team_pk,
            token_id=token.token_id,
            secret_hash=secret_hash,
            role=int(token.role),
            description=token.description,
            create_time=codec.to_micros(token.create_time),
            expire_time=codec.micros_or_none(token.expire_time),
            revoke_time=None,
            request_id=request_id,
        )
        try:
            self._connection.execute(statement)
        except exc.IntegrityError as error:
            raise Aborted(
                "concurrent request with the same request_id; retry", reason="CONCURRENT_REQUEST"
            ) from error

    def token(self, token_id: str) -> TokenRecord | None:
        row = self._connection.execute(_TOKEN, {"b_token_id": token_id}).first()
        return None if row is None else TokenRecord(row.pk, _token(row), row.secret_hash)

    def token_by_request_id(self, team_pk: int, request_id: str) -> TokenRecord | None:
        query = (
            select(tokens, teams.c.team)
            .join(teams, teams.c.pk == tokens.c.team_pk)
            .where(and_(tokens.c.team_pk == team_pk, tokens.c.request_id == request_id))
        )
        row = self._connection.execute(query).first()
        return None if row is None else TokenRecord(row.pk, _token(row), row.secret_hash)

    def tokens(self, team: str, after_pk: int, limit: int) -> list[TokenRecord]:
        query = (
            select(tokens, teams.c.team)
            .join(teams, teams.c.pk == tokens.c.team_pk)
            .where(and_(teams.c.team == team, tokens.c.pk > after_pk))
            .order_by(tokens.c.pk)
            .limit(limit)
        )
        return [
            TokenRecord(row.pk, _token(row), row.secret_hash)
            for row in self._connection.execute(query)
        ]

    def revoke_token(self, token_id: str, now: float) -> None:
        self._connection.execute(
            update(tokens)
            .where(and_(tokens.c.token_id == token_id, tokens.c.revoke_time.is_(None)))
            .values(revoke_time=codec.to_micros(now), request_id=None)
        )


class SqlRates:
    _connection: Connection

    def count_call(self, team: str, window: int) -> int:
        # An upsert, so concurrent replicas add to the same row; windows older than a
        # minute are dropped on the way.
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(rate_windows).values(team=team, window=window, calls=1)
        statement = statement.on_conflict_do_update(
            index_elements=[rate_windows.c.team, rate_windows.c.window],
            set_={"calls": rate_windows.c.calls + 1},
        ).returning(rate_windows.c.calls)
        calls = int(self._connection.execute(statement).scalar_one())
        self._connection.execute(
            delete(rate_windows).where(
                and_(rate_windows.c.team == team, rate_windows.c.window < window - 60)
            )
        )
        return calls


def _team(row: Row[Any]) -> Team:
    return Team(
        row.team, codec.quotas_from_json(row.quotas), codec.from_micros(row.create_time) or 0.0
    )


def _token(row: Row[Any]) -> Token:
    return Token(
        team=row.team,
        token_id=row.token_id,
        role=Role(row.role),
        description=row.description,
        create_time=codec.from_micros(row.create_time) or 0.0,
        expire_time=codec.from_micros(row.expire_time),
        revoke_time=codec.from_micros(row.revoke_time),
    )
