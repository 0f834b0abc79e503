"""SQLite's writers of one process queue on a lock of the process, first come first
served, not on SQLite's busy handler (which sleeps up to 100 ms between tries)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from sibyl_server.store import open_store
from sibyl_server.store.database import FifoLock
from sibyl_server.store.sql import SqlStore


def test_a_write_transaction_holds_the_writer_lock_and_a_read_does_not(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'sibyl.db'}")
    assert isinstance(store, SqlStore)
    store.migrate()
    writers = store.database.writers
    assert isinstance(writers, FifoLock)
    with store.transaction(write=False) as tx:
        tx.ping()
        assert not writers.locked()
    with store.transaction(write=True) as tx:
        tx.ping()
        assert writers.locked()
    assert not writers.locked()
    store.close()


def test_writers_of_several_threads_all_commit(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'sibyl.db'}", pool_size=8)
    store.migrate()
    done: list[int] = []

    def write(i: int) -> None:
        for _ in range(20):
            with store.transaction(write=True) as tx:
                tx.ping()
        done.append(i)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(done) == list(range(8))
    assert not store.database.writers.locked()  # type: ignore[attr-defined]
    store.close()


def test_the_writer_lock_goes_to_waiters_in_the_order_they_came() -> None:
    lock = FifoLock()
    order: list[int] = []

    def take(i: int) -> None:
        with lock:
            order.append(i)

    threads = [threading.Thread(target=take, args=(i,)) for i in range(6)]
    with lock:
        for count, thread in enumerate(threads, start=1):
            thread.start()
            while lock.waiting < count:  # each is queued before the next starts
                time.sleep(0.001)
    for thread in threads:
        thread.join(timeout=10)
    assert order == list(range(6))
    assert not lock.locked() and lock.waiting == 0


def test_a_lock_with_no_waiters_is_free_after_its_holder_leaves() -> None:
    lock = FifoLock()
    with lock:
        assert lock.locked()
    assert not lock.locked()
    with lock:  # taken again at once, no waiter to hand it to
        assert lock.locked()


def test_a_holder_that_asks_again_queues_behind_the_waiter() -> None:
    """The release hands the lock over: the leaving holder cannot take it back first,
    as it can a `threading.Lock` (it still runs while the waiter wakes)."""
    lock = FifoLock()
    order: list[str] = []

    def wait_for_it() -> None:
        with lock:
            order.append("waiter")

    waiter = threading.Thread(target=wait_for_it)
    with lock:
        waiter.start()
        while lock.waiting < 1:
            time.sleep(0.001)
    with lock:
        order.append("holder")
    waiter.join(timeout=10)
    assert order == ["waiter", "holder"]


class Interrupted(Exception):
    """Raised by the test's signal handler in the thread waiting for the lock."""


def test_a_waiter_interrupted_in_the_queue_leaves_it() -> None:
    """A signal that ends a wait (SIGINT's KeyboardInterrupt, say) must not leave the
    waiter's place in the queue: the lock would be handed to nobody."""
    lock = FifoLock()
    holder_may_leave = threading.Event()

    def hold() -> None:
        with lock:
            holder_may_leave.wait(10)

    def interrupt(main: int) -> None:
        while lock.waiting < 1:
            time.sleep(0.001)
        signal.pthread_kill(main, signal.SIGUSR1)

    def raise_interrupted(*_: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGUSR1, raise_interrupted)
    try:
        holder = threading.Thread(target=hold)
        holder.start()
        while not lock.locked():
            time.sleep(0.001)
        threading.Thread(target=interrupt, args=(threading.get_ident(),)).start()
        with pytest.raises(Interrupted), lock:
            pass
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert lock.waiting == 0
    holder_may_leave.set()
    holder.join(timeout=10)
    assert not lock.locked()
    with lock:  # free for the next writer
        assert lock.locked()
