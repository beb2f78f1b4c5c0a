"""A dlcards writer waiting for another process's write lock tries it again every
millisecond or so (issue 18, "Trust at the edges"): a long ``progress import`` leaves the
lock free only a few milliseconds between its transactions, and SQLite's own busy
handler, which the writers used, waits 25–100 ms between its tries after the first few,
so a grade beside an import waited up to a second (bench_bulk.py measures the waits)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from dlcards.store_schema import Database


def _attempts_while_held(db: Database, seconds: float) -> int:
    """How many times ``db`` asked SQLite for the write lock while another connection
    held it for ``seconds`` (every statement it runs is traced, failed ones included)."""
    assert db.path is not None
    holder = sqlite3.connect(db.path, isolation_level=None, timeout=0, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    attempts: list[str] = []
    db.conn.set_trace_callback(attempts.append)

    def release() -> None:
        time.sleep(seconds)
        holder.execute("ROLLBACK")

    thread = threading.Thread(target=release)
    thread.start()
    try:
        with db.transaction():
            pass
    finally:
        thread.join()
        db.conn.set_trace_callback(None)
        holder.close()
    return sum(statement == "BEGIN IMMEDIATE" for statement in attempts)


def test_a_writer_tries_a_held_lock_again_every_few_milliseconds(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "progress.sqlite3")
    db.on_wait = lambda path: None
    # Held 0.6 s: about 600 tries at one a millisecond; 20 even on a machine so loaded
    # that each try and sleep took 30 ms. SQLite's busy handler made one (it retried
    # inside that one call, up to 100 ms apart).
    assert _attempts_while_held(db, 0.6) >= 20
    # And the busy timeout is back for everything else the connection runs.
    assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1000
    db.close()
