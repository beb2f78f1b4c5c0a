"""The study session with suspended cards, resets and leeches."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dlcards.collection import load_collection
from dlcards.config import Settings
from dlcards.log import replay_log
from dlcards.stats import deck_counts
from dlcards.store import Store
from dlcards.study.session import StudySession

from .conftest import write_deck

T0 = datetime.fromisoformat("2026-03-01T09:00:00+00:00")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def setup(tmp_path: Path):
    folder = tmp_path / "decks"
    write_deck(folder, "aa", 4)
    collection = load_collection(None, [folder])
    store = Store.open(tmp_path / "progress.sqlite3")
    clock = Clock(T0)

    def session(**kwargs) -> StudySession:
        settings = kwargs.pop("settings", Settings(new_per_day=10))
        return StudySession(
            store, collection, "ann", settings, clock=clock, deck_ids=["aa"], **kwargs
        )

    return session, store, clock, collection


def walk(session: StudySession, grade: int) -> list[str]:
    seen = []
    while (item := session.next_card()) is not None and len(seen) < 50:
        seen.append(item.ref.card_id + ("*" if item.drill else ""))
        session.grade(item, grade)
    return seen


def test_a_suspended_card_is_never_shown(setup) -> None:
    session, store, clock, _ = setup
    store.suspend("ann", "aa", "c3", clock(), clock().date())  # from the CLI
    s = session()
    s.suspend(s.next_card())  # c1, from the session (the Review's s)
    assert walk(s, 4) == ["c2", "c4"]
    assert walk(session(), 4) == []
    clock.now += timedelta(days=30)  # due, but suspended: still not shown
    assert walk(session(), 4) == ["c2", "c4"]
    store.unsuspend("ann", "aa", "c1", clock(), clock().date())
    assert walk(session(), 4) == ["c1"]


def test_a_suspended_card_leaves_the_redrills(setup) -> None:
    session, store, clock, _ = setup
    s = session()
    item = s.next_card()
    s.grade(item, 1)  # c1 owes a re-drill today
    store.suspend("ann", "aa", "c1", clock(), clock().date())
    assert walk(session(), 4) == ["c2", "c3", "c4"]


def test_a_reset_card_is_new_again_and_owes_no_redrill(setup) -> None:
    session, store, clock, _ = setup
    s = session(settings=Settings(new_per_day=1))
    s.grade(s.next_card(), 1)  # c1 failed: a re-drill is due today
    store.reset("ann", "aa", "c1", clock(), clock().date())
    # Today's one new card was used; c1 is new again and comes tomorrow as new.
    assert walk(session(settings=Settings(new_per_day=1)), 4) == []
    clock.now += timedelta(days=1)
    item = session(settings=Settings(new_per_day=1)).next_card()
    assert item.ref.card_id == "c1" and item.is_new


def test_counts_leave_suspended_cards_out_of_new_and_due(setup) -> None:
    session, store, clock, collection = setup
    store.record("ann", "aa", "c1", "review", 4, clock(), clock().date())
    store.suspend("ann", "aa", "c1", clock(), clock().date())
    store.suspend("ann", "aa", "c2", clock(), clock().date())
    later = (clock() + timedelta(days=5)).date()
    [count] = [
        c
        for c in deck_counts(collection, store.states("ann"), later, store.suspended("ann"))
        if c.deck.id == "aa"
    ]
    assert (count.cards, count.new, count.due, count.learned) == (4, 2, 0, 1)


def lapse_until(session_factory, clock: Clock, lapses: int, *, settings: Settings) -> list:
    """One failed review a day (then its re-drill passed), ``lapses`` days in a row."""
    notes = []
    for _ in range(lapses):
        s = session_factory(settings=settings)
        item = s.next_card()
        assert item is not None and item.ref.card_id == "c1"
        s.grade(item, 1)
        notes.append((s.is_leech(item), s.last_leech))
        redrill = s.next_card()
        if redrill is not None and redrill.ref.card_id == "c1":
            s.grade(redrill, 4)
        clock.now += timedelta(days=1)
    return notes


def test_eight_lapses_make_a_leech_tagged_by_default(setup) -> None:
    session, store, clock, _ = setup
    settings = Settings(new_per_day=1)
    notes = lapse_until(session, clock, 8, settings=settings)
    assert [n[1] for n in notes] == [None] * 7 + ["tagged"]
    assert store.state("ann", "aa", "c1").lapses == 8
    assert store.suspended("ann") == {}  # leech_action "tag": still studied
    item = session(settings=settings).next_card()
    assert item.ref.card_id == "c1" and session(settings=settings).is_leech(item)


def test_with_leech_action_suspend_the_eighth_lapse_suspends_it(setup) -> None:
    session, store, clock, _ = setup
    settings = Settings(new_per_day=1, leech_action="suspend")
    notes = lapse_until(session, clock, 8, settings=settings)
    assert notes[-1][1] == "suspended"
    assert store.suspended("ann").keys() == {("aa", "c1")}
    assert [r.kind for r in store.rows("ann")][-2:] == ["review", "suspend"]
    # Not shown again (no re-drill either), and the log replays to the same caches.
    assert all(item != "c1" for item in walk(session(settings=settings), 4))
    replayed = replay_log(store.rows("ann"))
    assert replayed.suspended == store.suspended("ann")
    assert replayed.states == store.states("ann")


def test_undoing_the_grade_that_suspended_a_leech_unsuspends_it(setup) -> None:
    session, store, clock, _ = setup
    settings = Settings(new_per_day=1, leech_action="suspend", leech_threshold=2)
    lapse_until(session, clock, 1, settings=settings)
    s = session(settings=settings)
    item = s.next_card()
    s.grade(item, 0)
    assert s.last_leech == "suspended" and store.is_suspended("ann", "aa", "c1")
    back = s.undo()
    assert back.ref.card_id == "c1"
    assert not store.is_suspended("ann", "aa", "c1")
    assert store.state("ann", "aa", "c1").lapses == 1
