"""Merging another machine's review log into this one (``dlcards progress import``).

A layer of :class:`dlcards.store.Store`: rows are added by id in one transaction
(importing twice changes nothing) and the profile's states replayed from the
merged log, streamed, for logs of millions of rows.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from dlcards.log import SCHEDULING_KINDS, CardState, Row, apply_row, replay_sm2
from dlcards.store_log import ROW_COLUMNS, ROW_FIELDS, ROW_MARKS, LogStore

if TYPE_CHECKING:
    from dlcards.fsrs_scheduler import FsrsScheduler

# The fields of a row given to Store.merge_rows, in order: a Row's, without the profile.
MERGE_FIELDS = tuple(name for name in ROW_FIELDS if name != "profile")
# Rows per write transaction, and cards per state-replay transaction, to start with:
# each batch then grows or shrinks so that a transaction holds the write lock about
# HOLD_TARGET seconds, well under the ~100 ms another process may wait (issue 11),
# and a million rows take a few hundred commits, not thousands.
MERGE_BATCH = 500
REPLAY_BATCH = 200
HOLD_TARGET = 0.04
_MAX_BATCH = 20_000
# meta key (+ profile) set while an import's rows are in but its states not replayed.
_STALE = "stale_states:"


def _next_size(size: int, seconds: float, smallest: int) -> int:
    """The next batch's size, after a batch of ``size`` held the lock ``seconds``:
    doubled while well under HOLD_TARGET, halved above it, never below ``smallest``
    (a busy machine slows every batch: smaller ones would only add commits)."""
    if seconds < HOLD_TARGET / 2:
        return min(_MAX_BATCH, size * 2)
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


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """What :meth:`Store.merge_rows` did with the rows it was given."""

    read: int  # rows given
    added: int  # new to this database
    present: int  # already here under this profile (identical ids)
    other_profile: int  # ids already here under another profile: not added
    differing: int  # of ``present``, rows whose content differs from ours: ours kept


class LogMerge(LogStore):
    """Store's methods for moving the log between machines."""

    def iter_rows(self, profile: str, batch: int = 10_000) -> Iterator[Row]:
        """The profile's log in replay order, streamed: a log may hold millions of rows."""
        cursor = self.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM reviews WHERE profile = ? ORDER BY ts, id", (profile,)
        )
        while chunk := cursor.fetchmany(batch):
            yield from (Row(*r) for r in chunk)

    def copy_profile(self, source: str, target: str, now: datetime) -> int:
        """Add a copy of ``source``'s whole log to ``target``; the number of rows copied.

        Row ids are unique across the database (they are how logs merge), so each copy
        gets a fresh id and an undo row names its copied grade's new id. ``source`` is
        left as it is.
        """
        fresh: dict[str, str] = {}

        # Read first: no scan of the table while it is written to.
        rows = list(self.iter_rows(source))

        def copies() -> Iterator[tuple[Any, ...]]:
            for row in rows:
                new_id = fresh.setdefault(row.id, str(uuid.uuid4()))
                cancels = row.cancels
                if cancels is not None:
                    cancels = fresh.setdefault(cancels, str(uuid.uuid4()))
                copy = astuple(replace(row, id=new_id, cancels=cancels))
                yield tuple(v for k, v in zip(ROW_FIELDS, copy, strict=True) if k != "profile")

        return self.merge_rows(target, copies(), now).added

    def merge_rows(self, profile: str, rows: Iterable[Sequence[Any]], now: datetime) -> MergeCounts:
        """Add the rows whose ids the log lacks, under ``profile``, then replay its states.

        ``rows`` are tuples of the :data:`MERGE_FIELDS` (a Row's fields but the
        profile): a file may bring a million, and a Row object costs 5 µs each.
        Rows already present (same id) are left as they are, so merging twice
        changes nothing and two machines that exchange logs converge.

        Written in short transactions (a batch of rows, then the states of the cards
        they touch, a few hundred cards at a time), so a study session beside a long
        import waits milliseconds, not the whole import. The caller validates the
        rows first (``progress import`` reads its file twice): a bad row found here
        leaves the batches before it, which importing the fixed file again completes.
        Until the states are replayed the profile is marked stale, and a killed
        import is finished by the next :meth:`repair_stale_states`.
        """
        counts = {"read": 0, "added": 0, "present": 0, "other": 0, "differing": 0, "look_first": 0}
        touched: set[tuple[str, str]] = set()
        cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        synchronous = self.conn.execute("PRAGMA synchronous").fetchone()[0]
        checkpoint = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        # Row ids are random UUIDs: with SQLite's 2 MB default cache, a million
        # inserts into the id index mostly wait on the disk.
        self.conn.execute("PRAGMA cache_size = -262144")
        with self.transaction():
            self.ensure_profile(profile, now)
        # The batches' commits are not synced one by one (an fsync each was most of the
        # time): in WAL mode a commit that is lost to a power cut takes only the commits
        # after it, the rows are added again by importing the file again, and the last
        # commit below, synced, makes every batch durable.
        self.conn.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint every 40 MB of log rather than 4 MB: the index pages a batch
        # dirties are written back (and synced) once for many batches.
        self.conn.execute("PRAGMA wal_autocheckpoint = 10000")
        try:
            batch: list[Sequence[Any]] = []
            size = MERGE_BATCH
            for row in rows:
                batch.append(row)
                if len(batch) >= size:
                    started = time.perf_counter()
                    self._merge_committed(profile, batch, counts, touched)
                    size = _next_size(size, time.perf_counter() - started, MERGE_BATCH)
                    batch = []
            self._merge_committed(profile, batch, counts, touched)
            self._replay_cards(profile, touched)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            self.conn.execute(f"PRAGMA synchronous = {int(synchronous)}")
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
        if touched:
            with self.transaction():
                self.conn.execute("DELETE FROM meta WHERE key = ?", (_STALE + profile,))
        return MergeCounts(
            counts["read"], counts["added"], counts["present"], counts["other"], counts["differing"]
        )

    def _merge_committed(
        self,
        profile: str,
        batch: list[Sequence[Any]],
        counts: dict[str, int],
        touched: set[tuple[str, str]],
    ) -> None:
        """One batch of rows in its own transaction, the profile marked stale with it."""
        if not batch:
            return
        with self.transaction():
            added = counts["added"]
            self._merge_batch(profile, batch, counts)
            if counts["added"] > added:
                self.set_meta(_STALE + profile, "1")
                touched.update((row[1], row[2]) for row in batch)

    def _replay_cards(self, profile: str, cards: set[tuple[str, str]]) -> None:
        """Replay these cards' states from their logs, a few hundred cards a transaction:
        each reads the cards' logs under the write lock, so a grade committed meanwhile
        by another process is in it."""
        fsrs = self.fsrs_for(profile)
        ordered = sorted(cards)
        start, size = 0, REPLAY_BATCH
        while start < len(ordered):
            started = time.perf_counter()
            with self.transaction():
                self._replay_chunk(profile, ordered[start : start + size], fsrs)
            start += size
            size = _next_size(size, time.perf_counter() - started, REPLAY_BATCH)

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
                f"WHERE profile = ? AND deck_id = ? AND card_id IN ({marks})",
                (profile, deck_id, *card_ids),
            ).fetchall()
        rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
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

    def repair_stale_states(self) -> None:
        """Rebuild the states of profiles an import was killed in (their log is whole:
        only the cache lags), so what is shown always equals a replay of the log."""
        if self.read_only:
            return
        stale = [
            key[len(_STALE) :]
            for (key,) in self.conn.execute(
                "SELECT key FROM meta WHERE substr(key, 1, ?) = ?", (len(_STALE), _STALE)
            )
            if key.startswith(_STALE)
        ]
        for profile in stale:
            with self.transaction():
                self._replay_into_cache(profile)
                self.conn.execute("DELETE FROM meta WHERE key = ?", (_STALE + profile,))

    def _merge_batch(
        self, profile: str, batch: list[Sequence[Any]], counts: dict[str, int]
    ) -> None:
        if not batch:
            return
        insert = f"INSERT OR IGNORE INTO reviews ({ROW_COLUMNS}) VALUES ({ROW_MARKS})"
        counts["read"] += len(batch)
        # Usually every row of a batch is new, or every one is known (a file imported
        # again). While batches are new, insert first: ids already here are ignored by
        # the insert and sorted out afterwards. Once a batch brings nothing new, look the
        # ids up first instead. (A savepoint to undo a batch made SQLite copy every page
        # it touched to a sub-journal: +50% on a million rows.)
        if counts["look_first"]:
            stored = self._stored(batch)
            fresh = [row for row in batch if row[0] not in stored]
            added = (
                self.conn.executemany(
                    insert, [(row[0], profile, *row[1:]) for row in fresh]
                ).rowcount
                if fresh
                else 0
            )
        else:
            added = self.conn.executemany(
                insert, [(row[0], profile, *row[1:]) for row in batch]
            ).rowcount
            stored = self._stored(batch) if added < len(batch) else {}
        counts["added"] += added
        counts["look_first"] = int(added == 0)
        if added == len(batch):
            return
        other = differing = 0
        for row in batch:
            theirs = stored.get(row[0])
            if theirs is None:
                continue  # new: inserted now (or an id repeated within the batch)
            # (profile, deck_id, card_id, ts, kind, grade, cancels): what makes a row that row
            mine = (profile, row[1], row[2], row[3], row[5], row[6], row[10])
            if theirs[0] != profile:
                other += 1
            elif theirs != mine:
                differing += 1  # the row was here, with other content: ours not inserted
        counts["other"] += other
        counts["differing"] += differing
        # Rows neither added nor under another profile were here already (identical or
        # not), or repeated an id earlier in the batch.
        counts["present"] += len(batch) - added - other

    def _stored(self, batch: list[Sequence[Any]]) -> dict[str, tuple[Any, ...]]:
        """What the log holds under the batch's ids (any profile)."""
        marks = ", ".join("?" * len(batch))
        return {
            r[0]: r[1:]
            for r in self.conn.execute(
                "SELECT id, profile, deck_id, card_id, ts, kind, grade, cancels FROM reviews "
                f"WHERE id IN ({marks})",
                [row[0] for row in batch],
            )
        }

    def _replay_into_cache(self, profile: str) -> None:
        """rebuild_states inside the caller's transaction, streamed for logs of millions of rows.

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
        kinds = ", ".join(f"'{k}'" for k in SCHEDULING_KINDS)
        states: dict[tuple[str, str], CardState] = {}
        fsrs = self.fsrs_for(profile)
        live = (
            row
            for row in self.conn.execute(
                "SELECT id, deck_id, card_id, study_day, kind, grade FROM reviews "
                f"WHERE profile = ? AND kind IN ({kinds}) ORDER BY ts, id",
                (profile,),
            )
            if row[0] not in cancelled
        )
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
        self.conn.execute("DELETE FROM card_state WHERE profile = ?", (profile,))
        self.conn.executemany(
            "INSERT INTO card_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_state_row(profile, key, s) for key, s in states.items() if s.reviews),
        )
