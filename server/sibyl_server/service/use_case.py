"""What the use-case families that read and write the store hold: the store and a clock."""

from __future__ import annotations

from collections.abc import Callable

from sibyl_server.store.interface import Store

Clock = Callable[[], float]
"""Seconds since the epoch: `time.time` in the server, a clock a test moves by hand."""


class StoreUseCases:
    """Use cases whose writes are store transactions stamped with `clock`'s time."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
