"""``stats`` retention and streak read by index (issue 18) equal their definitions
(DESIGN §7), computed here in Python from the whole log, for random logs with undos."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.collection import Collection, load_collection
from dlcards.stats import RETENTION_DAYS, summary
from dlcards.store import Store

from .conftest import examples, write_deck

TODAY = date(2026, 3, 1)
CARDS = [("aa", "c1"), ("aa", "c2"), ("bb", "c1"), ("bb", "c2")]
# (days before today, card, grade or -1 for "undo the last grade", kind)
EVENTS = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.integers(0, 3),
        st.integers(-1, 5),
        st.sampled_from(["review", "drill"]),
    ),
    max_size=40,
)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    """Decks aa and bb of two cards each: read-only, so loaded once for every example."""
    folder: Path = tmp_path_factory.mktemp("decks")
    write_deck(folder, "aa", 2)
    write_deck(folder, "bb", 2)
    return load_collection(None, [folder])


@pytest.fixture(scope="module")
def cached_decks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same decks and a parse cache holding them, filled once: each example then
    loads them from the cache, with every deck's card index still undecoded."""
    from dlcards.deck_cache import DeckCache

    folder: Path = tmp_path_factory.mktemp("cached")
    write_deck(folder, "aa", 2)
    write_deck(folder, "bb", 2)
    cache_path = folder / "cache.sqlite3"
    load_collection(None, [folder], DeckCache(cache_path))
    return folder, cache_path


def expected(store: Store, deck_ids: list[str]) -> tuple[float | None, int]:
    """Retention and streak by their definitions, from every row of the log."""
    rows = store.rows("me")
    cancelled = {r.cancels for r in rows if r.kind == "undo"}
    live = [r for r in rows if r.id not in cancelled and (not deck_ids or r.deck_id in deck_ids)]
    start = (TODAY - timedelta(days=RETENTION_DAYS - 1)).isoformat()
    seen: set[tuple[str, str]] = set()
    passed = counted = 0
    for row in live:  # rows() is in (ts, id) order
        if row.kind != "review":
            continue
        key = (row.deck_id, row.card_id)
        if key in seen and start <= row.study_day <= TODAY.isoformat():
            counted += 1
            passed += (row.grade or 0) >= 3
        seen.add(key)
    days = {r.study_day for r in live if r.kind in ("review", "drill")}
    day = TODAY if TODAY.isoformat() in days else TODAY - timedelta(days=1)
    streak = 0
    while day.isoformat() in days:
        streak, day = streak + 1, day - timedelta(days=1)
    return (passed / counted if counted else None), streak


@settings(max_examples=examples(300, 60), deadline=None)
@given(events=EVENTS, deck_ids=st.sampled_from([[], ["aa"], ["bb"]]))
def test_retention_and_streak_match_their_definitions(
    collection: Collection, events: list[tuple[int, int, int, str]], deck_ids: list[str]
) -> None:
    store = Store.open(None)
    last: list[str] = []
    for n, (back, card, grade, kind) in enumerate(sorted(events, key=lambda e: -e[0])):
        day = TODAY - timedelta(days=back)
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(minutes=n)
        if grade < 0:
            if last:
                store.undo("me", last.pop(), moment, day)
            continue
        last.append(store.record("me", *CARDS[card], kind, grade, moment, day).id)  # type: ignore[arg-type]
    got = summary(store, collection, "me", TODAY, deck_ids)
    retention, streak = expected(store, deck_ids)
    assert got["retention"] == retention
    assert got["streak_days"] == streak


# Cards of the loaded decks, one card the deck "aa" no longer has (c9) and one of a
# deck that is not loaded (zz): their states stay in the cache and must count nowhere.
COUNTED_CARDS = [*CARDS, ("aa", "c9"), ("zz", "c1")]


@settings(max_examples=examples(200, 40), deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(0, 5),
            st.sampled_from(["grade", "suspend", "unsuspend", "reset"]),
            st.integers(0, 5),
        ),
        max_size=30,
    ),
    ahead=st.integers(0, 20),
    deck_ids=st.sampled_from([[], ["aa"], ["bb"]]),
)
def test_deck_counts_from_ids_equal_those_from_states(
    tmp_path_factory: pytest.TempPathFactory,
    cached_decks: tuple[Path, Path],
    events: list[tuple[int, int, str, int]],
    ahead: int,
    deck_ids: list[str],
) -> None:
    """The grouped SQL of Store.reviewed_by_deck and the set arithmetic of
    deck_counts_from_ids give the counts deck_counts computes card by card from the
    states, on a real SQLite file, with decks read back from the parse cache."""
    from dlcards.deck_cache import DeckCache
    from dlcards.deck_counting import count_decks
    from dlcards.stats import deck_counts, deck_counts_from_ids

    folder, cache_path = cached_decks
    collection = load_collection(None, [folder], DeckCache(cache_path))
    assert not any(deck.cards_loaded for deck in collection.decks)  # ids from the cache
    store = Store.open(tmp_path_factory.mktemp("home") / "progress.sqlite3")
    for n, (back, card, action, grade) in enumerate(sorted(events, key=lambda e: -e[0])):
        day = TODAY - timedelta(days=back)
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(minutes=n)
        if action == "grade":
            store.record("me", *COUNTED_CARDS[card], "review", grade, moment, day)
        elif action == "suspend":
            store.suspend("me", *COUNTED_CARDS[card], moment, day)
        elif action == "unsuspend":
            store.unsuspend("me", *COUNTED_CARDS[card], moment, day)
        else:
            store.reset("me", *COUNTED_CARDS[card], moment, day)
    when = TODAY + timedelta(days=ahead)
    suspended = store.suspended("me")
    states = store.states("me")
    for hidden in ((), suspended):
        by_states = deck_counts(collection, states, when, hidden)
        by_ids = deck_counts_from_ids(collection, store.reviewed_by_deck("me", when), hidden)
        assert by_ids == by_states
        assert count_decks(store, collection, "me", when, hidden) == by_states  # dlcards decks
    # stats --json: every non-new card of the chosen decks due by then, suspended or not.
    due_today = sum(
        1
        for deck in collection.decks
        if not deck_ids or deck.id in deck_ids
        for ref in deck.cards
        if (s := states.get(ref.key)) is not None and s.sm2.due is not None and s.sm2.due <= when
    )
    assert summary(store, collection, "me", when, deck_ids)["due_today"] == due_today
    store.close()


def test_damaged_due_dates_and_ids_count_as_state_from_row_reads_them(tmp_path: Path) -> None:
    """A damaged state cache (a due that is no date, a date the calendar lacks, a
    number, a card id with a newline) is counted as the card-by-card reading of
    state_from_row counts it: due only when it is a real date on or before today."""
    from dlcards.deck_counting import count_decks
    from dlcards.stats import deck_counts, deck_counts_from_ids

    write_deck(tmp_path / "decks", "aa", 8)
    collection = load_collection(None, [tmp_path / "decks"])
    store = Store.open(tmp_path / "progress.sqlite3")
    dues: list[object] = [
        "2026-02-28",  # due
        "2026-03-01",  # due today
        "2026-03-02",  # tomorrow
        "2026-02-30",  # no such day (SQLite's date() would roll it over)
        "garbage",
        "",
        20260101,  # stored as the text 20260101, which Python reads as 2026-01-01: due
        "0000-01-01",  # before year 1: no date Python has
    ]
    with store.transaction() as conn:
        store.ensure_profile("me", datetime(2026, 3, 1, tzinfo=UTC))
        for n, due in enumerate(dues, start=1):
            conn.execute(
                "INSERT INTO card_state VALUES ('me', 'aa', ?, 1, 250, 1, ?, 0, 1)", (f"c{n}", due)
            )
        conn.execute("INSERT INTO card_state VALUES ('me', 'aa', 'c1\nc2', 1, 250, 1, '', 0, 1)")
    reviewed = store.reviewed_by_deck("me", TODAY)
    assert reviewed["aa"].due == {"c1", "c2", "c7"}
    assert deck_counts_from_ids(collection, reviewed) == deck_counts(
        collection, store.states("me"), TODAY
    )
    assert count_decks(store, collection, "me", TODAY) == deck_counts(
        collection, store.states("me"), TODAY
    )
    store.close()
