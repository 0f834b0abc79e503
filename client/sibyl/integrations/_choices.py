"""Any Python values as a Sibyl parameter: labels for categories, exact numbers back."""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence
from typing import Any

from sibyl.spec import Categorical, Discrete, Parameter

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Choices:
    """A list of values searched as one parameter, decoded to the very objects given.

    Numbers become a Discrete parameter (ordered: the engine can model them), any
    other mix a Categorical one over labels: the string itself, else its repr.
    Decoding returns the original object, so 1.0 stays a float and 1 an int.
    """

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = list(values)
        if not self.values:
            raise ValueError("a list of choices must not be empty")
        self.numeric = all(is_number(v) for v in self.values)
        if self.numeric:
            self._numbers = {float(v): v for v in reversed(self.values)}
        else:
            self.labels = _labels(self.values)
            self._objects = dict(zip(self.labels, self.values, strict=True))

    def parameter(self, name: str) -> Parameter:
        if self.numeric:
            return Discrete(name, sorted(self._numbers))
        return Categorical(name, list(dict.fromkeys(self.labels)))

    def decode(self, value: Any) -> Any:
        return self._numbers[float(value)] if self.numeric else self._objects[str(value)]

    def encode(self, value: Any) -> float | str:
        """The Sibyl value of one of the choices (ValueError if it is none of them)."""
        for index, candidate in enumerate(self.values):
            if _same(candidate, value):
                return float(candidate) if self.numeric else self.labels[index]
        raise ValueError(f"{value!r} is not one of the choices")


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # e.g. arrays compare elementwise
        return a is b


def _labels(values: list[Any]) -> list[str]:
    labels: list[str] = []
    for value in values:
        label = value if isinstance(value, str) and 0 < len(value) <= 200 else repr(value)[:200]
        while label in labels and not _same(values[labels.index(label)], value):
            label = f"{label}#{len(labels)}"
        labels.append(label)
    return labels


def sibyl_name(name: str, taken: set[str]) -> str:
    """A valid, unused Sibyl parameter name for `name` (which is kept when it is valid)."""
    candidate = name if _NAME.match(name) else re.sub(r"[^A-Za-z0-9_.\-]", "_", name)
    candidate = candidate if re.match(r"[A-Za-z_]", candidate) else "_" + candidate
    candidate, base, suffix = candidate[:64], candidate[:58], 1
    while candidate in taken:
        candidate, suffix = f"{base}.{suffix}", suffix + 1
    taken.add(candidate)
    return candidate
