"""Which files a .dockerignore keeps in the build context (the builder's own rules).

Patterns are matched against a path relative to the context and against each of its
parent folders; `*` and `?` stay within one folder, `**` spans any number of them; the
last pattern that matches decides, and `!` marks a pattern that keeps what it matches.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    keeps: bool


def _compile(pattern: str) -> Pattern:
    keeps = pattern.startswith("!")
    cleaned = posixpath.normpath(pattern.removeprefix("!").strip()).lstrip("/")
    regex, i = "", 0
    while i < len(cleaned):
        if cleaned.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif cleaned.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif cleaned[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif cleaned[i] == "?":
            regex, i = regex + "[^/]", i + 1
        else:
            regex, i = regex + re.escape(cleaned[i]), i + 1
    return Pattern(re.compile(f"^{regex}$"), keeps)


class DockerIgnore:
    def __init__(self, text: str) -> None:
        lines = (line.strip() for line in text.splitlines())
        self.patterns = [_compile(line) for line in lines if line and not line.startswith("#")]

    @classmethod
    def read(cls, path: Path) -> DockerIgnore:
        return cls(path.read_text() if path.exists() else "")

    def excludes(self, relative_path: str) -> bool:
        parts = relative_path.strip("/").split("/")
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        excluded = False
        for pattern in self.patterns:
            # An exclusion cannot change an excluded path, nor a keeper a kept one.
            if pattern.keeps != excluded:
                continue
            if any(pattern.regex.match(candidate) for candidate in candidates):
                excluded = not pattern.keeps
        return excluded
