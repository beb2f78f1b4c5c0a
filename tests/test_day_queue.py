"""The day's queue read from the indexes (issue 18) is the queue DESIGN §6 describes.

``plan_day`` no longer looks at every card: it reads the due cards along the state
table's due index and each deck's first new cards from its ids, and reads the refs
of just those from the parse cache. Here a straightforward builder, written from
DESIGN §6 alone (every selected card's due date, one sort, a round robin), is the
reference, on random small collections read back through the parse cache.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.collection import CardRef, Collection, load_collection
from dlcards.config import Settings
from dlcards.deck_cache import DeckCache
from dlcards.store import Store
from dlcards.study.queue import plan_day
from dlcards.study.session import StudySession

TODAY = date(2026, 3, 10)
PROFILE = "ann"
TAGS = ["x", "y"]
# Discovery order (by file name) is not the order of the ids, and the card ids are not
# in file order either: the state table's due index breaks ties by (deck id, card id),
# the queue by deck and position in the deck.
DECK_IDS = ["d3", "d1", "d2"]
CARD_IDS = ["k5", "k2", "k6", "k0", "k3", "k1", "k4"]
# Due dates around today, with ties (and an empty one, which sorts first as text).
DUES = ["", "2026-03-01", "2026-03-05", "2026-03-10", "2026-03-11", "2026-04-01"]


def write_decks(folder: Path, decks: list[list[list[str]]]) -> None:
    folder.mkdir()
    for n, (deck_id, cards) in enumerate(zip(DECK_IDS, decks, strict=False)):
        blocks = [f'[deck]\nid = "{deck_id}"\nname = "{deck_id}"\n']
        for card_id, tags in zip(CARD_IDS, cards, strict=False):
            quoted = ", ".join(f'"{t}"' for t in tags)
            blocks.append(
                f'[[cards]]\nid = "{card_id}"\nfront = "Q?"\nback = "A."\ntags = [{quoted}]\n'
            )
        (folder / f"{n}.toml").write_text("\n".join(blocks), "utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, DeckCache, Store]]:
    """One parse cache and one store for every example (each example empties the
    store and writes its decks to a folder of its own); no shipped decks."""
    root = tmp_path_factory.mktemp("day_queue")
    (root / "none").mkdir()
    cache = DeckCache(root / "cache.sqlite3")
    store = Store.open(root / "progress.sqlite3")
    with mock.patch("dlcards.collection.shipped_decks_dir", return_value=root / "none"):
        yield root, cache, store
    store.close()
    cache.close()


_folders = itertools.count()


def reference_queue(
    collection: Collection,
    states: dict[tuple[str, str], str],
    hidden: set[tuple[str, str]],
    deck_ids: list[str],
    tags: list[str],
    reviews: int,
    new: int,
    limit: int | None,
) -> list[tuple[str, str]]:
    """DESIGN §6 over every card: due ones oldest first (ties by deck, then file
    order), capped at ``reviews``; then new ones one deck at a time, capped at ``new``."""
    selected: list[tuple[int, CardRef]] = []
    for rank, deck in enumerate(collection.decks):
        if deck_ids and deck.id not in deck_ids:
            continue
        selected += [(rank, r) for r in deck.cards if set(tags) <= set(r.tags)]
    due = sorted(
        (states[r.key], rank, r.ordinal, r.key)
        for rank, r in selected
        if r.key in states and states[r.key] <= TODAY.isoformat() and r.key not in hidden
    )
    queue = [t[3] for t in due][:reviews]
    fresh: dict[str, list[tuple[str, str]]] = {}
    for _, r in selected:
        if r.key not in states and r.key not in hidden:
            fresh.setdefault(r.deck_id, []).append(r.key)
    picked: list[tuple[str, str]] = []
    turn = 0
    while len(picked) < new and any(turn < len(keys) for keys in fresh.values()):
        for keys in fresh.values():
            if turn < len(keys) and len(picked) < new:
                picked.append(keys[turn])
        turn += 1
    queue += picked
    return queue if limit is None else queue[:limit]


card_tags = st.lists(st.sampled_from(TAGS), max_size=2, unique=True)
collections = st.lists(st.lists(card_tags, max_size=7), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(
    decks=collections,
    data=st.data(),
    reviews=st.integers(0, 6),
    new=st.integers(0, 6),
    limit=st.none() | st.integers(0, 8),
)
def test_the_indexed_queue_is_the_queue_built_over_every_card(
    world: tuple[Path, DeckCache, Store],
    decks: list[list[list[str]]],
    data: st.DataObject,
    reviews: int,
    new: int,
    limit: int | None,
) -> None:
    every = [
        (d, card_id)
        for d, cards in zip(DECK_IDS, decks, strict=False)
        for card_id in CARD_IDS[: len(cards)]
    ]
    # Some cards have a state (a due date), a few states belong to no card (deleted).
    keys = every + [("d1", "gone"), ("d9", "k0")]
    states = data.draw(st.dictionaries(st.sampled_from(keys), st.sampled_from(DUES)))
    buried = data.draw(st.sets(st.sampled_from(every))) if every else set()
    suspended = data.draw(st.sets(st.sampled_from(every))) if every else set()
    deck_ids = data.draw(st.lists(st.sampled_from(DECK_IDS[: len(decks)]), unique=True))
    tags = data.draw(st.lists(st.sampled_from(TAGS), max_size=1))
    root, cache, store = world
    folder = root / f"decks{next(_folders)}"
    write_decks(folder, decks)
    load_collection(None, [folder], cache)  # parsed into the cache
    collection = load_collection(None, [folder], cache)  # and read back from it
    with store.transaction() as conn:
        for table in ("card_state", "buried", "reviews"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany(
            "INSERT INTO card_state VALUES (?, ?, ?, 1, 250, 1, ?, 0, 1)",
            [(PROFILE, d, c, due) for (d, c), due in states.items()],
        )
    for deck_id, card_id in buried:
        store.bury(PROFILE, deck_id, card_id, TODAY)
    moment = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    for deck_id, card_id in suspended:
        store.suspend(PROFILE, deck_id, card_id, moment, TODAY)
    plan = plan_day(
        store,
        collection,
        PROFILE,
        Settings(new_per_day=new, reviews_per_day=reviews),
        TODAY,
        deck_ids,
        tags,
        limit,
    )
    if not tags:  # only a tag filter needs every card's tags
        assert not any(d.cards_loaded for d in collection.decks)
    expected = reference_queue(
        collection, states, buried | suspended, deck_ids, tags, reviews, new, limit
    )
    assert [r.key for r in plan.queue] == expected
    # Each queued card's ref is the one its deck's decoded index has.
    for ref in plan.queue:
        deck = collection.deck(ref.deck_id)
        assert deck is not None and deck.cards[ref.ordinal] == ref
    # A session's end counts, read from the indexes too: the next due day and the
    # cards due by tomorrow, over the selected cards that are not suspended.
    session = StudySession(
        store,
        load_collection(None, [folder], cache),
        PROFILE,
        Settings(new_per_day=new, reviews_per_day=reviews),
        clock=lambda: datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        deck_ids=deck_ids,
        tags=tags,
    )
    counted = [
        states[r.key]
        for deck in collection.decks
        if not deck_ids or deck.id in deck_ids
        for r in deck.cards
        if set(tags) <= set(r.tags) and states.get(r.key) and r.key not in suspended
    ]
    later = [d for d in counted if d > session.today.isoformat()]
    assert session.next_due() == (date.fromisoformat(min(later)) if later else None)
    tomorrow = date.fromordinal(session.today.toordinal() + 1).isoformat()
    assert session.summary().due_tomorrow == sum(1 for d in counted if d <= tomorrow)


def test_a_deck_re_parsed_since_it_was_loaded_gives_its_refs_from_its_own_index(
    tmp_path: Path,
) -> None:
    """The cache answers for the deck as it was loaded, or not at all: once another
    process has re-parsed the file (cards moved), the loaded deck's refs come from
    the index it was loaded with, not from rows that describe other positions."""
    folder = tmp_path / "decks"
    write_decks(folder, [[[], ["x"], []]])
    cache = DeckCache(tmp_path / "cache.sqlite3")
    load_collection(None, [folder], cache)
    deck = load_collection(None, [folder], cache).deck("d3")
    assert deck is not None
    # The second card: its [[cards]] line is the 11th (3 of header, a blank, 5 + a blank).
    second = CardRef("d3", "k2", 1, "basic", ("x",), 11)
    assert deck.refs_by_id(["k2", "nope"]) == {"k2": second}
    # The file rewritten with its cards in another order, and parsed again.
    (folder / "0.toml").write_text(
        '[deck]\nid = "d3"\nname = "d3"\n\n[[cards]]\nid = "k2"\nfront = "Q?"\nback = "A."\n',
        "utf-8",
    )
    assert load_collection(None, [folder], cache).deck("d3").refs_by_id(["k2"])["k2"].ordinal == 0
    assert not deck.cards_loaded
    assert deck.refs_by_id(["k2"])["k2"].ordinal == 1  # its own index, decoded
    assert deck.cards_loaded
    cache.close()
