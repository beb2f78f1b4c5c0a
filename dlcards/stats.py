"""Numbers about a profile's progress: deck counts, ``stats --json``, heatmap and forecast."""

from __future__ import annotations

from collections.abc import Collection as Keys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dlcards.collection import CardRef, Collection, Deck
from dlcards.log import CardState, safe_day
from dlcards.store import ReviewedIds, Store

MATURE_INTERVAL = 21
RETENTION_DAYS = 30


@dataclass(frozen=True)
class DeckCounts:
    deck: Deck
    cards: int
    new: int
    due: int
    learned: int  # reviewed at least once

    def as_json(self) -> dict:
        return {
            "id": self.deck.id,
            "name": self.deck.name,
            "path": str(self.deck.path.resolve()),
            "cards": self.cards,
            "new": self.new,
            "due": self.due,
        }


def deck_counts(
    collection: Collection,
    states: dict[tuple[str, str], CardState],
    today: date,
    suspended: Keys[tuple[str, str]] = (),
) -> list[DeckCounts]:
    """Per deck: cards, never-reviewed cards, non-new cards due today or overdue.

    Suspended cards count as cards (and learned) but never as new or due: they are
    not studied until unsuspended.
    """
    result = []
    for deck in collection.decks:
        new = due = learned = 0
        for ref in deck.cards:
            state = states.get(ref.key)
            learned += state is not None
            if suspended and ref.key in suspended:
                continue
            if state is None:
                new += 1
            elif state.sm2.due is not None and state.sm2.due <= today:
                due += 1
        result.append(DeckCounts(deck, len(deck.cards), new, due, learned))
    return result


def deck_counts_from_ids(
    collection: Collection,
    reviewed: dict[str, ReviewedIds],
    suspended: Keys[tuple[str, str]] = (),
) -> list[DeckCounts]:
    """``deck_counts`` from ``Store.reviewed_by_deck``: each deck's ids meet the reviewed
    and due ids as sets (in C), with no CardRef or state per card — at 100k cards that
    was most of ``dlcards decks``. Card ids are unique within a deck."""
    paused_by_deck: dict[str, set[str]] = {}
    for deck_id, card_id in suspended:
        paused_by_deck.setdefault(deck_id, set()).add(card_id)
    result = []
    for deck in collection.decks:
        ids = deck.card_ids()
        entry = reviewed.get(deck.id)
        paused = paused_by_deck.get(deck.id)
        if entry is None and not paused:
            result.append(DeckCounts(deck, len(ids), len(ids), 0, 0))
            continue
        in_deck = set(ids)
        learned_ids = in_deck.intersection(entry.reviewed) if entry else set()
        due_ids = in_deck.intersection(entry.due) if entry else set()
        paused_here = in_deck.intersection(paused) if paused else set()
        new = len(ids) - len(learned_ids) - len(paused_here - learned_ids)
        due = len(due_ids - paused_here)
        result.append(DeckCounts(deck, len(ids), new, due, len(learned_ids)))
    return result


def card_state_name(state: CardState | None) -> str:
    """new, learning (interval < 21 days) or mature."""
    if state is None:
        return "new"
    return "mature" if state.sm2.interval >= MATURE_INTERVAL else "learning"


def _deck_filter(deck_ids: Sequence[str]) -> tuple[str, dict]:
    if not deck_ids:
        return "", {}
    names = {f"d{i}": d for i, d in enumerate(deck_ids)}
    return f" AND deck_id IN ({', '.join(':' + n for n in names)})", names


def summary(
    store: Store,
    collection: Collection,
    profile: str,
    today: date,
    deck_ids: Sequence[str] = (),
) -> dict:
    """The object ``dlcards stats --json`` prints (DESIGN §7)."""
    where, names = _deck_filter(deck_ids)
    args = {"profile": profile, "today": today.isoformat(), **names}
    conn = store.conn
    # Totals from the running counts (store_counts: a row per study day and deck, kept
    # with every grade and undo), not a scan of the log: the same REVIEW_ROWS and
    # DRILL_ROWS, added up.
    total, today_count, drills_total, drills_today = conn.execute(
        "SELECT coalesce(sum(reviews), 0), coalesce(sum(reviews * (study_day = :today)), 0), "
        "coalesce(sum(redrills), 0), coalesce(sum(redrills * (study_day = :today)), 0) "
        f"FROM review_counts WHERE profile = :profile{where}",
        args,
    ).fetchone()
    seen = conn.execute(
        f"SELECT count(*) FROM seen_cards WHERE profile = :profile{where}", args
    ).fetchone()[0]
    start = (today - timedelta(days=RETENTION_DAYS - 1)).isoformat()
    window = {**args, "start": start}
    # Retention: the window's reviews graded >= 3 over its reviews, each card's first
    # review left out (seen_cards keeps which one it is, by the day it fell on).
    reviewed, passed = conn.execute(
        "SELECT coalesce(sum(reviews), 0), coalesce(sum(passed), 0) FROM review_counts "
        f"WHERE profile = :profile AND study_day BETWEEN :start AND :today{where}",
        window,
    ).fetchone()
    firsts, firsts_passed = conn.execute(
        "SELECT count(*), coalesce(sum(first_passed), 0) FROM seen_cards "
        f"WHERE profile = :profile AND first_day BETWEEN :start AND :today{where}",
        window,
    ).fetchone()
    counted, passed = reviewed - firsts, passed - firsts_passed
    study_days = {
        day
        for (day,) in conn.execute(
            f"SELECT DISTINCT study_day FROM review_counts WHERE profile = :profile{where}",
            args,
        )
    }
    # As DESIGN §7 defines it: every non-new card due today, suspended or not.
    wanted = set(deck_ids) if deck_ids else None
    due_ids = store.due_ids_by_deck(profile, today)
    if due_ids is None:  # a damaged cache: each due date read as state_from_row reads it
        due_today = sum(
            c.due
            for c in deck_counts_from_ids(collection, store.reviewed_by_deck(profile, today))
            if wanted is None or c.deck.id in wanted
        )
    else:
        due_today = sum(
            len(set(due_ids[deck.id]).intersection(deck.card_ids()))
            for deck in collection.decks
            if deck.id in due_ids and (wanted is None or deck.id in wanted)
        )
    return {
        "user": profile,
        "reviews_total": total,
        "reviews_today": today_count,
        "redrills_total": drills_total,
        "redrills_today": drills_today,
        "cards_seen": seen,
        "due_today": due_today,
        "retention": passed / counted if counted else None,
        "streak_days": streak(study_days, today),
        "scheduler": "sm2" if store.fsrs_for(profile) is None else "fsrs",
    }


def streak(study_days: set[str], today: date) -> int:
    """Consecutive study days ending today, or yesterday if nothing yet today."""
    day = today if today.isoformat() in study_days else today - timedelta(days=1)
    count = 0
    while day.isoformat() in study_days:
        count += 1
        day -= timedelta(days=1)
    return count


def reviews_per_day(
    store: Store,
    profile: str,
    first: date,
    last: date,
    deck_ids: Sequence[str] = (),
    *,
    redrills: bool = False,
) -> dict[date, int]:
    """Reviews (or, with ``redrills``, re-drills) per study day, for the calendar heatmap."""
    where, names = _deck_filter(deck_ids)
    column = "redrills" if redrills else "reviews"
    # From the running counts (store_counts), read by their (profile, study_day) key.
    rows = store.conn.execute(
        f"SELECT study_day, sum({column}) FROM review_counts WHERE profile = :profile{where} "
        f"AND study_day BETWEEN :first AND :last GROUP BY study_day HAVING sum({column}) > 0",
        {"profile": profile, "first": first.isoformat(), "last": last.isoformat(), **names},
    )
    # A study day that is not a date (a damaged row) is left out, not a crash.
    result: dict[date, int] = {}
    for day, count in rows:
        parsed = safe_day(day)
        if parsed is not None:
            result[parsed] = result.get(parsed, 0) + count
    return result


def forecast(
    states: dict[tuple[str, str], CardState], refs: Sequence[CardRef], today: date, days: int = 30
) -> list[int]:
    """Cards due on each of the next ``days`` days; overdue cards count for today."""
    counts = [0] * days
    for ref in refs:
        state = states.get(ref.key)
        if state is None or state.sm2.due is None:
            continue
        offset = max(0, (state.sm2.due - today).days)
        if offset < days:
            counts[offset] += 1
    return counts


def state_counts(
    states: dict[tuple[str, str], CardState], refs: Sequence[CardRef]
) -> dict[str, int]:
    counts = {"new": 0, "learning": 0, "mature": 0}
    for ref in refs:
        counts[card_state_name(states.get(ref.key))] += 1
    return counts


def hardest(
    states: dict[tuple[str, str], CardState], refs: Sequence[CardRef], count: int = 10
) -> list[tuple[CardRef, CardState]]:
    """The cards with the lowest easiness, then the most lapses."""
    seen = [(ref, s) for ref in refs if (s := states.get(ref.key)) is not None]
    seen.sort(key=lambda pair: (pair[1].sm2.easiness_hundredths, -pair[1].lapses, pair[0].key))
    return seen[:count]
