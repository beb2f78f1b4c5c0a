"""The progress store (DESIGN §5): an append-only review log in SQLite and its state cache.

``Store`` is the whole of it, built in layers, one module each:
``dlcards.store_schema`` (connection, schema, migrations), ``dlcards.store_log``
(appending and reading rows), ``dlcards.store_merge`` (another machine's log);
this module adds profiles, burying and the card states read in bulk.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date
from typing import Any, NamedTuple

from dlcards import store_counts
from dlcards.log import CardState, StateRow, canonical_due, replay, safe_day, state_from_row
from dlcards.scheduler import MAX_INTERVAL, MIN_EASINESS
from dlcards.store_merge import LogMerge

# What every view calls "reviews" (DESIGN §7), and re-drills apart: one definition, in
# store_counts, which keeps their running counts.
REVIEW_ROWS = store_counts.REVIEW_ROWS
DRILL_ROWS = store_counts.DRILL_ROWS


# A card due by :today, its due compared as text: exact for every due date that
# ``canonical_due`` accepts (a deck holding any other is read row by row instead).
_DUE_BY_TODAY = "due > '' AND due <= :today"


class ReviewedIds(NamedTuple):
    """A deck's reviewed cards in the state cache, and which of them are due."""

    reviewed: set[str]
    due: set[str]


class ReviewedCount(NamedTuple):
    """A deck's reviewed cards in the state cache, and how many of them are due."""

    ids: set[str]
    due: int


class Store(LogMerge):
    """The SQLite progress database of one ``<home>``."""

    # --- profiles --------------------------------------------------------------

    def profiles(self) -> list[tuple[str, int, str | None]]:
        """(name, reviews as REVIEW_ROWS counts them, last study day with one) for every
        profile, from the running counts (a row per study day and deck, not the log)."""
        return self.conn.execute(
            "SELECT p.name, coalesce(sum(c.reviews), 0), "
            "max(CASE WHEN c.reviews > 0 THEN c.study_day END) FROM profiles p "
            "LEFT JOIN review_counts c ON c.profile = p.name GROUP BY p.name ORDER BY p.name"
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
        ("review_counts", "profile"),
        ("seen_cards", "profile"),
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
            count = int(
                self.conn.execute(
                    "SELECT count(*) FROM reviews WHERE profile = ?", (name,)
                ).fetchone()[0]
            )
            for table, column in self._PROFILE_TABLES:
                self.conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))
        return count

    # --- card states ------------------------------------------------------------

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

    def due_in_order(
        self, profile: str, today: date, deck_ids: Collection[str] = (), *, after: bool = False
    ) -> Iterator[tuple[str, str, str]]:
        """(deck_id, card_id, due) of the cards due by ``today`` (or, ``after``, due after
        it), oldest due first, read lazily along the (profile, due) index: the day's
        queue stops after its reviews, so it reads a few hundred rows at any size of
        collection. Due as the queue has always compared it: as text, so an empty due
        comes first."""
        where, args = "", [profile, today.isoformat()]
        if deck_ids:
            where = f" AND deck_id IN ({', '.join('?' * len(deck_ids))})"
            args += list(deck_ids)
        return iter(
            self.conn.execute(
                "SELECT deck_id, card_id, due FROM card_state "
                f"WHERE profile = ? AND due {'>' if after else '<='} ?{where} ORDER BY due",
                args,
            )
        )

    def reviewed_ids(self, profile: str, deck_id: str) -> set[str]:
        """The ids of the deck's cards that the profile has a state for (not new)."""
        joined, unusual = self.conn.execute(
            "SELECT group_concat(card_id, char(10)), max(instr(card_id, char(10)) > 0) "
            "FROM card_state WHERE profile = ? AND deck_id = ?",
            (profile, deck_id),
        ).fetchone()
        if unusual:  # an id holding a newline (only a damaged cache has one): row by row
            return {
                str(r[0])
                for r in self.conn.execute(
                    "SELECT card_id FROM card_state WHERE profile = ? AND deck_id = ?",
                    (profile, deck_id),
                )
            }
        return set(joined.split("\n")) if isinstance(joined, str) else set()

    # Three reads of the state cache per deck, each for its own callers; all three take
    # "due" as the text comparison _DUE_BY_TODAY, and leave a deck whose due dates
    # ``canonical_due`` refuses (only a damaged cache has one) to a row-by-row read.

    def reviewed_by_deck(self, profile: str, today: date) -> dict[str, ReviewedIds]:
        """Per deck id: the ids of the profile's reviewed cards and of those due by
        ``today``, as sets. For set arithmetic against a deck's ids: Home's deck table
        and ``scheduler compare`` (through ``stats.deck_counts_from_ids``), and the
        exact fallback of ``count_decks`` and ``stats.summary``.

        One grouped query (``_reviewed_grouped``) whose ids SQLite joins into one string
        per deck, so a 100k-card collection costs no Python object per row read; a deck
        with a due date ``canonical_due`` refuses, or a stored card id holding a newline
        (no deck's id can), is read row by row through ``safe_day`` instead.
        """
        due_ids = f"group_concat(CASE WHEN {_DUE_BY_TODAY} THEN card_id END, char(10))"
        result: dict[str, ReviewedIds] = {}
        for deck_id, joined, due_joined in self._reviewed_grouped(profile, today, due_ids):
            if joined is None:
                result[deck_id] = self._reviewed_row_by_row(profile, deck_id, today)
                continue
            due = set(due_joined.split("\n")) if due_joined else set()
            result[deck_id] = ReviewedIds(set(joined.split("\n")), due)
        return result

    def reviewed_counts(self, profile: str, today: date) -> dict[str, ReviewedCount | None]:
        """Per deck id: the ids of the profile's reviewed cards and how many of them are
        due by ``today``, counted in SQL rather than listed: the same grouped query as
        ``reviewed_by_deck`` without a set of due ids (``dlcards decks`` and the study
        session's counts, through ``count_decks``). None for a deck that query cannot
        read exactly: ``reviewed_by_deck`` reads those (row by row)."""
        due_count = f"count(CASE WHEN {_DUE_BY_TODAY} THEN 1 END)"
        return {
            deck_id: None if joined is None else ReviewedCount(set(joined.split("\n")), due)
            for deck_id, joined, due in self._reviewed_grouped(profile, today, due_count)
        }

    def _reviewed_grouped(
        self, profile: str, today: date, due_column: str
    ) -> Iterator[tuple[str, str | None, Any]]:
        """(deck id, its reviewed ids joined by newlines, ``due_column``) per deck of the
        profile's cache, from one grouped query over it; the ids are None for a deck
        the query cannot read exactly (an id with a newline, a due date that
        ``canonical_due`` refuses)."""
        odd = self._odd_due_decks(profile)
        for deck_id, joined, due, newline in self.conn.execute(
            f"SELECT deck_id, group_concat(card_id, char(10)), {due_column}, "
            "max(instr(card_id, char(10)) > 0) "
            "FROM card_state WHERE profile = :profile GROUP BY deck_id",
            {"profile": profile, "today": today.isoformat()},
        ):
            exact = not newline and isinstance(joined, str) and deck_id not in odd
            yield str(deck_id), joined if exact else None, due

    def _odd_dues(self, profile: str) -> list[object]:
        """The due dates in the profile's cache that ``canonical_due`` refuses (none but
        in a damaged file): its distinct values read from the due index (a few thousand
        at most) and checked in Python, where SQLite's date() on every row of 100k
        cost more than the grouped query itself."""
        return [
            due
            for (due,) in self.conn.execute(
                "SELECT DISTINCT due FROM card_state WHERE profile = ?", (profile,)
            )
            if due != "" and not canonical_due(due)
        ]

    def _odd_due_decks(self, profile: str) -> set[str]:
        """The decks holding one of ``_odd_dues`` (none but in a damaged file)."""
        odd, decks = self._odd_dues(profile), set[str]()
        for start in range(0, len(odd), 500):
            chunk = odd[start : start + 500]
            decks.update(
                str(deck_id)
                for (deck_id,) in self.conn.execute(
                    "SELECT DISTINCT deck_id FROM card_state WHERE profile = ? "
                    f"AND due IN ({', '.join('?' * len(chunk))})",
                    (profile, *chunk),
                )
            )
        return decks

    def plain_state_cache(self, profile: str) -> bool:
        """Whether every cached state of the profile is as dlcards writes it: integers
        in SM-2's bounds, a canonical due date (or none), an id without a newline. Then
        SQL over the cache reads what ``state_from_row`` would, with nothing clamped
        (only a damaged file holds anything else)."""
        odd = self.conn.execute(
            "SELECT 1 FROM card_state WHERE profile = ? AND NOT ("
            "instr(card_id, char(10)) = 0 "
            "AND typeof(repetitions) = 'integer' AND repetitions >= 0 "
            "AND typeof(easiness) = 'integer' AND easiness >= ? "
            "AND typeof(interval) = 'integer' AND interval BETWEEN 0 AND ? "
            "AND typeof(lapses) = 'integer' AND lapses >= 0 "
            "AND typeof(reviews) = 'integer' AND reviews >= 0) LIMIT 1",
            (profile, MIN_EASINESS, MAX_INTERVAL),
        ).fetchone()
        return odd is None and not self._odd_dues(profile)

    def due_ids_by_deck(self, profile: str, today: date) -> dict[str, list[str]] | None:
        """Per deck id, the ids of the profile's cards due by ``today``, suspended or
        not, for ``stats``'s "due today". Apart from the grouped query on purpose: it
        reads only the due cards, along the (profile, due) index, where that query
        reads every reviewed card. None when the cache holds a due date or an id that
        text cannot compare or split exactly (a damaged file: ``reviewed_by_deck``
        reads it then)."""
        if self._odd_dues(profile):
            return None
        result: dict[str, list[str]] = {}
        for deck_id, count, joined in self.conn.execute(
            "SELECT deck_id, count(*), group_concat(card_id, char(10)) "
            "FROM card_state INDEXED BY card_state_by_due "
            f"WHERE profile = :profile AND {_DUE_BY_TODAY} GROUP BY deck_id",
            {"profile": profile, "today": today.isoformat()},
        ):
            ids = joined.split("\n") if isinstance(joined, str) else []
            if len(ids) != count:  # an id with a newline in it (no deck's id can have one)
                return None
            result[str(deck_id)] = ids
        return result

    def _reviewed_row_by_row(self, profile: str, deck_id: object, today: date) -> ReviewedIds:
        rows = self.conn.execute(
            "SELECT card_id, due FROM card_state WHERE profile = ? AND deck_id = ?",
            (profile, deck_id),
        ).fetchall()
        due = set()
        for card_id, text in rows:
            day = safe_day(text) if text else None
            if day is not None and day <= today:
                due.add(str(card_id))
        return ReviewedIds({str(card_id) for card_id, _ in rows}, due)

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

    def state_table(
        self, profile: str, keys: Iterable[tuple[str, str]] | None = None
    ) -> dict[tuple[str, str], StateRow]:
        """Raw states for listing many cards, per reviewed card (of ``keys``, or all) —
        named tuples, not objects: ten times faster than ``states`` at 100k cards."""
        sql = (
            "SELECT deck_id, card_id, repetitions, easiness, interval, due, lapses, reviews "
            "FROM card_state WHERE profile = ?"
        )
        if keys is None:
            return {(r[0], r[1]): StateRow(*r[2:]) for r in self.conn.execute(sql, (profile,))}
        by_deck: dict[str, list[str]] = {}
        for deck_id, card_id in keys:
            by_deck.setdefault(deck_id, []).append(card_id)
        result: dict[tuple[str, str], StateRow] = {}
        for deck_id, cards in by_deck.items():
            for start in range(0, len(cards), 500):
                chunk = cards[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for r in self.conn.execute(
                    f"{sql} AND deck_id = ? AND card_id IN ({marks})", (profile, deck_id, *chunk)
                ):
                    result[(r[0], r[1])] = StateRow(*r[2:])
        return result

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild_states(self, profile: str) -> None:
        """Replace the profile's state cache with a replay of its log (and its running
        counts with a recount).

        Resets are replayed like reviews (the card becomes new). Suspensions need no
        rebuilding: they are read from the log's own index (see ``suspended``).
        """
        with self.transaction():
            states = replay(self.rows(profile), self.fsrs_for(profile))
            self.conn.execute("DELETE FROM card_state WHERE profile = ?", (profile,))
            for (deck_id, card_id), state in states.items():
                self._write_state(profile, deck_id, card_id, state)
            store_counts.recount_all(self.conn, profile)

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
