"""`sibyl admin`: operator commands that talk to the database directly.

    sibyl admin --store URL create-team ml-research [--max-active-studies 20]
    sibyl admin --store URL set-quotas ml-research --max-suggest-requests-per-second 50
        (changes only the quotas given; 0 is no limit)
    sibyl admin --store URL create-token ml-research --role admin
    sibyl admin --store URL revoke-token teams/ml-research/tokens/0123456789abcdef
    sibyl admin --store URL list-teams

Secrets are printed once, on standard output; only their hashes are stored.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Sequence

from sibyl_server.domain.errors import SibylServerError
from sibyl_server.domain.names import TeamName, parse_token_name
from sibyl_server.domain.team import Role, TeamQuotas
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.store import open_store
from sibyl_server.store.interface import StoreProblem


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sibyl admin", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--store",
        default=os.environ.get("SIBYL_STORE", "sqlite:///sibyl.db"),
        help="database URL [SIBYL_STORE]",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("create-team", "set-quotas"):
        command = commands.add_parser(name)
        command.add_argument("team")
        # 0 is no limit. set-quotas changes only the quotas it is given (None: kept).
        given = None if name == "set-quotas" else 0
        command.add_argument("--max-active-studies", type=int, default=given)
        command.add_argument("--max-trials-per-study", type=int, default=given)
        command.add_argument(
            "--max-suggest-requests-per-second", type=float, default=None if given is None else 0.0
        )
    token = commands.add_parser("create-token")
    token.add_argument("team")
    token.add_argument("--role", choices=["reader", "writer", "admin"], required=True)
    token.add_argument("--description", default="")
    token.add_argument("--ttl-seconds", type=float, default=None)
    revoke = commands.add_parser("revoke-token")
    revoke.add_argument("name", help="teams/{team}/tokens/{id}")
    commands.add_parser("list-teams")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        store = open_store(args.store, pool_size=2)
    except ValueError as error:  # an unsupported or malformed URL
        print(f"sibyl admin: --store: {error}", file=sys.stderr)
        return 2
    try:
        store.migrate()
        print(_run(args, TeamUseCases(store, time.time)))
    except SibylServerError as error:
        print(f"sibyl admin: {error.message}", file=sys.stderr)
        return 1
    except StoreProblem as problem:
        print(f"sibyl admin: the store refused: {problem.line}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _run(args: argparse.Namespace, teams: TeamUseCases) -> str:
    if args.command == "create-team":
        team, secret = teams.create_team(args.team, _quotas(args))
        return f"created teams/{team.team}\nadmin token (shown once): {secret}"
    if args.command == "set-quotas":
        current = teams.get_team(TeamName(args.team)).quotas
        team = teams.set_quotas(args.team, _quotas(args, current))
        return f"teams/{team.team} quotas: {team.quotas}"
    if args.command == "create-token":
        role = Role[args.role.upper()]
        token, secret = teams.create_token(
            TeamName(args.team), role, args.description, args.ttl_seconds
        )
        return f"created teams/{token.team}/tokens/{token.token_id} ({args.role})\ntoken: {secret}"
    if args.command == "revoke-token":
        token = teams.revoke_token(parse_token_name(args.name, "name"))
        return f"revoked teams/{token.team}/tokens/{token.token_id}"
    return "\n".join(f"teams/{t.team}  {t.quotas}" for t in teams.list_teams()) or "no teams"


def _quotas(args: argparse.Namespace, current: TeamQuotas | None = None) -> TeamQuotas:
    """The quotas given, the others as they are (`current`)."""
    given = {
        "max_active_studies": args.max_active_studies,
        "max_trials_per_study": args.max_trials_per_study,
        "max_suggest_requests_per_second": args.max_suggest_requests_per_second,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    return dataclasses.replace(current or TeamQuotas(), **changes)
