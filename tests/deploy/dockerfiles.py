"""Reading a Dockerfile's instructions as the builder sees them (no container engine here).

Covers what deploy/docker uses: comments, line continuations, ARG defaults before the
first FROM, named stages, ENV in both forms with $VAR expansion, and the JSON (exec) form
of ENTRYPOINT, CMD and HEALTHCHECK.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_FLAG = re.compile(r"--([\w-]+)=(\S+)\s+")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    flags: dict[str, str]
    line: int

    def exec_form(self) -> list[str]:
        """The arguments of an instruction in JSON form (["sibyl", "serve"])."""
        value = json.loads(self.arguments)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), self
        return value


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction:
        found = self.all(keyword)
        assert found, f"no {keyword} in stage {self.name or self.base}"
        return found[-1]

    def environment(self) -> dict[str, str]:
        """The stage's ENV, in order, each value expanded with the ones before it."""
        environment: dict[str, str] = {}
        for instruction in self.all("ENV"):
            environment.update(
                (key, expand(value, environment)) for key, value in env_pairs(instruction)
            )
        return environment


def expand(text: str, variables: dict[str, str]) -> str:
    """$NAME and ${NAME}; unknown names expand to nothing, as in the builder."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1) or m.group(2), ""), text)


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    words = shlex.split(instruction.arguments)
    if "=" not in words[0]:  # legacy form: ENV KEY value with spaces
        return [(words[0], instruction.arguments.split(None, 1)[1])]
    return [tuple(word.split("=", 1)) for word in words]  # type: ignore[misc]


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each instruction, continuations joined."""
    lines: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        lines.append((start, " ".join([*pending, stripped])))
        pending = []
    assert not pending, "the Dockerfile ends inside a continued line"
    return lines


def parse(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """The global ARG defaults and the stages of the Dockerfile at `path`."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for number, line in logical_lines(path.read_text()):
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        flags = {}
        while match := _FLAG.match(rest):
            flags[match.group(1)] = match.group(2)
            rest = rest[match.end() :]
        if keyword == "FROM":
            words = expand(rest, global_args).split()
            stages.append(Stage(words[0], words[2] if len(words) == 3 else None))
        elif not stages:
            assert keyword == "ARG", f"line {number}: only ARG may come before FROM"
            name, _, default = rest.partition("=")
            global_args[name] = default
        else:
            stages[-1].instructions.append(Instruction(keyword, rest.strip(), flags, number))
    return global_args, stages
