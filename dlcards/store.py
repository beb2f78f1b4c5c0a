"""The progress store (DESIGN §5): an append-only review log in SQLite and its state cache.

Every grade is one ``BEGIN IMMEDIATE`` transaction that reads the card's state,
appends the row and upserts the state, so two processes on one profile never
lose a row and the cache always equals a replay of the log. WAL with
``synchronous=FULL``: a grade is on disk before the next card is shown.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from dlcards.content_times import SCHEMA as CONTENT_TIMES_SCHEMA
from dlcards.errors import UserError

# The log's data types and replay live in dlcards.log; they are re-exported here,
# where most callers first met them.
from dlcards.log import (  # noqa: F401
    CARD_EVENT_KINDS,
    GRADE_KINDS,
    ROW_KINDS,
    SCHEDULING_KINDS,
    CardState,
    Replayed,
    Row,
    apply_row,
    format_ts,
    is_leech,
    leech_suspends,
    parse_ts,
    replay,
    replay_log,
    state_from_row,
    with_state,
)
from dlcards.store_merge import MERGE_FIELDS, ROW_COLUMNS, LogMerge, MergeCounts  # noqa: F401

APPLICATION_ID = 0x444C4344  # "DLCD"
SCHEMA_VERSION = 3

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
}


def _check_foreign(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a dlcards database of a known version."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if not header:
        return  # an empty file: sqlite treats it as a new database
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise UserError(
            f"{path} is not a dlcards database (not SQLite)",
            "move it away or choose another --home; it was left untouched",
        )
    # Read the ids through SQLite, not the header bytes: after a crash the
    # latest header may still sit in the write-ahead log.
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise UserError(
            f"{path} is not a readable dlcards database ({exc})",
            "restore a backup with 'dlcards backup restore' or move it away",
        ) from exc
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


class Store(LogMerge):
    """The SQLite progress database of one ``<home>``."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path

    # --- opening --------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None) -> Store:
        """Open (creating or migrating) the database at ``path``; None gives an in-memory one."""
        if path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            store = cls(conn, None)
            store._migrate()
            return store
        if path.exists():
            _check_foreign(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            # SQLite gives the -wal and -shm files the database file's permissions.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            store = cls(conn, path)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise UserError(
                f"{path} cannot be opened ({exc})",
                "restore a backup with 'dlcards backup restore' or move it away",
            ) from exc
        return store

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
        """``BEGIN IMMEDIATE`` … ``COMMIT``: the write lock is taken before anything is read."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # --- profiles --------------------------------------------------------------

    def ensure_profile(self, name: str, now: datetime) -> None:
        self.conn.execute("INSERT OR IGNORE INTO profiles VALUES (?, ?)", (name, format_ts(now)))

    def profiles(self) -> list[tuple[str, int, str | None]]:
        """(name, review count, last study day) for every profile, by name."""
        return self.conn.execute(
            "SELECT p.name, count(r.id), max(r.study_day) FROM profiles p "
            "LEFT JOIN reviews r ON r.profile = p.name AND r.kind = 'review' "
            "GROUP BY p.name ORDER BY p.name"
        ).fetchall()

    def has_profile(self, name: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM profiles WHERE name = ?", (name,)).fetchone()
            is not None
        )

    # Every table holding a profile's data, with its profile column.
    _PROFILE_TABLES = (
        ("reviews", "profile"),
        ("card_state", "profile"),
        ("buried", "profile"),
        ("profiles", "name"),
    )

    def rename_profile(self, old: str, new: str) -> None:
        """Give profile ``old`` the name ``new``, with every row and state it has."""
        with self.transaction():
            if not self.has_profile(old):
                raise ValueError(f"no profile {old!r}")
            if self.has_profile(new):
                raise ValueError(f"profile {new!r} already exists")
            for table, column in self._PROFILE_TABLES:
                self.conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new, old))

    def delete_profile(self, name: str) -> int:
        """Remove the profile and all its data; returns how many log rows it had."""
        with self.transaction():
            count = self.conn.execute(
                "SELECT count(*) FROM reviews WHERE profile = ?", (name,)
            ).fetchone()[0]
            for table, column in self._PROFILE_TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))
        return count

    # --- writing the log -----------------------------------------------------------

    def _next_ts(self, profile: str, now: datetime) -> str:
        # Rows of one profile get strictly increasing timestamps in commit order, so
        # replaying by (ts, id) applies them in the order they were committed, even
        # with a frozen DLCARDS_NOW or a clock that steps back.
        ts = format_ts(now)
        last = self.conn.execute(
            "SELECT max(ts) FROM reviews WHERE profile = ?", (profile,)
        ).fetchone()[0]
        if last is not None and ts <= last:
            ts = format_ts(parse_ts(last) + timedelta(microseconds=1))
        return ts

    def _read_state(self, profile: str, deck_id: str, card_id: str) -> CardState | None:
        row = self.conn.execute(
            "SELECT repetitions, easiness, interval, due, lapses, reviews FROM card_state "
            "WHERE profile = ? AND deck_id = ? AND card_id = ?",
            (profile, deck_id, card_id),
        ).fetchone()
        return state_from_row(row) if row else None

    def _write_state(
        self, profile: str, deck_id: str, card_id: str, state: CardState | None
    ) -> None:
        if state is None or state.reviews == 0:
            self.conn.execute(
                "DELETE FROM card_state WHERE profile = ? AND deck_id = ? AND card_id = ?",
                (profile, deck_id, card_id),
            )
            return
        sm2 = state.sm2
        self.conn.execute(
            "INSERT OR REPLACE INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                profile,
                deck_id,
                card_id,
                sm2.repetitions,
                sm2.easiness_hundredths,
                sm2.interval,
                sm2.due.isoformat() if sm2.due else "",
                state.lapses,
                state.reviews,
            ),
        )

    def _insert(self, row: Row) -> None:
        self.conn.execute(
            f"INSERT INTO reviews ({ROW_COLUMNS}) VALUES ({', '.join('?' * 16)})",
            (
                row.id,
                row.profile,
                row.deck_id,
                row.card_id,
                row.ts,
                row.study_day,
                row.kind,
                row.grade,
                row.duration_ms,
                row.instance,
                row.answer,
                row.cancels,
                row.repetitions,
                row.easiness,
                row.interval,
                row.due,
            ),
        )

    def record(
        self,
        profile: str,
        deck_id: str,
        card_id: str,
        kind: str,
        grade: int,
        now: datetime,
        day: date,
        *,
        duration_ms: int | None = None,
        instance: str | None = None,
        answer: str | None = None,
        suspend_leech_at: int | None = None,
    ) -> Row:
        """Append one graded row and update the card's state, atomically and durably.

        With ``suspend_leech_at`` (the leech threshold, when leech_action is
        "suspend"), a review lapse that makes the card a leech (see
        :func:`leech_suspends`) also appends a ``suspend`` row, in the same transaction.
        """
        if kind not in GRADE_KINDS:
            raise ValueError(f"not a grading kind: {kind!r}")
        with self.transaction():
            self.ensure_profile(profile, now)
            before = self._read_state(profile, deck_id, card_id)
            row = Row(
                str(uuid.uuid4()),
                profile,
                deck_id,
                card_id,
                self._next_ts(profile, now),
                day.isoformat(),
                kind,
                grade,
                duration_ms,
                instance,
                answer,
            )
            after = apply_row(before, row)
            row = with_state(row, after)
            self._insert(row)
            if kind in SCHEDULING_KINDS:
                self._write_state(profile, deck_id, card_id, after)
                if (
                    suspend_leech_at is not None
                    and grade < 3
                    and after is not None
                    and leech_suspends(after.lapses, suspend_leech_at)
                    and not self.is_suspended(profile, deck_id, card_id)
                ):
                    self._event(profile, deck_id, card_id, "suspend", now, day, after)
        return row

    def undo(self, profile: str, row_id: str, now: datetime, day: date) -> Row:
        """Cancel ``row_id`` with an ``undo`` row and restore the card's state from its log."""
        with self.transaction():
            target = self.conn.execute(
                f"SELECT {ROW_COLUMNS} FROM reviews WHERE id = ? AND profile = ?",
                (row_id, profile),
            ).fetchone()
            if target is None or target[6] not in GRADE_KINDS:
                raise ValueError(f"no grade {row_id!r} to undo for {profile!r}")
            if self.conn.execute("SELECT 1 FROM reviews WHERE cancels = ?", (row_id,)).fetchone():
                raise ValueError(f"grade {row_id!r} is already undone")
            deck_id, card_id = target[2], target[3]
            row = Row(
                str(uuid.uuid4()),
                profile,
                deck_id,
                card_id,
                self._next_ts(profile, now),
                day.isoformat(),
                "undo",
                None,
                cancels=row_id,
            )
            # The card's state is its own log replayed with this undo in it.
            history = [*self.card_rows(profile, deck_id, card_id), row]
            state = replay(history).get((deck_id, card_id))
            row = with_state(row, state)
            self._insert(row)
            self._write_state(profile, deck_id, card_id, state)
        return row

    # --- reading -----------------------------------------------------------------

    def state(self, profile: str, deck_id: str, card_id: str) -> CardState | None:
        return self._read_state(profile, deck_id, card_id)

    def states(self, profile: str) -> dict[tuple[str, str], CardState]:
        rows = self.conn.execute(
            "SELECT deck_id, card_id, repetitions, easiness, interval, due, lapses, reviews "
            "FROM card_state WHERE profile = ?",
            (profile,),
        )
        return {(r[0], r[1]): state_from_row(r[2:]) for r in rows}

    def due_dates(self, profile: str) -> dict[str, dict[str, str]]:
        """``{deck_id: {card_id: due}}``: the queue's lookups then need no key tuples."""
        result: dict[str, dict[str, str]] = {}
        for deck_id, card_id, due in self.conn.execute(
            "SELECT deck_id, card_id, due FROM card_state WHERE profile = ?", (profile,)
        ):
            cards = result.get(deck_id)
            if cards is None:
                cards = result[deck_id] = {}
            cards[card_id] = due
        return result

    def states_for(
        self, profile: str, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], CardState]:
        """The states of just these cards (those never reviewed are left out)."""
        result = {}
        for deck_id, card_id in keys:
            state = self._read_state(profile, deck_id, card_id)
            if state is not None:
                result[(deck_id, card_id)] = state
        return result

    def card_rows(self, profile: str, deck_id: str, card_id: str) -> list[Row]:
        return self._rows(
            "WHERE profile = ? AND deck_id = ? AND card_id = ? ORDER BY ts, id",
            (profile, deck_id, card_id),
        )

    def rows(self, profile: str) -> list[Row]:
        return self._rows("WHERE profile = ? ORDER BY ts, id", (profile,))

    def day_rows(self, profile: str, day: date) -> list[Row]:
        """Rows of one study day that are not cancelled, undo rows left out, in order."""
        rows = self._rows(
            "WHERE profile = ? AND study_day = ? AND kind != 'undo' AND id NOT IN "
            "(SELECT cancels FROM reviews WHERE profile = ? AND study_day >= ? "
            "AND cancels IS NOT NULL)",
            (profile, day.isoformat(), profile, day.isoformat()),
        )
        # Sorted here: with ORDER BY the planner walks the (profile, ts) index
        # through the whole log instead of the day's few rows.
        return sorted(rows, key=lambda r: (r.ts, r.id))

    def _rows(self, where: str, args: tuple) -> list[Row]:
        return [
            Row(*r) for r in self.conn.execute(f"SELECT {ROW_COLUMNS} FROM reviews {where}", args)
        ]

    # --- bury ------------------------------------------------------------------------

    def bury(self, profile: str, deck_id: str, card_id: str, day: date) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO buried VALUES (?, ?, ?, ?)",
                (profile, deck_id, card_id, day.isoformat()),
            )

    def unbury(self, profile: str, deck_id: str, card_id: str, day: date) -> None:
        with self.transaction():
            self.conn.execute(
                "DELETE FROM buried WHERE profile = ? AND deck_id = ? AND card_id = ? "
                "AND study_day = ?",
                (profile, deck_id, card_id, day.isoformat()),
            )

    def buried(self, profile: str, day: date) -> set[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT deck_id, card_id FROM buried WHERE profile = ? AND study_day = ?",
            (profile, day.isoformat()),
        )
        return {(r[0], r[1]) for r in rows}

    # --- suspend, unsuspend, reset ------------------------------------------------------

    def _event(
        self,
        profile: str,
        deck_id: str,
        card_id: str,
        kind: str,
        now: datetime,
        day: date,
        state: CardState | None,
    ) -> Row:
        """Append a card event row (inside the caller's transaction); the trigger and
        the caller keep the caches."""
        row = Row(
            str(uuid.uuid4()),
            profile,
            deck_id,
            card_id,
            self._next_ts(profile, now),
            day.isoformat(),
            kind,
            None,
        )
        row = with_state(row, state)
        self._insert(row)
        return row

    def suspend(
        self, profile: str, deck_id: str, card_id: str, now: datetime, day: date
    ) -> Row | None:
        """Suspend the card (never shown until unsuspended); None if it already is."""
        return self._set_suspended(profile, deck_id, card_id, True, now, day)

    def unsuspend(
        self, profile: str, deck_id: str, card_id: str, now: datetime, day: date
    ) -> Row | None:
        """Bring a suspended card back; None if it was not suspended."""
        return self._set_suspended(profile, deck_id, card_id, False, now, day)

    def _set_suspended(
        self, profile: str, deck_id: str, card_id: str, suspend: bool, now: datetime, day: date
    ) -> Row | None:
        with self.transaction():
            self.ensure_profile(profile, now)
            if self.is_suspended(profile, deck_id, card_id) == suspend:
                return None
            state = self._read_state(profile, deck_id, card_id)
            kind = "suspend" if suspend else "unsuspend"
            return self._event(profile, deck_id, card_id, kind, now, day, state)

    def reset(self, profile: str, deck_id: str, card_id: str, now: datetime, day: date) -> Row:
        """Make the card new again (lapses too) with a ``reset`` row; its log stays.

        Suspension is left as it is: suspend and unsuspend are the only rows that change it.
        """
        with self.transaction():
            self.ensure_profile(profile, now)
            row = self._event(profile, deck_id, card_id, "reset", now, day, None)
            self._write_state(profile, deck_id, card_id, None)
        return row

    def is_suspended(self, profile: str, deck_id: str, card_id: str) -> bool:
        return (deck_id, card_id) in self._suspended(
            "AND r.deck_id = ? AND r.card_id = ?", (profile, deck_id, card_id)
        )

    def suspended(self, profile: str) -> dict[tuple[str, str], str]:
        """The profile's suspended cards, each with the time (ts) it was suspended."""
        return self._suspended("", (profile,))

    def _suspended(self, where: str, args: tuple) -> dict[tuple[str, str], str]:
        # The latest suspend/unsuspend row of each card decides; the kind test is the
        # partial index's own, so only that small index is read.
        result: dict[tuple[str, str], str] = {}
        for deck_id, card_id, ts, kind in self.conn.execute(
            "SELECT r.deck_id, r.card_id, r.ts, r.kind FROM reviews r "
            "WHERE r.profile = ? AND r.kind IN ('suspend', 'unsuspend') "
            + where
            + " AND NOT EXISTS (SELECT 1 FROM reviews x WHERE x.cancels = r.id) "
            "ORDER BY r.deck_id, r.card_id, r.ts, r.id",
            args,
        ):
            if kind == "suspend":
                result[(deck_id, card_id)] = ts
            else:
                result.pop((deck_id, card_id), None)
        return result

    def state_table(
        self, profile: str, keys: Iterable[tuple[str, str]] | None = None
    ) -> dict[tuple[str, str], tuple]:
        """Raw states for listing many cards: (repetitions, easiness hundredths, interval,
        due, lapses, reviews) per reviewed card (of ``keys``, or all) — tuples, not
        objects: ten times faster than ``states`` at 100k cards."""
        sql = (
            "SELECT deck_id, card_id, repetitions, easiness, interval, due, lapses, reviews "
            "FROM card_state WHERE profile = ?"
        )
        if keys is None:
            return {(r[0], r[1]): r[2:] for r in self.conn.execute(sql, (profile,))}
        by_deck: dict[str, list[str]] = {}
        for deck_id, card_id in keys:
            by_deck.setdefault(deck_id, []).append(card_id)
        result: dict[tuple[str, str], tuple] = {}
        for deck_id, cards in by_deck.items():
            for start in range(0, len(cards), 500):
                chunk = cards[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for r in self.conn.execute(
                    f"{sql} AND deck_id = ? AND card_id IN ({marks})", (profile, deck_id, *chunk)
                ):
                    result[(r[0], r[1])] = r[2:]
        return result

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild_states(self, profile: str) -> None:
        """Replace the profile's state cache with a replay of its log.

        Resets are replayed like reviews (the card becomes new). Suspensions need no
        rebuilding: they are read from the log's own index (see ``suspended``).
        """
        with self.transaction():
            states = replay(self.rows(profile))
            self.conn.execute("DELETE FROM card_state WHERE profile = ?", (profile,))
            for (deck_id, card_id), state in states.items():
                self._write_state(profile, deck_id, card_id, state)

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
