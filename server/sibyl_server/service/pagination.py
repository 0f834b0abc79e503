"""Page sizes and opaque page tokens for List* calls.

A token holds the last item's position and a fingerprint of the request's filters,
so a token reused with different filters is rejected rather than silently wrong.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from sibyl_server.domain.errors import InvalidArgument
from sibyl_server.domain.validation import MAX_INT64, MAX_PAGE_SIZE


def page_size(requested: int, default: int, field: str = "page_size") -> int:
    if requested < 0:
        raise InvalidArgument(field, "must be 0 or more")
    return min(requested or default, MAX_PAGE_SIZE)


R = TypeVar("R")


def cut_page(
    records: Sequence[R], size: int, position: Callable[[R], int], request_fingerprint: str
) -> tuple[list[R], str]:
    """The page of `records`, which were read one beyond `size` to learn whether another
    page follows, and that page's token ("" when none does)."""
    page = list(records[:size])
    if len(records) <= size:
        return page, ""
    return page, encode_page_token(position(page[-1]), request_fingerprint)


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def encode_page_token(after: int, request_fingerprint: str) -> str:
    payload = json.dumps({"after": after, "f": request_fingerprint}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_page_token(token: str, request_fingerprint: str, field: str = "page_token") -> int:
    """The position after which the page starts: 0 for an empty token.

    Tokens come back from clients, so anything may arrive: only a JSON object with a
    string fingerprint and an integer position that fits the store's BIGINT keys is one.
    """
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after, token_fingerprint = payload["after"], payload["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError) as error:
        raise InvalidArgument(field, "not a page token returned by this method") from error
    valid = (
        isinstance(after, int)
        and not isinstance(after, bool)
        and isinstance(token_fingerprint, str)
    )
    if not valid or not 0 <= after <= MAX_INT64:
        raise InvalidArgument(field, "not a page token returned by this method")
    if token_fingerprint != request_fingerprint:
        raise InvalidArgument(field, "the page token belongs to a request with other filters")
    return after
