"""The `sibyl` command: run a server, look at studies and trials as tables, change a budget.

sibyl serve --store sqlite:///sibyl.db
sibyl studies
sibyl study my-study
sibyl trials my-study --state completed
sibyl update-study my-study --max-trials 100
sibyl dashboard --http-address 127.0.0.1:8080 --open

The connection flags (--address, --team, --token, --tls-ca-file) go before or after the
command; `serve` and `admin` come first and take their own flags.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

from sibyl.client import Client, connect
from sibyl.errors import SibylError
from sibyl.study import TRIAL_STATES as TRIAL_STATE_NAMES
from sibyl.study import Study, Trial
from sibyl.v1 import study_pb2

# Commands that hand their arguments to the server package's own parser.
DELEGATED = ("serve", "admin")
PRIOR_WEIGHTS = "sibyl.prior_weights"
"""Trial metadata: the prior studies' weights in the model that suggested the trial."""
TRIAL_STATES = tuple(state.lower() for state in TRIAL_STATE_NAMES)


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
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return " ".join(str(value).split())  # one line per row, whatever a reason holds


# The parser ------------------------------------------------------------------------------


def _connection_flags(defaults: bool) -> argparse.ArgumentParser:
    """The flags every client command takes, before or after the command's name.

    The top-level parser holds the defaults; each command's copy uses SUPPRESS, so a
    flag given before the command is not overwritten by that copy's default.
    """

    def default(value: str | None) -> str | None:
        return value if defaults else argparse.SUPPRESS

    flags = argparse.ArgumentParser(add_help=False)
    group = flags.add_argument_group("connection")
    group.add_argument(
        "--address",
        default=default(os.environ.get("SIBYL_ADDRESS", "127.0.0.1:50051")),
        help="server host:port [SIBYL_ADDRESS]",
    )
    group.add_argument(
        "--team", default=default(os.environ.get("SIBYL_TEAM", "default")), help="team [SIBYL_TEAM]"
    )
    group.add_argument(
        "--token", default=default(os.environ.get("SIBYL_TOKEN")), help="bearer token [SIBYL_TOKEN]"
    )
    group.add_argument(
        "--tls-ca-file",
        default=default(os.environ.get("SIBYL_TLS_CA_FILE")),
        help="PEM file of the certificate authorities to trust; implies TLS [SIBYL_TLS_CA_FILE]",
    )
    group.add_argument(
        "--tls",
        action="store_true",
        default=os.environ.get("SIBYL_TLS", "") in ("1", "true") if defaults else argparse.SUPPRESS,
        help="TLS, trusting the system's certificate authorities [SIBYL_TLS=1]",
    )
    return flags


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sibyl",
        description=__doc__.split("\n")[0],
        parents=[_connection_flags(defaults=True)],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    flags = [_connection_flags(defaults=False)]
    commands.add_parser("serve", help="run a server (needs the server extra: '.[server]')")
    commands.add_parser("admin", help="operator commands: teams, tokens, quotas (server extra)")
    listing = [_listing_flags()]
    commands.add_parser("studies", help="list the team's studies", parents=flags + listing)
    show = commands.add_parser("study", help="show a study and its best trial", parents=flags)
    show.add_argument("study_id")
    trials = commands.add_parser("trials", help="list a study's trials", parents=flags + listing)
    trials.add_argument("study_id")
    trials.add_argument(
        "--state",
        action="append",
        default=[],
        type=str.lower,
        choices=TRIAL_STATES,
        help="only trials in this state (repeatable; any case)",
    )
    _add_update_parser(commands, flags)
    importance = commands.add_parser(
        "importance",
        help="how much each parameter moves a metric",
        description="Computed by the server from the study's finished trials (seconds).",
        parents=flags,
    )
    importance.add_argument("study_id")
    importance.add_argument("--metric", default="", help="default: the first objective")
    _add_dashboard_parser(commands, flags)
    return parser


def _add_dashboard_parser(commands: Any, flags: list[argparse.ArgumentParser]) -> None:
    dashboard = commands.add_parser(
        "dashboard",
        help="print the web dashboard's URL (and open it)",
        description="The dashboard is served by `sibyl serve --http-address HOST:PORT`.",
        parents=flags,
    )
    dashboard.add_argument(
        "--http-address",
        default=os.environ.get("SIBYL_HTTP_ADDRESS", "127.0.0.1:8080"),
        help="the server's HTTP host:port [SIBYL_HTTP_ADDRESS]",
    )
    dashboard.add_argument("--study", help="the study to show (default: the list of studies)")
    dashboard.add_argument("--open", action="store_true", help="open it in a web browser")
    dashboard.set_defaults(usage_error=dashboard.error)


def _listing_flags() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="table (default), csv or json"
    )
    parser.add_argument(
        "--sort",
        metavar="COLUMN",
        help="sort by this column (its header, any case); --sort=-COLUMN sorts descending",
    )
    return parser


def _add_update_parser(commands: Any, flags: list[argparse.ArgumentParser]) -> None:
    update = commands.add_parser(
        "update-study",
        help="change a study's budget, trial lease or display name",
        description="Change what may change after creation; give at least one option.",
        parents=flags,
    )
    update.add_argument("study_id")
    update.add_argument(
        "--max-trials",
        type=_at_least(0, int),
        help="the trial budget; 0 removes it (it cannot go below the study's trials)",
    )
    update.add_argument(
        "--trial-lease-seconds",
        type=_at_least(1, float),
        help="how long a silent worker keeps its trial (1 second to 30 days)",
    )
    update.add_argument("--display-name", help="the name tools show")
    update.set_defaults(usage_error=update.error)


def _at_least(low: float, kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse type: a number of `kind` that is at least `low`."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            expected = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low:g}, got {text}")
        return value

    return parse


# Running ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command in `argv` (default: the process's arguments); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        return _serve(argv[1:])
    if argv[:1] == ["admin"]:
        return _admin(argv[1:])
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command in DELEGATED:
        parser.error(f"'{args.command}' must come first: sibyl {args.command} --help")
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "update-study" and not _updates(args):
        args.usage_error("give --max-trials, --trial-lease-seconds or --display-name")
    if args.command == "dashboard":
        return _dashboard(args)
    return _run(args)


def _dashboard(args: argparse.Namespace) -> int:
    """Prints the dashboard's URL; opens it too with --open. Needs no connection."""
    try:
        https = bool(args.tls_ca_file or args.tls)
        url = dashboard_url(args.http_address, args.team, args.study, https=https)
    except ValueError as error:
        args.usage_error(f"--http-address: {error}")
    print(url)
    if args.open:
        import webbrowser

        if not webbrowser.open(url):
            return _fail(f"no web browser could be started here; open {url} yourself")
    return 0


# Addresses a server listens on that a browser cannot connect to: its loopback instead.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}


def dashboard_url(address: str, team: str, study: str | None = None, https: bool = False) -> str:
    """The dashboard's URL on a server whose HTTP address is `address` (host:port).

    The team goes in the query (the page keeps it, with the token, for the session);
    the study in the fragment. Raises ValueError for an address that is not host:port.
    """
    host, colon, port = address.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {address!r}")
    host = host.strip("[]")
    host = _WILDCARD_HOSTS.get(host, host)
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    query = "" if team == "default" else "?" + urllib.parse.urlencode({"team": team})
    fragment = f"#/studies/{urllib.parse.quote(study)}" if study else ""
    return f"{'https' if https else 'http'}://{netloc}/dashboard/{query}{fragment}"


def _run(args: argparse.Namespace) -> int:
    """Connects, runs the command and prints its output; failures are one line on stderr."""
    try:
        options = {"token": args.token, "tls_ca_file": args.tls_ca_file, "tls": args.tls}
        with connect(args.address, team=args.team, **options) as client:
            print(COMMANDS[args.command](client, args))
    except SibylError as error:  # an unreachable server too: UnavailableError
        return _fail(str(error))
    except (UsageError, ValueError) as error:  # ValueError: a value refused before sending
        return _fail(str(error), code=2)
    except BrokenPipeError:  # the reader went away (`sibyl trials ... | head`): quietly
        _discard_stdout()
        return 128 + 13  # as a tool killed by SIGPIPE
    except OSError as error:  # e.g. an unreadable --tls-ca-file
        return _fail(
            f"cannot read {error.filename}: {error.strerror}" if error.filename else str(error)
        )
    except KeyboardInterrupt:
        return 130
    return 0


def _discard_stdout() -> None:
    """Points stdout at /dev/null, so that the interpreter's flush at exit does not
    raise again into the pipe that is gone."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _fail(message: str, code: int = 1) -> int:
    # One line, so that scripts and people see the cause, not a traceback.
    print(f"sibyl: {' '.join(message.split())}", file=sys.stderr)
    return code


class UsageError(Exception):
    """A flag whose value only the server's answer shows to be wrong (e.g. --sort)."""


def _serve(argv: list[str]) -> int:
    try:
        from sibyl_server.cli import serve_process
    except ImportError as error:
        print(f"sibyl serve needs the server extra: pip install '.[server]' ({error})")
        return 2
    serve_process(argv)  # the process's whole life: it never returns


def _admin(argv: list[str]) -> int:
    try:
        from sibyl_server.admin import main as admin_main
    except ImportError as error:
        print(f"sibyl admin needs the server extra: pip install '.[server]' ({error})")
        return 2
    return admin_main(argv)


# The commands ----------------------------------------------------------------------------


def _list_studies(client: Client, args: argparse.Namespace) -> str:
    studies = list(client.list_studies())
    rows = [
        (s.study_id, s.state, s.proto.trial_count, _algorithm(s), _objectives(s)) for s in studies
    ]
    return _listing(("STUDY", "STATE", "TRIALS", "ALGORITHM", "OBJECTIVE"), rows, args)


def _show_study(client: Client, args: argparse.Namespace) -> str:
    return _study_text(client.get_study(args.study_id))


def _list_trials(client: Client, args: argparse.Namespace) -> str:
    study = client.get_study(args.study_id)
    headers, rows = _trial_rows(study, list(study.trials(tuple(args.state))))
    return _listing(headers, rows, args)


def _update_study(client: Client, args: argparse.Namespace) -> str:
    try:
        client.get_study(args.study_id).update(**_updates(args))
    except ValueError as error:  # a value out of range, checked before it is sent
        raise UsageError(str(error).removeprefix("Study.update: ")) from None
    return _study_text(client.get_study(args.study_id))


def _updates(args: argparse.Namespace) -> dict[str, Any]:
    """The update-study options given, as `Study.update` keyword arguments."""
    given = {
        "max_trials": args.max_trials,
        "trial_lease_seconds": args.trial_lease_seconds,
        "display_name": args.display_name,
    }
    return {name: value for name, value in given.items() if value is not None}


def _importance(client: Client, args: argparse.Namespace) -> str:
    result = client.get_study(args.study_id).parameter_importance(args.metric)
    rows = [
        (
            p.parameter,
            f"{p.importance:.3f}",
            f"{p.first_order:.3f}",
            "" if p.total_effect is None else f"{p.total_effect:.3f}",
        )
        for p in result.parameters
    ]
    table = format_table(("PARAMETER", "IMPORTANCE", "FIRST ORDER", "TOTAL EFFECT"), rows)
    heading = f"{result.metric}: {result.method} over {result.trial_count} trials"
    return f"{heading}\n{table}"


COMMANDS: dict[str, Callable[[Client, argparse.Namespace], str]] = {
    "importance": _importance,
    "studies": _list_studies,
    "study": _show_study,
    "trials": _list_trials,
    "update-study": _update_study,
}


# Output ----------------------------------------------------------------------------------


def _algorithm(study: Study) -> str:
    return study_pb2.Algorithm.Name(study.proto.spec.algorithm).removeprefix("ALGORITHM_")


def _study_text(study: Study) -> str:
    spec = study.proto.spec
    lease = spec.trial_lease.ToTimedelta().total_seconds() if spec.HasField("trial_lease") else 0
    lines = [
        f"study:      {study.name}",
        f"display:    {study.proto.display_name}" if study.proto.display_name else "",
        f"state:      {study.state} {study.proto.state_reason}".rstrip(),
        f"algorithm:  {_algorithm(study)}",
        f"metrics:    {', '.join(_metric_text(m) for m in spec.metrics)}",
        f"trials:     {study.proto.trial_count} ({_budget(spec.max_trials)})",
        f"lease:      {lease:g} s" if lease else "",
        f"parameters: {', '.join(p.name for p in spec.parameters)}",
        _stopping_text(spec),
        f"fidelity:   steps up to {spec.fidelity.max_step}" if spec.HasField("fidelity") else "",
        _budget_text(spec),
        _priors_text(study),
        "restarts:   when it stalls" if spec.stall_restarts else "",
    ]
    best = study.best_trial()
    if best is not None:
        lines.append(f"best:       trial {best.id} {best.metrics} {best.parameters}")
    return "\n".join(line for line in lines if line)


def _budget_text(spec: study_pb2.StudySpec) -> str:
    if not spec.HasField("budget_parameter"):
        return ""
    budget = spec.budget_parameter
    return f"budget:     {budget.parameter} (reduction factor {budget.reduction_factor})"


def _stopping_text(spec: study_pb2.StudySpec) -> str:
    """E.g. `stopping:   successive_halving (min_step 1, reduction_factor 3, brackets 1)`;
    "" for none."""
    rule = spec.early_stopping.WhichOneof("rule")
    if rule is None:
        return ""
    settings = getattr(spec.early_stopping, rule).ListFields()
    described = ", ".join(f"{field.name} {value:g}" for field, value in settings)
    return f"stopping:   {rule}" + (f" ({described})" if described else "")


def _priors_text(study: Study) -> str:
    """The prior studies, with the weights of the newest trial that used them, e.g.
    `priors:     teams/t/studies/a (weight 0.71), teams/t/studies/b (weight 0.00)`."""
    priors = study.proto.spec.prior_studies
    if not priors:
        return ""
    weights: dict[str, float] = {}
    for trial in study.trials(measurements=False):
        weights = json.loads(trial.metadata.get(PRIOR_WEIGHTS, "null")) or weights
    described = []
    for prior in priors:
        text = prior.study + (f" as {prior.objective}" if prior.objective else "")
        if prior.study in weights:
            text += f" (weight {weights[prior.study]:.2f})"
        described.append(text)
    return f"priors:     {', '.join(described)}"


def _objectives(study: Study) -> str:
    """Every objective, e.g. `accuracy/MAXIMIZE, latency/MINIMIZE`."""
    return ", ".join("/".join(objective) for objective in study.objectives)


def _budget(max_trials: int) -> str:
    return f"budget {max_trials}" if max_trials else "no budget"


def _metric_text(metric: study_pb2.MetricSpec) -> str:
    """E.g. `loss (minimize)`, `memory_gb <= 8`."""
    if metric.goal:
        return f"{metric.name} ({study_pb2.Goal.Name(metric.goal).removeprefix('GOAL_').lower()})"
    bounds = metric.constraint
    parts = [f">= {bounds.lower_bound:g}"] if bounds.HasField("lower_bound") else []
    parts += [f"<= {bounds.upper_bound:g}"] if bounds.HasField("upper_bound") else []
    return f"{metric.name} {' and '.join(parts)}"


def _trial_rows(study: Study, trials: list[Trial]) -> tuple[list[str], list[list[object]]]:
    """ID, state, steps measured, each metric (the spec's, then others reported), each
    parameter, and a note (where an early-stopped trial stopped and why, or why a
    trial was infeasible). A missing value is None."""
    metrics = [m.name for m in study.proto.spec.metrics]
    metrics += sorted({k for t in trials for k in t.metrics} - set(metrics))
    names = [p.name for p in study.proto.spec.parameters]
    rows = [
        [
            t.id,
            t.state,
            len(t.proto.measurements),
            *(t.metrics.get(m) for m in metrics),
            *(t.parameters.get(n) for n in names),
            _note(t),
        ]
        for t in trials
    ]
    headers = _distinct(
        [("", "ID"), ("", "STATE"), ("", "STEPS")]
        + [("metric:", m.upper()) for m in metrics]
        + [("parameter:", n) for n in names]
        + [("", "NOTE")]
    )
    return headers, rows


def _distinct(columns: list[tuple[str, str]]) -> list[str]:
    """Each (prefix, name)'s header: its name, or prefix + name where the name is taken
    (the CLI's own columns first: a parameter called "state" must not replace them)."""
    fixed = {name.lower() for prefix, name in columns if not prefix}
    headers: list[str] = []
    taken: set[str] = set()
    for prefix, name in columns:
        header = name if not prefix or name.lower() not in fixed | taken else prefix + name
        while header.lower() in taken:
            header += "_"
        taken.add(header.lower())
        headers.append(header)
    return headers


def _note(trial: Trial) -> str:
    metadata = trial.metadata
    if "sibyl.stop_reason" in metadata:
        return (
            f"stopped at step {metadata.get('sibyl.stop_step', '?')}: "
            + metadata["sibyl.stop_reason"]
        )
    if trial.proto.infeasibility_reason or PRIOR_WEIGHTS not in metadata:
        return trial.proto.infeasibility_reason
    weights = json.loads(metadata[PRIOR_WEIGHTS])
    return "prior weights " + ", ".join(
        f"{name.rsplit('/', 1)[-1]} {weight:.2f}" for name, weight in weights.items()
    )


FORMATS = ("table", "csv", "json")


def _listing(headers: Sequence[str], rows: Sequence[Sequence[object]], args: Any) -> str:
    """`rows` sorted as `--sort` says, in the `--format` asked for."""
    if args.sort:
        rows = _sorted(headers, rows, args.sort)
    if args.format == "json":
        return json.dumps([dict(zip(headers, row, strict=True)) for row in rows], indent=2)
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    return format_table(headers, rows)


def _sorted(
    headers: Sequence[str], rows: Sequence[Sequence[object]], sort: str
) -> list[Sequence[object]]:
    column, descending = sort.removeprefix("-"), sort.startswith("-")
    lowered = [h.lower() for h in headers]
    if column.lower() not in lowered:
        raise UsageError(f"--sort {column}: no such column; the columns are {', '.join(headers)}")
    index = lowered.index(column.lower())
    # Numbers before text, empty cells last whichever the direction.
    present = [row for row in rows if row[index] not in (None, "")]
    empty = [row for row in rows if row[index] in (None, "")]
    present.sort(key=lambda row: _sort_key(row[index]), reverse=descending)
    return present + empty


def _sort_key(value: object) -> tuple[int, float, str]:
    if isinstance(value, (int, float)):
        return (0, float(value), "")
    return (1, 0.0, str(value))


if __name__ == "__main__":
    sys.exit(main())
