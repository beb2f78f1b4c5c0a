"""The Stats page's per-card figures (forecast, cards by state, hardest cards) read from
the state cache in SQL, with no CardState or CardRef per card (issue 18).

The same numbers as ``stats.forecast``, ``stats.state_counts`` and ``stats.hardest``
over the cards of the loaded decks: each deck's ids (from the parse cache's index) meet
the cache's ids as sets, in C. At 100k cards the per-card path built 50k states and
walked 100k refs in Python: seconds for the TUI's Stats screen. The 30-day forecast
reads only the due dates before its end, by the ``card_state_by_due`` index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dlcards.collection import CardRef, Collection, Deck
from dlcards.log import CardState, state_from_row
from dlcards.stats import MATURE_INTERVAL
from dlcards.store import Store


@dataclass(frozen=True)
class CardFigures:
    forecast: list[int]  # cards due on each of the next days, overdue counted today
    states: dict[str, int]  # new / learning / mature over every deck in scope
    by_deck: dict[str, dict[str, int]]  # the same per deck id, and its cards due by today
    hardest: list[tuple[CardRef, CardState]]


def _split(joined: object) -> list[str]:
    return joined.split("\n") if isinstance(joined, str) and joined else []


def card_figures(
    store: Store,
    collection: Collection,
    profile: str,
    today: date,
    deck_ids: Sequence[str],
    days: int,
    count: int,
) -> CardFigures | None:
    """The figures for the decks ``deck_ids`` (all when empty); None when the cache holds
    a value ``state_from_row`` would clamp (a damaged file): the per-card path then
    reads each state as it does."""
    if not store.plain_state_cache(profile):
        return None
    wanted = set(deck_ids) if deck_ids else None
    decks = [d for d in collection.decks if wanted is None or d.id in wanted]
    # Each deck's ids once: read from the parse cache's index, they are decoded per call.
    listed = {deck.id: deck.card_ids() for deck in decks}
    ids = {deck_id: set(card_ids) for deck_id, card_ids in listed.items()}
    conn = store.conn

    by_deck: dict[str, dict[str, int]] = {}
    reviewed: dict[str, tuple[list[str], list[str], list[str]]] = {
        str(deck_id): (_split(all_ids), _split(mature_ids), _split(due_ids))
        for deck_id, all_ids, mature_ids, due_ids in conn.execute(
            "SELECT deck_id, group_concat(card_id, char(10)), "
            "group_concat(CASE WHEN interval >= ? THEN card_id END, char(10)), "
            "group_concat(CASE WHEN due <> '' AND due <= ? THEN card_id END, char(10)) "
            "FROM card_state WHERE profile = ? GROUP BY deck_id",
            (MATURE_INTERVAL, today.isoformat(), profile),
        )
    }
    states = {"new": 0, "learning": 0, "mature": 0}
    for deck in decks:
        in_deck = ids[deck.id]
        seen, mature, due = reviewed.get(deck.id, ([], [], []))
        learned = len(in_deck.intersection(seen))
        ripe = len(in_deck.intersection(mature))
        # A deck's cards as stats.state_counts counts them: one per ref.
        counted = {"new": len(listed[deck.id]) - learned, "learning": learned - ripe}
        counted["mature"] = ripe
        for key, value in counted.items():
            states[key] += value
        # and its cards, and those due by today as stats.deck_counts counts them
        counted["due"] = len(in_deck.intersection(due))
        counted["cards"] = len(listed[deck.id])
        by_deck[deck.id] = counted

    forecast = [0] * days
    end = (today + timedelta(days=days)).isoformat()
    for deck_id, due, joined in conn.execute(
        "SELECT deck_id, due, group_concat(card_id, char(10)) FROM card_state "
        "WHERE profile = ? AND due <> '' AND due < ? GROUP BY deck_id, due",
        (profile, end),
    ):
        cards_here = ids.get(str(deck_id))
        if cards_here is None:
            continue
        offset = max(0, (date.fromisoformat(due) - today).days)
        forecast[offset] += sum(1 for card_id in _split(joined) if card_id in cards_here)

    return CardFigures(forecast, states, by_deck, _hardest(store, profile, decks, listed, count))


def _hardest(
    store: Store, profile: str, decks: list[Deck], listed: dict[str, list[str]], count: int
) -> list[tuple[CardRef, CardState]]:
    """stats.hardest's order (easiness, then most lapses, then the key), read sorted
    from the cache until ``count`` cards of the decks in scope are found."""
    found: list[tuple[CardRef, CardState]] = []
    if count <= 0:
        return found
    by_id = {deck.id: deck for deck in decks}
    # Each deck's card ids with their place in it (the ordinal a card's text is read by).
    ordinals = {deck_id: {c: i for i, c in enumerate(ids)} for deck_id, ids in listed.items()}
    for row in store.conn.execute(
        "SELECT deck_id, card_id, repetitions, easiness, interval, due, lapses, reviews "
        "FROM card_state WHERE profile = ? ORDER BY easiness, lapses DESC, deck_id, card_id",
        (profile,),
    ):
        deck_id, card_id = str(row[0]), str(row[1])
        place = ordinals.get(deck_id, {}).get(card_id)
        if place is None:
            continue
        found.append((_ref(by_id[deck_id], card_id, place), state_from_row(row[2:])))
        if len(found) == count:
            break
    return found


def _ref(deck: Deck, card_id: str, place: int) -> CardRef:
    """The card's ref: the deck's own when its index is decoded; else one built from the
    card's place in the index (its ordinal, what reading the card's text needs), without
    decoding 100k refs for a title."""
    if deck.cards_loaded:
        ref = deck.ref(card_id)
        if ref is not None:
            return ref
    return CardRef(deck.id, card_id, place, "", (), 0)
