"""Replaying card states from the log into their cache, for logs of millions of rows.

A layer of :class:`dlcards.store.Store` (below ``store_merge``): after an import
the states of the cards it touched are replayed from the merged log in short
write transactions, so another process's grade waits milliseconds, not the
whole import. When the import brought most of the log, the whole log is read
once in its time order (the rows lie in that order in the table) outside any
write transaction, and the states are then written in short transactions as
long as no other process has written meanwhile; otherwise each chunk of cards
reads its own rows under the write lock, so a grade committed meanwhile by
another process is in its replay.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from dlcards import store_counts
from dlcards.log import SCHEDULING_KINDS, CardState, Row, apply_row, replay_sm2
from dlcards.store_log import LogStore
from dlcards.store_scan_counts import ScanCounts

if TYPE_CHECKING:
    from dlcards.fsrs_scheduler import FsrsScheduler

# Rows per write transaction (store_merge), and cards per state-replay transaction, to start with:
# each batch then grows or shrinks so that a transaction holds the write lock about
# HOLD_TARGET seconds, well under the ~100 ms another process may wait (issue 11),
# and a million rows take a few hundred commits, not thousands.
MERGE_BATCH = 500
REPLAY_BATCH = 200
HOLD_TARGET = 0.04
MAX_BATCH = 20_000
# Seconds between two of a bulk write's transactions, the lock left free (let_others_write).
FAIR_GAP = 0.002
_T = TypeVar("_T")
# meta key (+ profile) set while an import's rows are in but its states not replayed.
STALE = "stale_states:"


def next_size(size: int, seconds: float, smallest: int) -> int:
    """The next batch's size, after a batch of ``size`` held the lock ``seconds``:
    doubled while well under HOLD_TARGET, halved above it, never below ``smallest``
    (a busy machine slows every batch: smaller ones would only add commits)."""
    if seconds < HOLD_TARGET / 2:
        return min(MAX_BATCH, size * 2)
    if seconds > HOLD_TARGET:
        return max(smallest, size // 2)
    return size


def _state_row(profile: str, key: tuple[str, str], s: CardState) -> tuple[object, ...]:
    """One card_state row (the table's column order) for a card's replayed state."""
    due = s.sm2.due.isoformat() if s.sm2.due else ""
    return (
        profile,
        *key,
        s.sm2.repetitions,
        s.sm2.easiness_hundredths,
        s.sm2.interval,
        due,
        s.lapses,
        s.reviews,
    )


class _Step:
    """What apply_row reads of a row; one, refilled for each of millions of rows."""

    __slots__ = ("kind", "grade", "study_day")

    def __init__(self) -> None:
        self.kind = ""
        self.grade: int | None = None
        self.study_day = ""


class LogReplay(LogStore):
    """Store's methods for rebuilding the state cache from the log."""

    def replay_cards(self, profile: str, cards: set[tuple[str, str]], *, whole: bool) -> bool:
        """Replay these cards' states into the cache, a few hundred cards a transaction.

        ``whole``: the caller's import brought most of the profile's log, so reading
        all of it once, in order, costs less than reading the cards' rows one by one;
        the running counts are then tallied from the same read. True if they were
        (the caller need not recount them), False if the caller must.
        """
        ordered = _sorted_cards(cards)
        counted = False
        if whole:
            ordered, counted = self._replay_scanned(profile, ordered)
        self._replay_chunked(profile, ordered)
        return counted

    def _replay_scanned(
        self, profile: str, ordered: list[tuple[str, str]]
    ) -> tuple[list[tuple[str, str]], bool]:
        """Replay the whole log once, outside any write transaction, and write the
        states of ``ordered`` in short ones; the cards left to replay chunk by chunk
        (all of them from the first chunk after another connection committed: the
        log read may then miss its rows), and whether the running counts were
        written from the same read (store_scan_counts) too."""
        tally = ScanCounts()
        self.conn.execute("BEGIN")
        try:
            # Read first: any later commit by another connection changes it.
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
            states = self._profile_states(profile, tally)
            tally.read_old(self.conn, profile)
        finally:
            self.conn.execute("COMMIT")
        left = self._write_unchanged(
            version,
            ordered,
            lambda chunk: self._write_states(profile, {key: states.get(key) for key in chunk}),
        )
        if left:
            return left, False
        # Then the running counts: every day and card the profile has, so they are the
        # whole log's (the tables may hold days and cards no longer counted).
        counted = not self._write_unchanged(
            version, tally.day_keys(), lambda chunk: tally.write_days(self.conn, profile, chunk)
        ) and not self._write_unchanged(
            version, tally.card_keys(), lambda chunk: tally.write_cards(self.conn, profile, chunk)
        )
        return [], counted

    def _write_unchanged(
        self, version: int, items: Sequence[_T], write: Callable[[list[_T]], object]
    ) -> list[_T]:
        """``write`` the items a chunk a short transaction, as long as no other
        connection has committed since ``version`` was read; the items not written."""
        start, size = 0, REPLAY_BATCH
        while start < len(items):
            started = time.perf_counter()
            with self.transaction():
                if self.conn.execute("PRAGMA data_version").fetchone()[0] != version:
                    return list(items[start:])
                write(list(items[start : start + size]))
            start += size
            size = next_size(size, time.perf_counter() - started, REPLAY_BATCH)
            let_others_write()
        return []

    def _write_states(self, profile: str, states: dict[tuple[str, str], CardState | None]) -> None:
        """Cache these states (inside the caller's transaction); a card whose replay
        leaves no review (never reviewed, or reset) has no state row."""
        self.conn.executemany(
            "DELETE FROM card_state WHERE profile = ? AND deck_id = ? AND card_id = ?",
            [(profile, *key) for key, s in states.items() if s is None or not s.reviews],
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                _state_row(profile, key, s)
                for key, s in states.items()
                if s is not None and s.reviews
            ],
        )

    def _replay_chunked(self, profile: str, ordered: list[tuple[str, str]]) -> None:
        """Replay these cards' states from their logs, a few hundred cards a transaction:
        each reads the cards' logs under the write lock, so a grade committed meanwhile
        by another process is in it."""
        fsrs = self.fsrs_for(profile)
        start, size = 0, REPLAY_BATCH
        while start < len(ordered):
            started = time.perf_counter()
            with self.transaction():
                self._replay_chunk(profile, ordered[start : start + size], fsrs)
            start += size
            size = next_size(size, time.perf_counter() - started, REPLAY_BATCH)
            let_others_write()

    def _replay_chunk(
        self, profile: str, chunk: list[tuple[str, str]], fsrs: FsrsScheduler | None
    ) -> None:
        """``replay`` of each card's own rows, for a chunk of cards in one query a deck
        and two statements: a query, a Row and a statement per card made most of a
        million-row import. Each card's rows in (ts, id) order, the rows its own undo
        rows cancel skipped, as ``replay_log`` does; a card whose replay leaves no
        review (never reviewed, or reset) has no state row."""
        by_deck: dict[str, list[str]] = {}
        for deck_id, card_id in chunk:
            by_deck.setdefault(deck_id, []).append(card_id)
        rows: list[tuple[Any, ...]] = []
        for deck_id, card_ids in by_deck.items():
            marks = ", ".join("?" * len(card_ids))
            rows += self.conn.execute(
                "SELECT deck_id, card_id, ts, id, study_day, kind, grade, cancels FROM reviews "
                f"WHERE profile = ? AND deck_id = ? AND card_id IN ({marks}) "
                # The index gives the cards in order and each card's rows by ts: SQLite
                # sorts only rows of one card that share a ts (by id), not the chunk.
                "ORDER BY card_id, ts, id",
                (profile, deck_id, *card_ids),
            ).fetchall()
        cancelled = {(r[0], r[1], r[7]) for r in rows if r[5] == "undo" and r[7]}
        states: dict[tuple[str, str], CardState | None] = dict.fromkeys(chunk)
        live = (row for row in rows if (row[0], row[1], row[3]) not in cancelled)
        if fsrs is None:
            states.update(replay_sm2(((r[0], r[1]), r[5], r[6], r[4]) for r in live))
        else:
            step = _Step()
            for deck_id, card_id, _, _, day, kind, grade, _ in live:
                key = (deck_id, card_id)
                step.kind, step.grade, step.study_day = kind, grade, day
                states[key] = apply_row(states.get(key), cast(Row, step), fsrs)
        self._write_states(profile, states)

    def repair_stale_states(self) -> None:
        """Rebuild the states of profiles an import was killed in (their log is whole:
        only the cache lags), so what is shown always equals a replay of the log."""
        if self.read_only:
            return
        stale = [
            key[len(STALE) :]
            for (key,) in self.conn.execute(
                "SELECT key FROM meta WHERE substr(key, 1, ?) = ?", (len(STALE), STALE)
            )
            if key.startswith(STALE)
        ]
        for profile in stale:
            with self.transaction():
                self._replay_into_cache(profile)
                store_counts.recount_all(self.conn, profile)
                self.conn.execute("DELETE FROM meta WHERE key = ?", (STALE + profile,))

    def _replay_into_cache(self, profile: str) -> None:
        """rebuild_states inside the caller's transaction (see _profile_states)."""
        states = self._profile_states(profile)
        self.conn.execute("DELETE FROM card_state WHERE profile = ?", (profile,))
        self.conn.executemany(
            "INSERT INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_state_row(profile, key, s) for key, s in states.items() if s.reviews),
        )

    def _profile_states(
        self, profile: str, tally: ScanCounts | None = None
    ) -> dict[tuple[str, str], CardState]:
        """Every card's state, the profile's whole log replayed, streamed for logs of
        millions of rows (the caller holds a transaction, so both reads see one log).

        The same replay as ``replay(self.rows(profile))``: rows in (ts, id) order,
        cancelled ones skipped, each applied with ``apply_row`` — only without a Row
        object for every row of the log in memory (and rows of other kinds, which
        apply_row leaves alone, are not fetched).
        """
        # '+profile' keeps SQLite on the small partial index of undo rows instead of
        # walking every row of the profile (2.7 s against 0.07 s at a million rows).
        cancelled = {
            r[0]
            for r in self.conn.execute(
                "SELECT cancels FROM reviews WHERE +profile = ? AND cancels IS NOT NULL", (profile,)
            )
        }
        wanted = SCHEDULING_KINDS if tally is None else (*SCHEDULING_KINDS, "drill")
        kinds = ", ".join(f"'{k}'" for k in wanted)
        states: dict[tuple[str, str], CardState] = {}
        fsrs = self.fsrs_for(profile)
        rows = self.conn.execute(
            "SELECT id, deck_id, card_id, study_day, kind, grade FROM reviews "
            f"WHERE profile = ? AND kind IN ({kinds}) ORDER BY ts, id",
            (profile,),
        )
        live: Iterator[tuple[Any, ...]]
        if tally is None:
            live = (row for row in rows if row[0] not in cancelled)
        else:
            live = _tallied(rows, cancelled, _all_cancelled(self.conn), tally)
        if fsrs is None:
            states = replay_sm2(((r[1], r[2]), r[4], r[5], r[3]) for r in live)
        else:
            step = _Step()
            for _, deck_id, card_id, day, kind, grade in live:
                key = (deck_id, card_id)
                # apply_row reads kind, grade and study_day: a full Row costs more than the step.
                step.kind, step.grade, step.study_day = kind, grade, day
                after = apply_row(states.get(key), cast(Row, step), fsrs)
                if after is not None:
                    states[key] = after
        return states


def let_others_write() -> None:
    """A pause between two of a bulk write's transactions: without it the import takes
    the lock again microseconds after its commit, and another process waiting to
    write (a grade) gets in only if it retries in that gap (bench_bulk.py measures
    its longest wait)."""
    time.sleep(FAIR_GAP)


def _all_cancelled(conn: sqlite3.Connection) -> set[str]:
    """The ids any undo row cancels, as store_counts' "not undone" reads them (every
    profile's, on the small partial index of undo rows)."""
    return {c for (c,) in conn.execute("SELECT cancels FROM reviews WHERE cancels IS NOT NULL")}


def _tallied(
    rows: Iterable[tuple[Any, ...]], cancelled: set[str], undone: set[str], tally: ScanCounts
) -> Iterator[tuple[Any, ...]]:
    """The rows the state replay takes (``cancelled``: the profile's undo rows'), the
    counted ones (``undone``: any profile's) tallied on the way."""
    # ScanCounts.add, inlined: a call a row was a third of the tally's time.
    days, seen, add = tally.days, tally.seen, tally.add
    for row in rows:
        row_id, deck_id, card_id, day, kind, grade = row
        if kind == "review" and type(grade) is int and row_id not in undone:
            passed = int(grade >= 3)
            entry = days.setdefault(day, {}).setdefault(deck_id, [0, 0, 0])
            entry[0] += 1
            entry[1] += passed
            if (deck_id, card_id) not in seen:
                seen[deck_id, card_id] = (day, passed)
        elif row_id not in undone:
            add(deck_id, card_id, day, kind, grade)
        if kind != "drill" and row_id not in cancelled:
            yield row


def _sorted_cards(cards: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The cards in index order (for locality), sorted as strings a deck at a time:
    sorting a million-row import's (deck, card) tuples took a second."""
    by_deck: dict[str, list[str]] = {}
    for deck_id, card_id in cards:
        by_deck.setdefault(deck_id, []).append(card_id)
    return [(deck_id, card) for deck_id in sorted(by_deck) for card in sorted(by_deck[deck_id])]
