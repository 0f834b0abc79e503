"""SQLite's writers of one process queue on a lock of the process, not on SQLite's
busy handler (which sleeps up to 100 ms between tries)."""

from __future__ import annotations

import threading
from pathlib import Path

from sibyl_server.store import open_store
from sibyl_server.store.sql import SqlStore


def test_a_write_transaction_holds_the_writer_lock_and_a_read_does_not(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'sibyl.db'}")
    assert isinstance(store, SqlStore)
    store.migrate()
    writers = store.database.writers
    assert isinstance(writers, type(threading.Lock()))
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
