"""Domain exceptions: every failure a use case can report, in one module.

Handlers raise these; `sibyl_server.api.errors` is the one place that maps them to
gRPC status codes with `google.rpc` details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class SibylServerError(Exception):
    """Base class. `reason` is an UPPER_SNAKE identifier clients can match on."""

    reason: str = "INTERNAL"

    def __init__(
        self, message: str, *, reason: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.metadata: dict[str, str] = dict(metadata or {})


class InvalidArgument(SibylServerError):
    """A request field is wrong. `field` is its path, e.g. `study.spec.parameters[1].name`."""

    reason = "INVALID_ARGUMENT"

    def __init__(self, field: str, description: str, *, reason: str | None = None) -> None:
        super().__init__(f"{field}: {description}", reason=reason, metadata={"field": field})
        self.field = field
        self.description = description


class NotFound(SibylServerError):
    reason = "NOT_FOUND"


class AlreadyExists(SibylServerError):
    reason = "ALREADY_EXISTS"


class FailedPrecondition(SibylServerError):
    reason = "FAILED_PRECONDITION"


class Aborted(SibylServerError):
    """A concurrency conflict that a retry is expected to resolve."""

    reason = "ABORTED"


class ResourceExhausted(SibylServerError):
    reason = "RESOURCE_EXHAUSTED"


class Unauthenticated(SibylServerError):
    reason = "UNAUTHENTICATED"


class PermissionDenied(SibylServerError):
    reason = "PERMISSION_DENIED"


class Unavailable(SibylServerError):
    """The store cannot be reached, or the server is draining."""

    reason = "UNAVAILABLE"


# One wording per missing resource: the store, the use cases and access control all
# use these, so another team's resource answers exactly like a missing one.


def study_exists(name: object) -> AlreadyExists:
    return AlreadyExists(f"study {name} already exists", reason="STUDY_ALREADY_EXISTS")


def study_not_found(name: object) -> NotFound:
    return NotFound(f"study {name} does not exist", reason="STUDY_NOT_FOUND")


def trial_not_found(name: object) -> NotFound:
    return NotFound(f"trial {name} does not exist", reason="TRIAL_NOT_FOUND")


def team_not_found(name: object) -> NotFound:
    return NotFound(f"team {name} does not exist", reason="TEAM_NOT_FOUND")


def token_not_found(name: object) -> NotFound:
    return NotFound(f"token {name} does not exist", reason="TOKEN_NOT_FOUND")


def lease_lost(name: object) -> FailedPrecondition:
    return FailedPrecondition(
        f"trial {name} is no longer held by this worker: its lease expired and the trial "
        "went to another worker; drop it without reporting",
        reason="LEASE_LOST",
    )


QUOTED_CHARS = 64
"""How much of a user's input an error message quotes."""


def quoted(value: str, limit: int = QUOTED_CHARS) -> str:
    """`value` as error messages quote user input: repr'd, and only its beginning.

    Errors travel in trailers that clients cap (8 KiB by default), so a message never
    echoes a whole input; repr shows control characters and surrounding spaces.
    """
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"


def quoted_list(values: Sequence[object], limit: int = 10) -> str:
    """The first `limit` of `values` (e.g. a spec's categories), as a bracketed list."""
    shown = [quoted(v) if isinstance(v, str) else repr(v) for v in values[:limit]]
    more = f", ... ({len(values)} values)" if len(values) > limit else ""
    return f"[{', '.join(shown)}{more}]"
