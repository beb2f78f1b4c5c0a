"""Each deck's cards, new and due counts for ``dlcards decks`` (issue 18): the due
cards counted in SQL, and each deck's ids only tested against its reviewed ids.

``stats.deck_counts_from_ids`` meets three sets per deck (its ids, the reviewed ids,
the due ids): at 100,000 cards, a set of every id and a list of every due id. Here
the due cards are a count from the grouped query, exact as long as every reviewed
id is one of the deck's; counting the deck's ids that are reviewed (one pass in C)
tells whether some state belongs to a card the deck no longer has. Only then, or
for a damaged due date, are the sets met as before.
"""

from __future__ import annotations

from collections.abc import Collection as Keys
from datetime import date

from dlcards.collection import Collection, Deck
from dlcards.stats import DeckCounts, deck_counts_from_ids
from dlcards.store import ReviewedCount, ReviewedIds, Store


def count_decks(
    store: Store,
    collection: Collection,
    profile: str,
    today: date,
    suspended: Keys[tuple[str, str]] = (),
) -> list[DeckCounts]:
    """What ``deck_counts_from_ids`` counts (suspended cards neither new nor due)."""
    counted = store.reviewed_counts(profile, today)
    paused_by_deck: dict[str, set[str]] = {}
    for deck_id, card_id in suspended:
        paused_by_deck.setdefault(deck_id, set()).add(card_id)
    exact: dict[str, ReviewedIds] | None = None  # the sets, read only if a deck needs them
    result = []
    for deck in collection.decks:
        paused = paused_by_deck.get(deck.id, set())
        entry = counted.get(deck.id, ReviewedCount(set(), 0))
        ids = deck.card_ids()
        learned = sum(map(entry.ids.__contains__, ids)) if entry else 0
        if entry is None or learned != len(entry.ids):
            # A damaged due date, or the state of a card the deck no longer has.
            if exact is None:
                exact = store.reviewed_by_deck(profile, today)
            keys = [(deck.id, card_id) for card_id in paused]
            result += deck_counts_from_ids(Collection([deck], []), exact, keys)
            continue
        mine = set(deck.refs_by_id(paused)) if paused else set()  # the deck's suspended
        due = entry.due - _due_among(store, profile, deck, mine & entry.ids, today)
        new = len(ids) - learned - len(mine - entry.ids)
        result.append(DeckCounts(deck, len(ids), new, due, learned))
    return result


def _due_among(store: Store, profile: str, deck: Deck, card_ids: set[str], today: date) -> int:
    """How many of these reviewed cards are due by ``today`` (the deck's due dates are
    all as dlcards writes them: compared as text, as the grouped query does)."""
    if not card_ids:
        return 0
    states = store.state_table(profile, [(deck.id, card_id) for card_id in card_ids])
    return sum(1 for s in states.values() if s.due and s.due <= today.isoformat())
