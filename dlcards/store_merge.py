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
from typing import Any

from dlcards import store_counts
from dlcards.log import Row
from dlcards.store_counts import Touched
from dlcards.store_log import ROW_COLUMNS, ROW_FIELDS, ROW_MARKS
from dlcards.store_replay import (
    MERGE_BATCH,
    REPLAY_BATCH,
    STALE,
    LogReplay,
    let_others_write,
    next_size,
)

# The fields of a row given to Store.merge_rows, in order: a Row's, without the profile.
MERGE_FIELDS = tuple(name for name in ROW_FIELDS if name != "profile")
# Study days recounted in the first transaction after a merge (a day of heavy use is
# ~1000 rows); then as many as the last one's time allows (store_replay.next_size).
_RECOUNT_DAYS = 8


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """What :meth:`Store.merge_rows` did with the rows it was given."""

    read: int  # rows given
    added: int  # new to this database
    present: int  # already here under this profile (identical ids)
    other_profile: int  # ids already here under another profile: not added
    differing: int  # of ``present``, rows whose content differs from ours: ours kept


class LogMerge(LogReplay):
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
        rows first (``progress import`` checks the whole file, then writes what it
        checked): a bad row found here would leave the batches before it, which
        importing the fixed file again completes.
        Until the states are replayed the profile is marked stale, and a killed
        import is finished by the next :meth:`repair_stale_states`.
        """
        counts = {"read": 0, "added": 0, "present": 0, "other": 0, "differing": 0, "look_first": 0}
        touched: set[tuple[str, str]] = set()
        counted = Touched()  # what the running counts must recount once the rows are in
        cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        synchronous = self.conn.execute("PRAGMA synchronous").fetchone()[0]
        checkpoint = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        # Row ids are random UUIDs: with SQLite's 2 MB default cache, a million
        # inserts into the id index mostly wait on the disk.
        self.conn.execute("PRAGMA cache_size = -262144")
        with self.transaction():
            self.ensure_profile(profile, now)
        # How long the log was: an import that at least doubles it replays its states
        # from one read of the whole log (LogReplay.replay_cards).
        before = self.conn.execute(
            "SELECT count(*) FROM reviews WHERE profile = ?", (profile,)
        ).fetchone()[0]
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
                    self._merge_committed(profile, batch, counts, touched, counted)
                    size = next_size(size, time.perf_counter() - started, MERGE_BATCH)
                    batch = []
                    let_others_write()
            self._merge_committed(profile, batch, counts, touched, counted)
            if not self.replay_cards(profile, touched, whole=counts["added"] >= before):
                self.recount_merged(profile, counted)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            self.conn.execute(f"PRAGMA synchronous = {int(synchronous)}")
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
        if touched:
            with self.transaction():
                self.conn.execute("DELETE FROM meta WHERE key = ?", (STALE + profile,))
        return MergeCounts(
            counts["read"], counts["added"], counts["present"], counts["other"], counts["differing"]
        )

    def _merge_committed(
        self,
        profile: str,
        batch: list[Sequence[Any]],
        counts: dict[str, int],
        touched: set[tuple[str, str]],
        counted: Touched,
    ) -> None:
        """One batch of rows in its own transaction, the profile marked stale with it."""
        if not batch:
            return
        # The rows as the table takes them, made before the lock is taken.
        values = [(row[0], profile, *row[1:]) for row in batch]
        with self.transaction():
            added = counts["added"]
            self._merge_batch(profile, batch, values, counts)
            fresh = counts["added"] > added
            if fresh:
                self.set_meta(STALE + profile, "1")
        if fresh:  # after the commit: the lock is held for SQLite's work only
            touched.update((row[1], row[2]) for row in batch)
            counted.note_merge_rows(batch)

    def recount_merged(self, profile: str, touched: Touched) -> None:
        """Bring the running review counts (dlcards/store_counts.py) up to date after
        rows were added in bulk: every day and card ``touched`` names is counted again
        from the log, a few days or cards a transaction (the write lock is held
        milliseconds). Call it once the rows are in, while the profile is still marked
        stale: a killed import is recounted whole by :meth:`repair_stale_states`."""
        # Only reads (thousands of seeks by id for a big import: a second once, under
        # the lock), so in a read transaction: the log only grows, and the rows an undo
        # cancels keep their day and card whatever another process adds meanwhile.
        reading = not self.conn.in_transaction  # else part of the caller's write
        if reading:
            self.conn.execute("BEGIN")
        try:
            touched = store_counts.with_cancelled(self.conn, profile, touched)
        finally:
            if reading:
                self.conn.execute("COMMIT")
        days = sorted(touched.days)
        start, size = 0, _RECOUNT_DAYS
        while start < len(days):
            started = time.perf_counter()
            with self.transaction():
                store_counts.recount_days(self.conn, profile, days[start : start + size])
            start += size
            size = next_size(size, time.perf_counter() - started, 1)
            let_others_write()
        by_deck: dict[str, list[str]] = {}
        for deck_id, card_id in sorted(touched.cards):
            by_deck.setdefault(deck_id, []).append(card_id)
        for deck_id, card_ids in by_deck.items():
            for start in range(0, len(card_ids), REPLAY_BATCH):
                with self.transaction():
                    chunk = card_ids[start : start + REPLAY_BATCH]
                    store_counts.recount_seen(self.conn, profile, deck_id, chunk)
                let_others_write()

    def _merge_batch(
        self,
        profile: str,
        batch: list[Sequence[Any]],
        values: list[tuple[Any, ...]],
        counts: dict[str, int],
    ) -> None:
        insert = f"INSERT OR IGNORE INTO reviews ({ROW_COLUMNS}) VALUES ({ROW_MARKS})"
        counts["read"] += len(batch)
        # Usually every row of a batch is new, or every one is known (a file imported
        # again). While batches are new, insert first: ids already here are ignored by
        # the insert and sorted out afterwards. Once a batch brings nothing new, look the
        # ids up first instead. (A savepoint to undo a batch made SQLite copy every page
        # it touched to a sub-journal: +50% on a million rows.)
        if counts["look_first"]:
            stored = self._stored(batch)
            fresh = [row for row in values if row[0] not in stored]
            added = self.conn.executemany(insert, fresh).rowcount if fresh else 0
        else:
            added = self.conn.executemany(insert, values).rowcount
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
