"""Running review counts (DESIGN §5, §7): what "reviews" adds up to, kept beside the log.

Every view's totals (Home, Stats, ``stats --json``, ``users``, the Profiles dialog, the
heatmap) read two small tables instead of scanning the whole log, which at a million
rows took seconds (issue 18):

- ``review_counts``: per profile, study day and deck, the reviews and re-drills as
  :data:`REVIEW_ROWS` and :data:`DRILL_ROWS` define them, and how many of those reviews
  were graded >= 3 (a row only while reviews or re-drills are > 0);
- ``seen_cards``: per profile, the cards with at least one such review, each with its
  first one's day and pass (retention leaves a card's first review out: DESIGN §7).

They are a cache of the log like ``card_state``: a grade or an undo updates them in its
own transaction (O(1) and O(rows of one card)); a merge recounts the days and cards it
touched (``Store.recount_merged``); a rebuild, or the v4 migration, recounts everything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# What every view calls "reviews" (DESIGN §7): graded rows of kind 'review' that no undo
# cancels. Re-drills (kind 'drill') are counted apart with DRILL_ROWS and always labelled
# as re-drills; practice rows are neither. Both are SQL conditions on a row of ``reviews``
# (qualify no column: they are used with and without a table alias).
_NOT_UNDONE = "id NOT IN (SELECT cancels FROM reviews WHERE cancels IS NOT NULL)"
REVIEW_ROWS = f"(kind = 'review' AND {_NOT_UNDONE})"
DRILL_ROWS = f"(kind = 'drill' AND {_NOT_UNDONE})"
_COUNTED_ROWS = f"(kind IN ('review', 'drill') AND {_NOT_UNDONE})"

SCHEMA = """
-- Running counts of the log (dlcards/store_counts.py): per profile, study day and deck,
-- reviews not undone, of them those graded >= 3, and re-drills not undone (a row only
-- while reviews or re-drills are > 0) ...
CREATE TABLE review_counts (
    profile    TEXT NOT NULL,
    study_day  TEXT NOT NULL,
    deck_id    TEXT NOT NULL,
    reviews    INTEGER NOT NULL,
    passed     INTEGER NOT NULL,
    redrills   INTEGER NOT NULL,
    PRIMARY KEY (profile, study_day, deck_id)
) WITHOUT ROWID;
-- ... and each card a profile has reviewed (not undone), with its first such review in
-- (ts, id) order: its day and whether it was graded >= 3 (retention leaves firsts out).
CREATE TABLE seen_cards (
    profile       TEXT NOT NULL,
    deck_id       TEXT NOT NULL,
    card_id       TEXT NOT NULL,
    first_day     TEXT NOT NULL,
    first_passed  INTEGER NOT NULL,
    PRIMARY KEY (profile, deck_id, card_id)
) WITHOUT ROWID;
CREATE INDEX seen_cards_by_first_day ON seen_cards (profile, first_day);
"""

# Both tables counted from the log; ``{where}`` narrows the rows read (all of a
# profile, some of its days, some of its cards) and takes the same parameters.
_PASSED = "coalesce(grade >= 3, 0)"
_COUNT_DAYS = (
    "INSERT INTO review_counts SELECT profile, study_day, deck_id, "
    f"sum(kind = 'review'), sum(kind = 'review' AND {_PASSED}), sum(kind = 'drill') "
    f"FROM reviews WHERE {{where}} AND {_COUNTED_ROWS} GROUP BY profile, study_day, deck_id"
)
# The first review of each card: SQLite takes a bare column from the row that min()
# picks, and ts || char(31) || id orders as (ts, id) does (no ts holds char(31)).
_COUNT_SEEN = (
    "INSERT INTO seen_cards SELECT profile, deck_id, card_id, study_day, passed FROM ("
    f"SELECT profile, deck_id, card_id, study_day, {_PASSED} AS passed, "
    "min(ts || char(31) || id) FROM reviews "
    f"WHERE {{where}} AND {REVIEW_ROWS} GROUP BY profile, deck_id, card_id)"
)

# The v4 migration: the tables, then every profile's counts from its log (once).
MIGRATION = SCHEMA + _COUNT_DAYS.format(where="1") + ";\n" + _COUNT_SEEN.format(where="1") + ";\n"

# Parameters per statement when a recount names days or cards (SQLite allows 32766).
_CHUNK = 500


def count_grade(
    conn: sqlite3.Connection,
    profile: str,
    deck_id: str,
    card_id: str,
    kind: str,
    study_day: str,
    grade: int,
) -> None:
    """A graded row was just appended (the profile's latest ts): count it. A practice
    row counts as neither; a review is its card's first unless the card was seen."""
    if kind not in ("review", "drill"):
        return
    review, passed = int(kind == "review"), int(kind == "review" and grade >= 3)
    conn.execute(
        "INSERT INTO review_counts VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
        "reviews = reviews + excluded.reviews, passed = passed + excluded.passed, "
        "redrills = redrills + excluded.redrills",
        (profile, study_day, deck_id, review, passed, 1 - review),
    )
    if review:
        conn.execute(
            "INSERT OR IGNORE INTO seen_cards VALUES (?, ?, ?, ?, ?)",
            (profile, deck_id, card_id, study_day, passed),
        )


def uncount_grade(
    conn: sqlite3.Connection,
    profile: str,
    deck_id: str,
    card_id: str,
    kind: str,
    study_day: str,
    grade: int | None,
) -> None:
    """A counted graded row was just cancelled (its undo row already in the log)."""
    if kind not in ("review", "drill"):
        return
    review = int(kind == "review")
    passed = int(review and isinstance(grade, int) and grade >= 3)
    key = (profile, study_day, deck_id)
    conn.execute(
        "UPDATE review_counts SET reviews = reviews - ?, passed = passed - ?, "
        "redrills = redrills - ? WHERE profile = ? AND study_day = ? AND deck_id = ?",
        (review, passed, 1 - review, *key),
    )
    conn.execute(
        "DELETE FROM review_counts WHERE profile = ? AND study_day = ? AND deck_id = ? "
        "AND reviews <= 0 AND redrills <= 0",
        key,
    )
    if review:
        # Its first review now, if one stands (the card's few rows, on its index).
        recount_seen(conn, profile, deck_id, [card_id])


def recount_all(conn: sqlite3.Connection, profile: str) -> None:
    """Count the profile's whole log again (inside the caller's transaction)."""
    for table in ("review_counts", "seen_cards"):
        conn.execute(f"DELETE FROM {table} WHERE profile = ?", (profile,))
    conn.execute(_COUNT_DAYS.format(where="profile = ?"), (profile,))
    conn.execute(_COUNT_SEEN.format(where="profile = ?"), (profile,))


@dataclass
class Touched:
    """What rows added in bulk (a merge) may have changed in the counts: the days and
    cards of the rows, and the ids their undo rows cancel (maybe on other days)."""

    days: set[str] = field(default_factory=set)
    cards: set[tuple[str, str]] = field(default_factory=set)
    cancelled: set[str] = field(default_factory=set)

    def note(self, deck_id: str, card_id: str, study_day: str, cancels: str | None) -> None:
        self.days.add(study_day)
        self.cards.add((deck_id, card_id))
        if cancels is not None:
            self.cancelled.add(cancels)

    def note_merge_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows as ``Store.merge_rows`` takes them (``MERGE_FIELDS`` order)."""
        for row in rows:
            self.note(row[1], row[2], row[4], row[10])


def with_cancelled(conn: sqlite3.Connection, profile: str, touched: Touched) -> Touched:
    """``touched`` with the days and cards of the rows its undo rows cancel."""
    days, cards = set(touched.days), set(touched.cards)
    cancelled = sorted(touched.cancelled)
    for start in range(0, len(cancelled), _CHUNK):
        chunk = cancelled[start : start + _CHUNK]
        # '+profile': with more than a few dozen ids SQLite took the card index on
        # profile alone, a walk over the whole log for every chunk (quadratic: 3.9 s
        # at 200k rows, most of a 1M-row import's 327 s of CPU); by id it is a seek each.
        for day, deck_id, card_id in conn.execute(
            "SELECT study_day, deck_id, card_id FROM reviews WHERE +profile = ? "
            f"AND id IN ({', '.join('?' * len(chunk))})",
            (profile, *chunk),
        ):
            days.add(day)
            cards.add((deck_id, card_id))
    return Touched(days, cards, set())


def recount_days(conn: sqlite3.Connection, profile: str, days: Sequence[str]) -> None:
    """Count these study days of the profile again from the log (its day index bounds
    the read), inside the caller's transaction."""
    for start in range(0, len(days), _CHUNK):
        chunk = days[start : start + _CHUNK]
        where = f"profile = ? AND study_day IN ({', '.join('?' * len(chunk))})"
        conn.execute(f"DELETE FROM review_counts WHERE {where}", (profile, *chunk))
        conn.execute(_COUNT_DAYS.format(where=where), (profile, *chunk))


def recount_seen(
    conn: sqlite3.Connection, profile: str, deck_id: str, card_ids: Sequence[str]
) -> None:
    """Whether each of these cards of one deck is seen, again from its own rows."""
    for start in range(0, len(card_ids), _CHUNK):
        chunk = card_ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        where = f"profile = ? AND deck_id = ? AND card_id IN ({marks})"
        args = (profile, deck_id, *chunk)
        conn.execute(f"DELETE FROM seen_cards WHERE {where}", args)
        conn.execute(_COUNT_SEEN.format(where=where), args)
