"""Errors the client raises: one type, `SibylError`, with a subclass per status code."""

from __future__ import annotations

import grpc

from sibyl._rpc_details import ErrorDetails, decode_details


class SibylError(Exception):
    """A call failed.

    Attributes:
        code: The gRPC status code.
        reason: The server's UPPER_SNAKE reason (e.g. "STUDY_NOT_FOUND"); "" if none.
        metadata: The server's structured details (e.g. {"field": "count"}).
        field: For invalid arguments, the path of the wrong request field.
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(
        self, message: str, code: grpc.StatusCode | None = None, details: ErrorDetails | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        details = details or ErrorDetails()
        self.reason = details.reason
        self.metadata = details.metadata
        self.field = details.field_violations[0][0] if details.field_violations else ""

    def __str__(self) -> str:
        label = self.reason or self.code.name
        return f"{label}: {self.message}"


class DivergedError(ValueError):
    """`Trial.report` was given a NaN or infinite value: the run diverged.

    Raised before anything is sent. It is the configuration's failure, not the
    service's: `with trial:` and `optimize` mark the trial INFEASIBLE with it as the
    reason, and `optimize` goes on with the next trial.
    """


class InvalidArgumentError(SibylError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFoundError(SibylError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(SibylError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPreconditionError(SibylError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class LeaseLostError(FailedPreconditionError):
    """This worker no longer holds the trial: its lease expired and the trial went to
    another worker. Drop the trial; `with trial:` does so silently."""


class AbortedError(SibylError):
    code = grpc.StatusCode.ABORTED


class ResourceExhaustedError(SibylError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class UnauthenticatedError(SibylError):
    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDeniedError(SibylError):
    code = grpc.StatusCode.PERMISSION_DENIED


class UnavailableError(SibylError):
    code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceededError(SibylError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class InternalError(SibylError):
    code = grpc.StatusCode.INTERNAL


_BY_CODE: dict[grpc.StatusCode, type[SibylError]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        NotFoundError,
        AlreadyExistsError,
        FailedPreconditionError,
        AbortedError,
        ResourceExhaustedError,
        UnauthenticatedError,
        PermissionDeniedError,
        UnavailableError,
        DeadlineExceededError,
        InternalError,
    )
}


# Reasons that have a class of their own, a subclass of their code's.
_BY_REASON: dict[str, type[SibylError]] = {"LEASE_LOST": LeaseLostError}


def from_rpc_error(error: grpc.RpcError) -> SibylError:
    """The typed error for a failed call, with the server's details decoded."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else ()
    details = decode_details(trailers)
    cls = _BY_REASON.get(details.reason) or _BY_CODE.get(code, SibylError)
    return cls(message or code.name, code, details)
