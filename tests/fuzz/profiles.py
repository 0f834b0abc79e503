"""How much fuzzing a run does: Hypothesis settings chosen by SIBYL_FUZZ_PROFILE.

`ci` (the default) is small and derandomized, so every run tries the same inputs
and a failure reproduces; `long` (`make fuzz`) tries many more, new ones each run,
and keeps failing examples in `.hypothesis/` to try first next time.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The fixtures are a server and its team, shared by every example on purpose; the
# examples themselves are calls to that server, slower than Hypothesis expects.
_COMMON = {
    "deadline": None,
    "suppress_health_check": (
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ),
    "print_blob": True,
}
PROFILES = {
    "ci": settings(max_examples=8, derandomize=True, database=None, **_COMMON),  # type: ignore[arg-type]
    "long": settings(max_examples=200, **_COMMON),  # type: ignore[arg-type]
}


def fuzz_settings() -> settings:
    """The chosen profile; SIBYL_FUZZ_EXAMPLES, if set, overrides its examples per test."""
    name = os.environ.get("SIBYL_FUZZ_PROFILE", "ci")
    if name not in PROFILES:
        raise ValueError(f"SIBYL_FUZZ_PROFILE={name!r}: use one of {sorted(PROFILES)}")
    examples = os.environ.get("SIBYL_FUZZ_EXAMPLES")
    if examples:
        return settings(PROFILES[name], max_examples=int(examples))
    return PROFILES[name]


FUZZ = fuzz_settings()
"""The decorator for fuzz tests: the settings of the chosen profile."""
