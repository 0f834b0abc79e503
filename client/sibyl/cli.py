"""The `sibyl` command: run a server, or look at studies and trials as tables.

sibyl serve --store sqlite:///sibyl.db
sibyl studies
sibyl study my-study
sibyl trials my-study --state completed
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sibyl.client import connect
from sibyl.errors import SibylError
from sibyl.study import Study, Trial


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns, as wide as their widest cell."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sibyl", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--address",
        default=os.environ.get("SIBYL_ADDRESS", "127.0.0.1:50051"),
        help="server host:port [SIBYL_ADDRESS]",
    )
    parser.add_argument(
        "--team", default=os.environ.get("SIBYL_TEAM", "default"), help="team [SIBYL_TEAM]"
    )
    parser.add_argument(
        "--token", default=os.environ.get("SIBYL_TOKEN"), help="bearer token [SIBYL_TOKEN]"
    )
    parser.add_argument("--tls-ca-file", default=os.environ.get("SIBYL_TLS_CA_FILE"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run a server (needs: pip install 'sibyl[server]')")
    commands.add_parser("admin", help="operator commands: teams, tokens, quotas (server extra)")
    commands.add_parser("studies", help="list the team's studies")
    show = commands.add_parser("study", help="show a study and its best trial")
    show.add_argument("study_id")
    trials = commands.add_parser("trials", help="list a study's trials")
    trials.add_argument("study_id")
    trials.add_argument("--state", action="append", default=[], help="only this state (repeatable)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        return _serve(argv[1:])
    if argv[:1] == ["admin"]:
        return _admin(argv[1:])
    args = _parser().parse_args(argv)
    try:
        options = {"token": args.token, "tls_ca_file": args.tls_ca_file}
        with connect(args.address, team=args.team, **options) as client:
            if args.command == "studies":
                print(_studies_table(list(client.list_studies())))
            elif args.command == "study":
                print(_study_text(client.get_study(args.study_id)))
            else:
                study = client.get_study(args.study_id)
                print(_trials_table(study, list(study.trials(tuple(args.state)))))
    except SibylError as error:
        print(f"sibyl: {error}", file=sys.stderr)
        return 1
    return 0


def _serve(argv: list[str]) -> int:
    try:
        from sibyl_server.cli import serve_main
    except ImportError as error:
        print(f"sibyl serve needs the server extra: pip install 'sibyl[server]' ({error})")
        return 2
    return serve_main(argv)


def _admin(argv: list[str]) -> int:
    try:
        from sibyl_server.admin import main as admin_main
    except ImportError as error:
        print(f"sibyl admin needs the server extra: pip install 'sibyl[server]' ({error})")
        return 2
    return admin_main(argv)


def _studies_table(studies: list[Study]) -> str:
    rows = [
        (s.study_id, s.state, s.proto.trial_count, _algorithm(s), "/".join(s.objective))
        for s in studies
    ]
    return format_table(("STUDY", "STATE", "TRIALS", "ALGORITHM", "OBJECTIVE"), rows)


def _algorithm(study: Study) -> str:
    from sibyl.v1 import study_pb2

    return study_pb2.Algorithm.Name(study.proto.spec.algorithm).removeprefix("ALGORITHM_")


def _study_text(study: Study) -> str:
    lines = [
        f"study:      {study.name}",
        f"state:      {study.state} {study.proto.state_reason}".rstrip(),
        f"algorithm:  {_algorithm(study)}",
        f"objective:  {' '.join(study.objective)}",
        f"trials:     {study.proto.trial_count}",
        f"parameters: {', '.join(p.name for p in study.proto.spec.parameters)}",
    ]
    best = study.best_trial()
    if best is not None:
        lines.append(f"best:       trial {best.id} {best.metrics} {best.parameters}")
    return "\n".join(lines)


def _trials_table(study: Study, trials: list[Trial]) -> str:
    names = [p.name for p in study.proto.spec.parameters]
    metric = study.objective[0]
    rows = [
        (t.id, t.state, t.metrics.get(metric, ""), *(t.parameters.get(n, "") for n in names))
        for t in trials
    ]
    return format_table(("ID", "STATE", metric.upper(), *names), rows)


if __name__ == "__main__":
    sys.exit(main())
