"""The day's queue read from the indexes, not built over every card (issue 18).

The queue (DESIGN §6) is at most ``reviews_per_day`` due cards and ``new_per_day``
new ones, whatever the size of the collection. So instead of a due date per card and
a sort of them all, the due cards are read oldest first along the state table's
(profile, due) index until the reviews' room is full, and each deck's new cards are
the first ids of its index without a state, found by one scan of the ids as a string
split and one set of the reviewed ids: no CardRef is made but for the cards queued.
``plan_over_every_card`` in ``dlcards.study.queue`` is the same queue built the
straightforward way (it serves the interview-date goal, which moves due dates).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import filterfalse, islice

from dlcards.collection import CardRef, Collection
from dlcards.loaded_deck import Deck
from dlcards.store import Store

Key = tuple[str, str]  # (deck id, card id)
_BATCH = 128  # due rows resolved to refs per cache query


def selected_decks(collection: Collection, deck_ids: Sequence[str]) -> list[Deck]:
    wanted = set(deck_ids)
    return [d for d in collection.decks if not wanted or d.id in wanted]


def due_cards(
    store: Store,
    profile: str,
    today: date,
    decks: Sequence[Deck],
    tags: Sequence[str],
    buried: set[Key],
    room: int,
) -> list[CardRef]:
    """Up to ``room`` of the selected cards due by ``today``, not buried: oldest due
    first, ties by deck (in ``decks`` order), then by position in the deck."""
    if room <= 0 or not decks:
        return []
    by_id = {d.id: (rank, d) for rank, d in enumerate(decks)}
    wanted = set(tags)
    rows = store.due_in_order(profile, today, list(by_id))
    taken: list[tuple[str, int, int, CardRef]] = []
    boundary: str | None = None  # the due of the room-th card: its ties are read too
    for batch in _batches(rows):
        if boundary is not None and batch[0][2] > boundary:
            break
        refs = _refs_of(batch, by_id)
        for deck_id, card_id, due in batch:
            if boundary is not None and due > boundary:
                break
            ref = refs.get((deck_id, card_id))
            if ref is None or (deck_id, card_id) in buried or not wanted.issubset(ref.tags):
                continue  # a state left by a card since deleted, or one not selected
            taken.append((due, by_id[deck_id][0], ref.ordinal, ref))
            if boundary is None and len(taken) == room:
                boundary = due
    taken.sort()  # (due, deck rank, position) is unique: refs are never compared
    return [t[3] for t in taken[:room]]


def _batches(rows: Iterator[tuple[str, str, str]]) -> Iterator[list[tuple[str, str, str]]]:
    while batch := list(islice(rows, _BATCH)):
        yield batch


def _refs_of(
    batch: list[tuple[str, str, str]], decks: dict[str, tuple[int, Deck]]
) -> dict[Key, CardRef]:
    by_deck: dict[str, list[str]] = {}
    for deck_id, card_id, _ in batch:
        by_deck.setdefault(deck_id, []).append(card_id)
    found: dict[Key, CardRef] = {}
    for deck_id, card_ids in by_deck.items():
        deck = decks[deck_id][1]
        for card_id, ref in deck.refs_by_id(card_ids).items():
            found[(deck_id, card_id)] = ref
    return found


def new_cards_by_deck(
    store: Store,
    profile: str,
    decks: Sequence[Deck],
    tags: Sequence[str],
    buried: set[Key],
    room: int,
) -> list[list[CardRef]]:
    """Per selected deck with any, its first ``room`` cards never reviewed and not
    buried, in deck order (what the round robin takes from)."""
    if room <= 0:
        return []
    groups = []
    for deck in decks:
        reviewed = store.reviewed_ids(profile, deck.id)
        if tags:  # a tag filter needs every card's tags: the index is decoded
            wanted = set(tags)
            refs = [
                r
                for r in deck.cards
                if wanted.issubset(r.tags) and r.card_id not in reviewed and r.key not in buried
            ]
            found = refs[:room]
        else:
            new_ids = _first_new(deck.card_ids(), deck.id, reviewed, buried, room)
            by_id = deck.refs_by_id(new_ids)
            found = [by_id[card_id] for card_id in new_ids]
        if found:
            groups.append(found)
    return groups


def _first_new(
    ids: list[str], deck_id: str, reviewed: set[str], buried: set[Key], room: int
) -> list[str]:
    """The first ``room`` ids neither reviewed nor buried, in deck order. The reviewed
    test runs in C (filterfalse): at 100k cards the new ones often start halfway."""
    found: list[str] = []
    for card_id in filterfalse(reviewed.__contains__, ids):
        if not buried or (deck_id, card_id) not in buried:
            found.append(card_id)
            if len(found) == room:
                break
    return found


def next_due_day(
    store: Store,
    profile: str,
    today: date,
    decks: Sequence[Deck],
    tags: Sequence[str],
    suspended: set[Key],
) -> str | None:
    """The earliest due date after ``today`` of a selected card that is not suspended
    (as text), read along the due index: the first such row is usually the first."""
    if not decks:
        return None
    by_id = {d.id: (rank, d) for rank, d in enumerate(decks)}
    wanted = set(tags)
    rows = store.due_in_order(profile, today, list(by_id), after=True)
    for batch in _batches(rows):
        refs = _refs_of(batch, by_id)
        for deck_id, card_id, due in batch:
            ref = refs.get((deck_id, card_id))
            if ref is not None and (deck_id, card_id) not in suspended:
                if wanted.issubset(ref.tags):
                    return due
    return None


def refs_of_selected(
    collection: Collection, keys: Sequence[Key], deck_ids: Sequence[str], tags: Sequence[str]
) -> dict[Key, CardRef]:
    """The refs these cards have in the collection now, of those the selection (decks,
    tags) still takes: one cache query per deck."""
    by_deck: dict[str, list[str]] = {}
    for deck_id, card_id in keys:
        by_deck.setdefault(deck_id, []).append(card_id)
    fresh: dict[Key, CardRef] = {}
    for deck_id, card_ids in by_deck.items():
        deck = collection.deck(deck_id)
        if deck is None or (deck_ids and deck_id not in deck_ids):
            continue
        for ref in deck.refs_by_id(card_ids).values():
            if set(tags).issubset(ref.tags):
                fresh[ref.key] = ref
    return fresh
