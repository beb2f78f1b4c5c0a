"""The running review counts (store_counts) tallied from one ordered read of a whole log.

An import that brings most of a profile's log reads the whole log once, in (ts, id)
order, to replay its states (``LogReplay._replay_scanned``); the counts come from the
same read at a few hundred nanoseconds a row, where recounting every touched day and
card in SQL (``Store.recount_merged``: thousands of seeks for the undone rows, then a
grouped query per few cards) was a quarter of a 100k-row import's time (1.1 s of 4.8 s,
cProfile, 2026-12-08). The definitions are store_counts' SQL ones, row for row:
reviews and re-drills that no undo row cancels (any profile's undo, as
``store_counts._NOT_UNDONE`` reads it), passed = ``coalesce(grade >= 3, 0)`` with
SQLite's comparison (text sorts above every number), a card's first review the first
in (ts, id) order. ``tests/test_store_counts.py`` compares them with a recount by hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

# Parameters per IN list (SQLite allows 32766; store_counts uses the same).
_CHUNK = 500


def _passed(grade: object) -> int:
    """``coalesce(grade >= 3, 0)`` as SQLite computes it for the stored value."""
    if grade is None:
        return 0
    if isinstance(grade, (str, bytes)):
        return 1  # SQLite orders every text and blob after every number
    return int(grade >= 3)  # type: ignore[operator]


class ScanCounts:
    """The counts of one profile, fed its counted rows in (ts, id) order."""

    __slots__ = ("days", "seen", "old_days", "old_cards")

    def __init__(self) -> None:
        # day -> deck -> [reviews, passed, redrills]
        self.days: dict[str, dict[str, list[int]]] = {}
        # (deck, card) -> (first day, first passed)
        self.seen: dict[tuple[str, str], tuple[str, int]] = {}
        # What the tables held for the profile when the log was read: rows the log
        # no longer gives (an undo cancelled them) are deleted with the rest.
        self.old_days: set[str] = set()
        self.old_cards: set[tuple[str, str]] = set()

    def read_old(self, conn: sqlite3.Connection, profile: str) -> None:
        """Note what the tables hold now (in the same read transaction as the log)."""
        self.old_days = {
            d
            for (d,) in conn.execute(
                "SELECT study_day FROM review_counts WHERE profile = ?", (profile,)
            )
        }
        self.old_cards = {
            (deck, card)
            for deck, card in conn.execute(
                "SELECT deck_id, card_id FROM seen_cards WHERE profile = ?", (profile,)
            )
        }

    def add(self, deck_id: str, card_id: str, day: str, kind: str, grade: object) -> None:
        """One row no undo cancels, the log's rows in (ts, id) order."""
        if kind == "review":
            passed = _passed(grade)
            entry = self.days.setdefault(day, {}).setdefault(deck_id, [0, 0, 0])
            entry[0] += 1
            entry[1] += passed
            key = (deck_id, card_id)
            if key not in self.seen:
                self.seen[key] = (day, passed)
        elif kind == "drill":
            self.days.setdefault(day, {}).setdefault(deck_id, [0, 0, 0])[2] += 1

    def day_keys(self) -> list[str]:
        return sorted(self.old_days | self.days.keys())

    def card_keys(self) -> list[tuple[str, str]]:
        return sorted(self.old_cards | self.seen.keys())

    def write_days(self, conn: sqlite3.Connection, profile: str, days: Sequence[str]) -> None:
        """Replace these days' counts (inside the caller's transaction, no other
        connection having written since the log was read: the table holds for the
        profile what :meth:`read_old` saw, so only those days are deleted)."""
        old = [day for day in days if day in self.old_days]
        for start in range(0, len(old), _CHUNK):
            chunk = old[start : start + _CHUNK]
            conn.execute(
                f"DELETE FROM review_counts WHERE profile = ? AND study_day IN "
                f"({', '.join('?' * len(chunk))})",
                (profile, *chunk),
            )
        conn.executemany(
            "INSERT INTO review_counts VALUES (?, ?, ?, ?, ?, ?)",
            (
                (profile, day, deck_id, *entry)
                for day in days
                for deck_id, entry in self.days.get(day, {}).items()
            ),
        )

    def write_cards(
        self, conn: sqlite3.Connection, profile: str, cards: Sequence[tuple[str, str]]
    ) -> None:
        """Replace these cards' first reviews (inside the caller's transaction; as
        :meth:`write_days`, only the rows :meth:`read_old` saw are deleted)."""
        by_deck: dict[str, list[str]] = {}
        for deck_id, card_id in cards:
            if (deck_id, card_id) in self.old_cards:
                by_deck.setdefault(deck_id, []).append(card_id)
        for deck_id, card_ids in by_deck.items():
            for start in range(0, len(card_ids), _CHUNK):
                chunk = card_ids[start : start + _CHUNK]
                conn.execute(
                    "DELETE FROM seen_cards WHERE profile = ? AND deck_id = ? AND card_id IN "
                    f"({', '.join('?' * len(chunk))})",
                    (profile, deck_id, *chunk),
                )
        conn.executemany(
            "INSERT INTO seen_cards VALUES (?, ?, ?, ?, ?)",
            ((profile, *key, *self.seen[key]) for key in cards if key in self.seen),
        )
