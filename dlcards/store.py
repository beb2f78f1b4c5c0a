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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

from dlcards.errors import UserError
from dlcards.scheduler import State, new_state, review

APPLICATION_ID = 0x444C4344  # "DLCD"
SCHEMA_VERSION = 1
# MIGRATIONS[v] upgrades a database at user_version v to v + 1.
MIGRATIONS: dict[int, str] = {}

SCHEDULING_KINDS = ("review",)
GRADE_KINDS = ("review", "drill", "practice")
ROW_KINDS = (*GRADE_KINDS, "undo")

_ROW_COLUMNS = (
    "id, profile, deck_id, card_id, ts, study_day, kind, grade, duration_ms, instance, answer, "
    "cancels, repetitions, easiness, interval, due"
)


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's SM-2 state plus the counts the app shows (lapses, reviews)."""

    sm2: State
    lapses: int = 0
    reviews: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    profile: str
    deck_id: str
    card_id: str
    ts: str
    study_day: str
    kind: str
    grade: int | None
    duration_ms: int | None = None
    instance: str | None = None
    answer: str | None = None
    cancels: str | None = None
    repetitions: int | None = None
    easiness: int | None = None
    interval: int | None = None
    due: str | None = None


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def apply_row(state: CardState | None, row: Row) -> CardState | None:
    """One step of the replay: how a (not cancelled) row changes a card's state."""
    if row.kind not in SCHEDULING_KINDS or row.grade is None:
        return state
    current = state or CardState(new_state())
    sm2 = review(current.sm2, row.grade, date.fromisoformat(row.study_day))
    return CardState(sm2, current.lapses + (row.grade < 3), current.reviews + 1)


def replay(rows: Iterable[Row]) -> dict[tuple[str, str], CardState]:
    """Card states from a log: ordered by (ts, id), cancelled rows skipped."""
    ordered = sorted(rows, key=lambda r: (r.ts, r.id))
    cancelled = {r.cancels for r in ordered if r.kind == "undo" and r.cancels}
    states: dict[tuple[str, str], CardState] = {}
    for row in ordered:
        if row.id in cancelled:
            continue
        key = (row.deck_id, row.card_id)
        after = apply_row(states.get(key), row)
        if after is not None:
            states[key] = after
    return states


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """What :meth:`Store.merge_rows` did with the rows it was given."""

    read: int  # rows given
    added: int  # new to this database
    present: int  # already here under this profile (identical ids)
    other_profile: int  # ids already here under another profile: not added
    differing: int  # of ``present``, rows whose content differs from ours: ours kept


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


class Store:
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
        return _state_from_row(row) if row else None

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
            f"INSERT INTO reviews ({_ROW_COLUMNS}) VALUES ({', '.join('?' * 16)})",
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
    ) -> Row:
        """Append one graded row and update the card's state, atomically and durably."""
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
            row = _with_state(row, after)
            self._insert(row)
            if kind in SCHEDULING_KINDS:
                self._write_state(profile, deck_id, card_id, after)
        return row

    def undo(self, profile: str, row_id: str, now: datetime, day: date) -> Row:
        """Cancel ``row_id`` with an ``undo`` row and restore the card's state from its log."""
        with self.transaction():
            target = self.conn.execute(
                f"SELECT {_ROW_COLUMNS} FROM reviews WHERE id = ? AND profile = ?",
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
            row = _with_state(row, state)
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
        return {(r[0], r[1]): _state_from_row(r[2:]) for r in rows}

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
            Row(*r) for r in self.conn.execute(f"SELECT {_ROW_COLUMNS} FROM reviews {where}", args)
        ]

    # --- bury ------------------------------------------------------------------------

    def bury(self, profile: str, deck_id: str, card_id: str, day: date) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO buried VALUES (?, ?, ?, ?)",
                (profile, deck_id, card_id, day.isoformat()),
            )

    def buried(self, profile: str, day: date) -> set[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT deck_id, card_id FROM buried WHERE profile = ? AND study_day = ?",
            (profile, day.isoformat()),
        )
        return {(r[0], r[1]) for r in rows}

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild_states(self, profile: str) -> None:
        """Replace the profile's state cache with a replay of its log."""
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

    # --- interchange: moving the log between machines (dlcards.interchange.progress) ----
    # Added for `dlcards progress export/import`; nothing above depends on it.

    def iter_rows(self, profile: str, batch: int = 10_000) -> Iterator[Row]:
        """The profile's log in replay order, streamed: a log may hold millions of rows."""
        cursor = self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM reviews WHERE profile = ? ORDER BY ts, id", (profile,)
        )
        while chunk := cursor.fetchmany(batch):
            yield from (Row(*r) for r in chunk)

    def merge_rows(self, profile: str, rows: Iterable[Row], now: datetime) -> MergeCounts:
        """Add the rows whose ids the log lacks, under ``profile``, then replay its states.

        One transaction: if ``rows`` raises (a bad line in a file), nothing is kept.
        Rows already present (same id) are left as they are, so merging twice
        changes nothing and two machines that exchange logs converge.
        """
        counts = {"read": 0, "added": 0, "present": 0, "other": 0, "differing": 0}
        cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        # Row ids are random UUIDs: with SQLite's 2 MB default cache, a million
        # inserts into the id index mostly wait on the disk.
        self.conn.execute("PRAGMA cache_size = -262144")
        try:
            with self.transaction():
                self.ensure_profile(profile, now)
                batch: list[Row] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 500:
                        self._merge_batch(profile, batch, counts)
                        batch = []
                self._merge_batch(profile, batch, counts)
                if counts["added"]:
                    self._replay_into_cache(profile)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
        return MergeCounts(counts["read"], counts["added"], counts["present"], counts["other"],
                           counts["differing"])

    def _merge_batch(self, profile: str, batch: list[Row], counts: dict[str, int]) -> None:
        if not batch:
            return
        marks = ", ".join("?" * len(batch))
        known = {
            r[0]: r[1:] for r in self.conn.execute(
                "SELECT id, profile, deck_id, card_id, ts, kind, grade, cancels FROM reviews "
                f"WHERE id IN ({marks})", [row.id for row in batch],
            )
        }
        new = []
        for row in batch:
            counts["read"] += 1
            mine = (profile, row.deck_id, row.card_id, row.ts, row.kind, row.grade, row.cancels)
            theirs = known.get(row.id)
            if theirs is None:
                known[row.id] = mine  # an id repeated in the same batch counts as present
                new.append((
                    row.id, profile, row.deck_id, row.card_id, row.ts, row.study_day, row.kind,
                    row.grade, row.duration_ms, row.instance, row.answer, row.cancels,
                    row.repetitions, row.easiness, row.interval, row.due,
                ))
            elif theirs[0] != profile:
                counts["other"] += 1
            else:
                counts["present"] += 1
                counts["differing"] += theirs != mine
        self.conn.executemany(
            f"INSERT INTO reviews ({_ROW_COLUMNS}) VALUES ({', '.join('?' * 16)})", new
        )
        counts["added"] += len(new)

    def _replay_into_cache(self, profile: str) -> None:
        """rebuild_states inside the caller's transaction, streamed for logs of millions of rows.

        The same replay as ``replay(self.rows(profile))``: rows in (ts, id) order,
        cancelled ones skipped, each applied with ``apply_row`` — only without a Row
        object for every row of the log in memory (and rows of other kinds, which
        apply_row leaves alone, are not fetched).
        """
        cancelled = {r[0] for r in self.conn.execute(
            "SELECT cancels FROM reviews WHERE profile = ? AND cancels IS NOT NULL", (profile,))}
        kinds = ", ".join(f"'{k}'" for k in SCHEDULING_KINDS)
        states: dict[tuple[str, str], CardState] = {}
        for row_id, deck_id, card_id, ts, day, kind, grade in self.conn.execute(
            "SELECT id, deck_id, card_id, ts, study_day, kind, grade FROM reviews "
            f"WHERE profile = ? AND kind IN ({kinds}) ORDER BY ts, id", (profile,),
        ):
            if row_id in cancelled:
                continue
            key = (deck_id, card_id)
            after = apply_row(states.get(key),
                              Row(row_id, profile, deck_id, card_id, ts, day, kind, grade))
            if after is not None:
                states[key] = after
        self.conn.execute("DELETE FROM card_state WHERE profile = ?", (profile,))
        self.conn.executemany(
            "INSERT INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (profile, deck_id, card_id, s.sm2.repetitions, s.sm2.easiness_hundredths,
                 s.sm2.interval, s.sm2.due.isoformat() if s.sm2.due else "", s.lapses, s.reviews)
                for (deck_id, card_id), s in states.items() if s.reviews
            ),
        )


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (executescript would commit our transaction)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _state_from_row(row: tuple) -> CardState:
    repetitions, easiness, interval, due, lapses, reviews = row
    sm2 = State(repetitions, easiness, interval, date.fromisoformat(due) if due else None)
    return CardState(sm2, lapses, reviews)


def _with_state(row: Row, state: CardState | None) -> Row:
    from dataclasses import replace

    sm2 = (state or CardState(new_state())).sm2
    return replace(
        row,
        repetitions=sm2.repetitions,
        easiness=sm2.easiness_hundredths,
        interval=sm2.interval,
        due=sm2.due.isoformat() if sm2.due else None,
    )
