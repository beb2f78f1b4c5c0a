"""Opening the progress database: the connection, the schema and its migrations (DESIGN §5).

WAL with ``synchronous=FULL``: a grade is on disk before the next card is shown.
A file that is not a dlcards database, or one written by a newer dlcards, is
refused with a clear message and left untouched.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Self

from dlcards.content_times import SCHEMA as CONTENT_TIMES_SCHEMA
from dlcards.errors import UserError
from dlcards.log import format_ts
from dlcards.store_counts import MIGRATION as REVIEW_COUNTS_MIGRATION
from dlcards.store_errors import classify, problem_error, restore_advice

# How long one wait for the write lock lasts before the user is told and it goes on.
_BUSY_MS = 1000
# How often a writer tries the lock again while another process holds it. A bulk import
# leaves the lock free 2 ms between its transactions (store_replay.let_others_write);
# SQLite's own busy handler retries after 1, 2, 5, 10, … then every 100 ms, so it mostly
# missed those gaps (a grade beside a 100k-row import waited seconds). A failed try costs
# microseconds: a few per cent of one core while waiting.
_POLL_S = 0.001
# How long a read-only open waits for a lock another program holds before it is "busy"
# (sqlite3's default, named so that tests can shorten it).
_READ_BUSY_S = 5.0


def _say_waiting(path: Path | None) -> None:
    sys.stderr.write(
        f"dlcards: waiting for another dlcards process to finish writing to {path} …\n"
    )
    sys.stderr.flush()


def _writable(path: Path) -> bool:
    """Whether dlcards may write the database at ``path`` (the file and its folder:
    SQLite writes its -wal and -shm files beside it)."""
    folder = path.parent
    if path.exists():
        return os.access(path, os.W_OK) and os.access(folder, os.W_OK)
    # The nearest folder that exists decides: open() creates the ones missing below it.
    # (Looking one level up only took a home two levels deep for read-only, and its
    # writes went to an in-memory database.)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


APPLICATION_ID = 0x444C4344  # "DLCD"
SCHEMA_VERSION = 4

# Which cards are suspended is read from the log itself, through a partial index
# holding only its suspend/unsuspend rows: SQLite keeps it on every insert, whatever
# the path (Store.suspend, or merge_rows bringing another machine's log), at no
# measurable cost, and it answers in well under a millisecond. A cache table kept by
# a trigger cost 14 µs per inserted row (a million-row merge 2× slower), and one kept
# only by Store's own writes would miss merged rows.
_CARD_EVENTS_INDEX = """
CREATE INDEX reviews_card_events ON reviews (profile, deck_id, card_id, ts, id)
WHERE kind IN ('suspend', 'unsuspend');
"""

# MIGRATIONS[v] upgrades a database at user_version v to v + 1.
MIGRATIONS: dict[int, str] = {
    # v2: suspend, unsuspend and reset rows in the log; the index of suspensions.
    1: _CARD_EVENTS_INDEX,
    # v3: when each card's content last changed (Anki exports' note times, issue 12).
    2: CONTENT_TIMES_SCHEMA,
    # v4: running review counts, filled once from the log (issue 18: totals without a scan).
    3: REVIEW_COUNTS_MIGRATION,
}


def _check_foreign(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a dlcards database of a known version."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if not header:
        return  # an empty file: sqlite treats it as a new database
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise UserError(
            f"{path} is damaged or not a dlcards database (not SQLite)",
            f"{restore_advice(path)}; or choose another --home",
        )
    # Read the ids through SQLite, not the header bytes: after a crash the
    # latest header may still sit in the write-ahead log.
    try:
        conn = _connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise problem_error(path, exc) from exc
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise problem_error(path, exc) from exc
    finally:
        conn.close()
    if application_id == APPLICATION_ID:
        if user_version > SCHEMA_VERSION:
            raise UserError(
                f"{path} was written by a newer dlcards (schema {user_version}, "
                f"this one reads up to {SCHEMA_VERSION})",
                "upgrade dlcards; the database was left untouched",
            )
        return
    if tables:
        raise UserError(
            f"{path} is an SQLite database of another program",
            "move it away or choose another --home; it was left untouched",
        )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes: ``mode=ro``, or on a read-only file system
    ``immutable=1`` (WAL needs a -shm file beside the database, which cannot be made
    there; with no -wal left, as dlcards leaves it on close, the file is the whole
    database)."""
    conn = sqlite3.connect(
        f"{path.as_uri()}?mode=ro",
        uri=True,
        isolation_level=None,
        timeout=_READ_BUSY_S,
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if classify(exc) != "read-only" or (wal.exists() and wal.stat().st_size):
            raise
    return sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True, isolation_level=None)


class Database:
    """The SQLite connection of one ``<home>``'s progress database, schema up to date."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, *, read_only: bool = False
    ) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only  # opened with mode=ro: a read-only file or home
        # Called once when a write has to wait for another process's lock (the TUI
        # may replace it; the CLI's default writes one line to stderr).
        self.on_wait: Callable[[Path | None], None] = _say_waiting

    @classmethod
    def open(cls, path: Path | None) -> Self:
        """Open (creating or migrating) the database at ``path``; None gives an in-memory one."""
        if path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            store = cls(conn, None)
            store._migrate()
            return store
        if not _writable(path):
            return cls._open_read_only(path)
        if path.exists():
            _check_foreign(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            # SQLite gives the -wal and -shm files the database file's permissions.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        try:
            # Only the thread that opened it may use this connection (Python checks):
            # the TUI waits for another process's lock on a connection of its own
            # (wait_until_writable) and writes on the app's thread (tui/store_wait.py).
            conn = sqlite3.connect(path, timeout=_BUSY_MS / 1000, isolation_level=None)
            store = cls(conn, path)
            store._wait_for(lambda: conn.execute("PRAGMA journal_mode=WAL"))
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise problem_error(path, exc) from exc
        return store

    @classmethod
    def _open_read_only(cls, path: Path) -> Self:
        """A read-only home or file: opened with ``mode=ro``, so the read commands work
        and nothing is written; with no database yet, an empty one in memory."""
        if not path.exists():
            return cls.open(None)
        _check_foreign(path)
        try:
            conn = _connect_read_only(path)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise problem_error(path, exc) from exc
        if version != SCHEMA_VERSION:
            raise UserError(
                f"{path} is read-only here and needs an upgrade to this dlcards' schema",
                "make it (and its folder) writable and run dlcards once",
            )
        return cls(conn, path, read_only=True)

    def _wait_for(self, step: Callable[[], object]) -> None:
        """Run ``step``, waiting as long as another process holds the lock: the user is
        told once (after _BUSY_MS), on one line, and the command goes on (it never dies
        of a lock). Retried every _POLL_S, not by SQLite's busy handler (see _POLL_S)."""
        told = False
        started = time.monotonic()
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    step()
                    return
                except sqlite3.OperationalError as exc:
                    if classify(exc) != "locked":
                        raise
                    if not told and time.monotonic() - started >= _BUSY_MS / 1000:
                        self.on_wait(self.path)
                        told = True
                    time.sleep(_POLL_S)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                script = resources.files("dlcards").joinpath("schema.sql").read_text("utf-8")
                for statement in _statements(script):
                    self.conn.execute(statement)
                version = SCHEMA_VERSION
            while version < SCHEMA_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    self.conn.execute(statement)
                version += 1
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: the write lock is taken before anything is read.

        Inside a write already begun (:meth:`begin_write_now`, one TUI action) it is a
        savepoint: still all or nothing on its own, committed with the action.
        """
        if self.conn.in_transaction:
            with self._savepoint():
                yield self.conn
            return
        self._wait_for(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self.conn.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO part")
            self.conn.execute("RELEASE part")
            raise
        self.conn.execute("RELEASE part")

    def begin_write_now(self) -> bool:
        """``BEGIN IMMEDIATE`` without waiting: False, and nothing begun, if another
        process holds the write lock. The TUI's writes (tui/store_wait.py) start here,
        on the app's own thread, so the connection is never used by two threads: a
        read on one thread while another waited in BEGIN once ended the write's
        transaction unseen (the grade then failed with "no transaction is active")."""
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if classify(exc) != "locked":
                raise
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        return True

    def end_write(self, *, commit: bool) -> None:
        """End what :meth:`begin_write_now` began."""
        self.conn.execute("COMMIT" if commit else "ROLLBACK")

    def wait_until_writable(self) -> None:
        """Block until no other process holds the write lock. Polls on a connection of
        its own, so it may run in a worker thread while the app reads through
        ``self.conn``; the lock may be taken again before the caller's next
        :meth:`begin_write_now`, which then says so and the caller waits again."""
        if self.path is None:
            return
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("ROLLBACK")
                    return
                except sqlite3.OperationalError as exc:
                    if classify(exc) != "locked":
                        raise
                time.sleep(_POLL_S)
        finally:
            conn.close()

    def close(self) -> None:
        self.conn.close()

    def ensure_profile(self, name: str, now: datetime) -> None:
        insert = "INSERT OR IGNORE INTO profiles VALUES (?, ?)"
        if self.conn.in_transaction:  # part of a grade's or a merge's transaction
            self.conn.execute(insert, (name, format_ts(now)))
            return
        # On its own (`users add`, a profile chosen in the TUI) it waits for another
        # process's lock like every write: a bare INSERT died after SQLite's 1 s timeout.
        with self.transaction():
            self.conn.execute(insert, (name, format_ts(now)))

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (executescript would commit our transaction).

    A line is added until the text is a complete statement, so a trigger's
    ``BEGIN … END`` body, with its own semicolons, stays one statement.
    """
    statements: list[str] = []
    current = ""
    for line in script.splitlines():
        current += line.split("--", 1)[0] + "\n"
        if current.strip() and sqlite3.complete_statement(current):
            statements.append(current.strip().rstrip(";").strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
