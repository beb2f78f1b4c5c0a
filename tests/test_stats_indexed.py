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


@settings(max_examples=examples(200, 40), deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(0, 3),
            st.sampled_from(["grade", "suspend", "unsuspend", "reset"]),
            st.integers(0, 5),
        ),
        max_size=30,
    ),
    ahead=st.integers(0, 20),
)
def test_deck_counts_from_due_dates_equal_those_from_states(
    collection: Collection, events: list[tuple[int, int, str, int]], ahead: int
) -> None:
    from dlcards.stats import deck_counts, deck_counts_by_due

    store = Store.open(None)
    for n, (back, card, action, grade) in enumerate(sorted(events, key=lambda e: -e[0])):
        day = TODAY - timedelta(days=back)
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(minutes=n)
        if action == "grade":
            store.record("me", *CARDS[card], "review", grade, moment, day)
        elif action == "suspend":
            store.suspend("me", *CARDS[card], moment, day)
        elif action == "unsuspend":
            store.unsuspend("me", *CARDS[card], moment, day)
        else:
            store.reset("me", *CARDS[card], moment, day)
    when = TODAY + timedelta(days=ahead)
    suspended = store.suspended("me")
    for hidden in ((), suspended):
        by_states = deck_counts(collection, store.states("me"), when, hidden)
        by_due = deck_counts_by_due(collection, store.due_dates("me"), when, hidden)
        assert by_due == by_states
