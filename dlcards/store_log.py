"""The review log in SQLite: appending grades and card events, undoing, reading rows.

Every grade is one ``BEGIN IMMEDIATE`` transaction that reads the card's state,
appends the row and upserts the state, so two processes on one profile never
lose a row and the cache always equals a replay of the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dlcards.log import (
    GRADE_KINDS,
    SCHEDULING_KINDS,
    CardEventKind,
    CardState,
    GradeKind,
    Row,
    RowKind,
    apply_row,
    format_ts,
    leech_suspends,
    parse_ts,
    replay,
    state_from_row,
    with_state,
)
from dlcards.store_counts import count_grade, uncount_grade
from dlcards.store_schema import Database

if TYPE_CHECKING:
    from dlcards.fsrs_scheduler import FsrsScheduler

# Which scheduler a profile replays with: its FSRS scheduler, or None for SM-2.
SchedulerLookup = Callable[[str], "FsrsScheduler | None"]


def _sm2_everywhere(profile: str) -> FsrsScheduler | None:
    return None


ROW_FIELDS = tuple(f.name for f in fields(Row))  # the columns of the reviews table, in order
ROW_COLUMNS = ", ".join(ROW_FIELDS)
ROW_MARKS = ", ".join("?" * len(ROW_FIELDS))  # one placeholder per column


class LogStore(Database):
    """The log's rows and the state cache they keep current."""

    # SM-2 for every profile unless the application says otherwise (see use_schedulers).
    _scheduler_lookup: SchedulerLookup = staticmethod(_sm2_everywhere)

    def use_schedulers(self, lookup: SchedulerLookup) -> None:
        """Tell the store which scheduler each profile uses (config.toml's, issue 17)."""
        self._scheduler_lookup = lookup

    def fsrs_for(self, profile: str) -> FsrsScheduler | None:
        """The profile's FSRS scheduler, or None when it schedules with SM-2."""
        return self._scheduler_lookup(profile)

    def _next_ts(self, profile: str, now: datetime) -> str:
        # Rows of one profile get strictly increasing timestamps in commit order, so
        # replaying by (ts, id) applies them in the order they were committed, even
        # with a frozen DLCARDS_NOW or a clock that steps back.
        ts = format_ts(now)
        last = self.conn.execute(
            "SELECT max(ts) FROM reviews WHERE profile = ?", (profile,)
        ).fetchone()[0]
        if isinstance(last, str) and ts <= last:
            try:
                ts = format_ts(parse_ts(last) + timedelta(microseconds=1))
            except (ValueError, OverflowError):
                # A stored row stamped at the end of the calendar (or not a time at
                # all) must not stop every grade: this one keeps the clock's time.
                pass
        return ts

    def _read_state(self, profile: str, deck_id: str, card_id: str) -> CardState | None:
        fsrs = self.fsrs_for(profile)
        if fsrs is not None:
            # FSRS's memory (two floats) is not in the cache: the card's own log, a
            # few rows on an index, replays to it.
            return replay(self.card_rows(profile, deck_id, card_id), fsrs).get((deck_id, card_id))
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
            f"INSERT INTO reviews ({ROW_COLUMNS}) VALUES ({ROW_MARKS})",
            [getattr(row, name) for name in ROW_FIELDS],
        )

    def _new_row(
        self,
        profile: str,
        deck_id: str,
        card_id: str,
        kind: RowKind,
        now: datetime,
        day: date,
        *,
        grade: int | None = None,
        duration_ms: int | None = None,
        instance: str | None = None,
        answer: str | None = None,
        cancels: str | None = None,
    ) -> Row:
        """A row to append now (its state fields filled in by the caller)."""
        return Row(
            id=str(uuid.uuid4()),
            profile=profile,
            deck_id=deck_id,
            card_id=card_id,
            ts=self._next_ts(profile, now),
            study_day=day.isoformat(),
            kind=kind,
            grade=grade,
            duration_ms=duration_ms,
            instance=instance,
            answer=answer,
            cancels=cancels,
        )

    def record(
        self,
        profile: str,
        deck_id: str,
        card_id: str,
        kind: GradeKind,
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
            row = self._new_row(
                profile,
                deck_id,
                card_id,
                kind,
                now,
                day,
                grade=grade,
                duration_ms=duration_ms,
                instance=instance,
                answer=answer,
            )
            after = apply_row(before, row, self.fsrs_for(profile))
            row = with_state(row, after)
            self._insert(row)
            count_grade(self.conn, profile, deck_id, card_id, kind, row.study_day, grade)
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
            found = self._rows("WHERE id = ? AND profile = ?", (row_id, profile))
            if not found or found[0].kind not in GRADE_KINDS:
                raise ValueError(f"no grade {row_id!r} to undo for {profile!r}")
            if self.conn.execute("SELECT 1 FROM reviews WHERE cancels = ?", (row_id,)).fetchone():
                raise ValueError(f"grade {row_id!r} is already undone")
            deck_id, card_id = found[0].deck_id, found[0].card_id
            row = self._new_row(profile, deck_id, card_id, "undo", now, day, cancels=row_id)
            # The card's state is its own log replayed with this undo in it.
            history = [*self.card_rows(profile, deck_id, card_id), row]
            state = replay(history, self.fsrs_for(profile)).get((deck_id, card_id))
            row = with_state(row, state)
            self._insert(row)
            self._write_state(profile, deck_id, card_id, state)
            target = found[0]
            uncount_grade(
                self.conn, profile, deck_id, card_id, target.kind, target.study_day, target.grade
            )
        return row

    # --- reading ----------------------------------------------------------------

    def state(self, profile: str, deck_id: str, card_id: str) -> CardState | None:
        return self._read_state(profile, deck_id, card_id)

    def card_rows(self, profile: str, deck_id: str, card_id: str) -> list[Row]:
        rows = self._rows(
            "WHERE profile = ? AND deck_id = ? AND card_id = ?", (profile, deck_id, card_id)
        )
        # Sorted here, like day_rows: with ORDER BY ts, id the planner walked the
        # (profile, ts, id) index through the profile's whole log for one card's few
        # rows, on every FSRS key press and for every card an import replays.
        return sorted(rows, key=lambda r: (r.ts, r.id))

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

    def _rows(self, where: str, args: tuple[object, ...]) -> list[Row]:
        return [
            Row(*r) for r in self.conn.execute(f"SELECT {ROW_COLUMNS} FROM reviews {where}", args)
        ]

    # --- suspend, unsuspend, reset ------------------------------------------------------

    def _event(
        self,
        profile: str,
        deck_id: str,
        card_id: str,
        kind: CardEventKind,
        now: datetime,
        day: date,
        state: CardState | None,
    ) -> Row:
        """Append a card event row (inside the caller's transaction); the trigger and
        the caller keep the caches."""
        row = with_state(self._new_row(profile, deck_id, card_id, kind, now, day), state)
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
            kind: CardEventKind = "suspend" if suspend else "unsuspend"
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

    def _suspended(self, where: str, args: tuple[object, ...]) -> dict[tuple[str, str], str]:
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
