"""The study queue (DESIGN §6): order, daily limits, round-robin, re-drills, undo, bury."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dlcards.collection import load_collection
from dlcards.config import Settings
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
    write_deck(folder, "bb", 3, tags=["bee"])
    collection = load_collection(None, [folder])
    store = Store.open(tmp_path / "progress.sqlite3")
    clock = Clock(T0)

    def session(**kwargs) -> StudySession:
        settings = kwargs.pop("settings", Settings(new_per_day=5))
        kwargs.setdefault("deck_ids", ["aa", "bb"])
        return StudySession(store, collection, "ann", settings, clock=clock, **kwargs)

    return session, store, clock


def keys(session: StudySession, grade: int | None = None, count: int = 100) -> list[str]:
    """Walk the session, grading each card ``grade`` (or just peeking once if None)."""
    seen = []
    for _ in range(count):
        item = session.next_card()
        if item is None:
            break
        seen.append(f"{item.ref.deck_id}:{item.ref.card_id}{'*' if item.drill else ''}")
        if grade is None:
            break
        session.grade(item, grade)
    return seen


def test_new_cards_round_robin_across_decks_up_to_the_daily_limit(setup) -> None:
    session, _, _ = setup
    assert keys(session(), 5) == ["aa:c1", "bb:c1", "aa:c2", "bb:c2", "aa:c3"]


def test_the_daily_limit_is_counted_from_the_log_not_the_session(setup) -> None:
    session, _, clock = setup
    keys(session(limit=3), 5)
    # 3 + 2 = 5 new today; the round-robin starts again at the first deck
    assert keys(session(), 5) == ["aa:c3", "bb:c2"]
    clock.now += timedelta(days=1)
    nxt = keys(session(), 5)
    # tomorrow: the five graded yesterday are due first (oldest due first, then deck, then order)
    assert nxt[:5] == ["aa:c1", "aa:c2", "aa:c3", "bb:c1", "bb:c2"]
    assert nxt[5:] == ["aa:c4", "bb:c3"]


def test_due_cards_come_oldest_first_and_reviews_are_capped(setup) -> None:
    session, store, clock = setup
    day = clock.now
    for deck, card, back in [("bb", "c1", 3), ("aa", "c2", 2), ("aa", "c1", 2)]:
        clock.now = day - timedelta(days=back)
        store.record("ann", deck, card, "review", 4, clock.now, clock.now.date())
    clock.now = day + timedelta(days=1)
    settings = Settings(new_per_day=0, reviews_per_day=2)
    assert keys(session(settings=settings), 5) == ["bb:c1", "aa:c1"]


def test_redrills_follow_the_queue_until_graded_4(setup) -> None:
    session, _, _ = setup
    s = session(deck_ids=["bb"])
    first = s.next_card()
    s.grade(first, 2)
    second = s.next_card()
    s.grade(second, 3)
    third = s.next_card()
    s.grade(third, 5)
    order = []
    for grade in (1, 4, 4):
        item = s.next_card()
        order.append((item.ref.card_id, item.drill, item.kind))
        s.grade(item, grade)
    # c1 failed first, c2 second; c1 failed again goes to the back
    assert order == [("c1", True, "drill"), ("c2", True, "drill"), ("c1", True, "drill")]
    assert s.next_card() is None


def test_redrills_survive_a_restart_and_keep_the_schedule(setup) -> None:
    session, store, _ = setup
    one_new = Settings(new_per_day=1)
    s = session(deck_ids=["bb"], settings=one_new)
    item = s.next_card()
    s.grade(item, 1)
    state_after_review = store.state("ann", "bb", "c1")
    again = session(deck_ids=["bb"], settings=one_new)
    redrill = again.next_card()
    assert (redrill.ref.card_id, redrill.drill) == ("c1", True)
    again.grade(redrill, 4)
    assert store.state("ann", "bb", "c1") == state_after_review
    assert session(deck_ids=["bb"], settings=one_new).next_card() is None


def test_undo_cancels_the_last_grade_and_shows_the_card_again(setup) -> None:
    session, store, _ = setup
    s = session()
    item = s.next_card()
    s.grade(item, 5)
    on_screen = s.next_card()
    assert store.state("ann", "aa", "c1") is not None
    back = s.undo()
    assert back.ref.card_id == "c1" and s.next_card() is back
    assert store.state("ann", "aa", "c1") is None
    s.grade(back, 3)
    assert s.next_card().ref.key == on_screen.ref.key
    assert [r.kind for r in store.rows("ann")] == ["review", "undo", "review"]


def test_bury_removes_the_card_for_today_only(setup) -> None:
    session, _, clock = setup
    s = session(deck_ids=["bb"])
    s.bury(s.next_card())
    assert keys(s, 5) == ["bb:c2", "bb:c3"]
    assert "bb:c1" not in keys(session(deck_ids=["bb"]), 5)
    clock.now += timedelta(days=1)
    assert "bb:c1" in keys(session(deck_ids=["bb"]), 5)


def test_an_undone_card_shown_as_a_ui_shows_it_is_studied_once(setup) -> None:
    # The TUI shows what undo returns without asking next_card again.
    session, _, _ = setup
    s = session(deck_ids=["bb"])
    s.grade(s.next_card(), 4)
    s.next_card()  # c2 on screen
    s.grade(s.undo(), 4)  # c1 again, graded again
    assert s.remaining() == 2
    assert keys(s, 4) == ["bb:c2", "bb:c3"]


def test_undo_takes_back_a_bury_or_a_suspension_then_the_grade_before(setup) -> None:
    session, store, clock = setup
    s = session(deck_ids=["bb"])
    graded = s.next_card()
    s.grade(graded, 4)
    buried = s.next_card()
    s.bury(buried)
    suspended = s.next_card()
    s.suspend(suspended)
    assert store.suspended("ann").keys() == {("bb", "c3")}
    back = s.undo()  # the suspension: an unsuspend row, the card shown again
    assert (back.ref.card_id, s.last_undone) == ("c3", "suspend")
    assert s.next_card() is back and store.suspended("ann") == {}
    back = s.undo()  # the bury: lifted, the card before the one on screen
    assert (back.ref.card_id, s.last_undone) == ("c2", "bury")
    assert store.buried("ann", clock.now.date()) == set()
    back = s.undo()  # then the grade
    assert (back.ref.card_id, s.last_undone) == ("c1", "grade")
    assert store.state("ann", "bb", "c1") is None and s.undo() is None
    assert [r.kind for r in store.rows("ann")] == ["review", "suspend", "unsuspend", "undo"]
    assert keys(s, 4) == ["bb:c1", "bb:c2", "bb:c3"]  # all three are studied after all


def test_resetting_cards_reviewed_today_leaves_the_new_card_allowance(setup) -> None:
    session, store, clock = setup
    settings = Settings(new_per_day=2)
    assert keys(session(deck_ids=["aa"], settings=settings), 5) == ["aa:c1", "aa:c2"]
    clock.now += timedelta(days=1)
    # Day 2: only yesterday's two cards are reviewed, then both are reset.
    assert keys(session(deck_ids=["aa"], settings=settings, limit=2), 5) == ["aa:c1", "aa:c2"]
    for card in ("c1", "c2"):
        store.reset("ann", "aa", card, clock.now, clock.now.date())
    # No new card was introduced today: the allowance of two is whole.
    assert keys(session(deck_ids=["aa"], settings=settings), 5) == ["aa:c1", "aa:c2"]
    # Those two were new today (after their reset) and used it up.
    assert session(deck_ids=["aa"], settings=settings).remaining() == 0


def test_tags_filter_with_deck_tags(setup) -> None:
    session, _, _ = setup
    assert keys(session(deck_ids=[], tags=["bee"]), 5) == ["bb:c1", "bb:c2", "bb:c3"]


def test_progress_counts_include_redrills(setup) -> None:
    session, _, _ = setup
    s = session(deck_ids=["bb"])
    assert (s.done(), s.remaining()) == (0, 3)
    s.grade(s.next_card(), 2)
    assert (s.done(), s.remaining()) == (1, 3)  # two new left + one re-drill
    summary = s.summary()
    assert (summary.reviewed, summary.grades, summary.passed) == (1, 1, 0)
    assert summary.due_tomorrow == 1


def test_day_starts_at_four(setup) -> None:
    session, _, clock = setup
    clock.now = datetime.fromisoformat("2026-03-02T03:59:00+00:00")
    s = session()
    assert s.today.isoformat() == "2026-03-01"
    clock.now = datetime.fromisoformat("2026-03-02T04:00:00+00:00")
    assert session().today.isoformat() == "2026-03-02"
