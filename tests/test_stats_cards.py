"""The Stats page's per-card figures read in SQL equal the per-card path (issue 18).

The forecast, cards by state (overall and per deck) and the hardest cards, from
``stats_cards.card_figures``, against ``stats.forecast``, ``stats.state_counts`` and
``stats.hardest`` over a CardState per card, for random logs on a real SQLite file, with
reviewed cards that the loaded decks no longer have and decks loaded from the parse
cache (their refs not decoded).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcards.collection import Collection, load_collection
from dlcards.deck_cache import DeckCache
from dlcards.stats import deck_counts, summary
from dlcards.stats_cards import card_figures
from dlcards.store import Store
from dlcards.views import stats_view

from .conftest import write_deck

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY0 = date(2026, 3, 1)
TODAY = DAY0 + timedelta(days=40)


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder: Path = tmp_path_factory.mktemp("decks")
    write_deck(folder, "aa", 4)
    write_deck(folder, "bb", 3)
    cache = folder / "cache.sqlite3"
    load_collection(None, [folder], DeckCache(cache))
    return folder, cache


def _cached(decks: tuple[Path, Path]) -> Collection:
    folder, cache = decks
    return load_collection(None, [folder], DeckCache(cache))


def _figures_match(store: Store, collection: Collection, deck_ids: tuple[str, ...]) -> None:
    fast = card_figures(store, collection, "me", TODAY, deck_ids, 30, 10)
    assert fast is not None
    slow = stats_view._figures_card_by_card(store, collection, "me", TODAY, deck_ids)
    assert fast.forecast == slow.forecast
    assert fast.states == slow.states
    assert fast.by_deck == slow.by_deck
    assert [(r.key, s) for r, s in fast.hardest] == [(r.key, s) for r, s in slow.hardest]
    # A ref built from the index's ordinal reads the same card as the deck's own ref.
    assert [stats_view.card_title(collection, r) for r, _ in fast.hardest] == [
        stats_view.card_title(collection, r) for r, _ in slow.hardest
    ]
    # stats --json's due_today (the due index and id sets) against a state per card.
    states = store.states("me")
    due = sum(
        c.due
        for c in deck_counts(collection, states, TODAY)
        if not deck_ids or c.deck.id in deck_ids
    )
    assert summary(store, collection, "me", TODAY, deck_ids)["due_today"] == due


# (deck, card number, grade, study day): c5 and deck zz are not in the loaded decks.
_GRADES = st.lists(
    st.tuples(
        st.sampled_from(["aa", "bb", "zz"]),
        st.integers(1, 5),
        st.integers(0, 5),
        st.integers(0, 40),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GRADES)
def test_figures_from_sql_equal_the_per_card_path(
    decks: tuple[Path, Path], grades: list[tuple[str, int, int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "progress.sqlite3")
        for i, (deck, card, grade, day) in enumerate(sorted(grades, key=lambda g: g[3])):
            moment = T0 + timedelta(days=day, minutes=i)
            store.record("me", deck, f"c{card}", "review", grade, moment, DAY0 + timedelta(day))
        for deck_ids in ((), ("aa",), ("aa", "bb")):
            _figures_match(store, _cached(decks), deck_ids)
        store.close()


def test_a_damaged_cache_takes_the_per_card_path(decks: tuple[Path, Path], tmp_path: Path) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    for i in range(1, 5):
        store.record("me", "aa", f"c{i}", "review", 4, T0 + timedelta(minutes=i), DAY0)
    collection = _cached(decks)
    assert card_figures(store, collection, "me", TODAY, (), 30, 10) is not None
    # An easiness below SM-2's minimum (and an interval that is text) are clamped when
    # read: SQL over the raw values could order or count them differently.
    store.conn.execute("UPDATE card_state SET easiness = 50 WHERE card_id = 'c2'")
    store.conn.execute("UPDATE card_state SET interval = 'long' WHERE card_id = 'c3'")
    assert card_figures(store, collection, "me", TODAY, (), 30, 10) is None
    # A due date that is no day of the calendar is no due date (state_from_row reads it
    # so): stats --json's due index is not used then, and c4 is not counted.
    store.conn.execute("UPDATE card_state SET due = '2026-02-30' WHERE card_id = 'c4'")
    assert store.due_ids_by_deck("me", TODAY) is None
    assert summary(store, collection, "me", TODAY)["due_today"] == 3
    data = stats_view.gather(store, collection, "me", TODAY)
    assert data.hardest[0][0].startswith("Question 2 of aa")
    assert data.hardest[0][2].sm2.easiness_hundredths == 130
    cards = sum(len(deck.card_ids()) for deck in collection.decks)  # the shipped decks too
    assert data.states == {"new": cards - 4, "learning": 4, "mature": 0}
