"""The 30-day workload forecast of `scheduler compare` (issue 17): expected reviews a day.

Golden values come from hand computations and from an exact expectation written
here with SM-2's rules spelled out again and py-fsrs called directly.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards import workload_forecast
from dlcards.fsrs_scheduler import FsrsScheduler, Memory
from dlcards.scheduler import State
from dlcards.workload_forecast import fsrs_forecast, sm2_forecast, whole_days

TODAY = date(2026, 3, 2)
DAYS = 30


def sm2_card(repetitions: int, easiness: int, interval: int, due_in: int) -> State:
    return State(repetitions, easiness, interval, TODAY + timedelta(days=due_in))


@cache
def sm2_exact(repetitions: int, easiness: int, interval: int, last: int, day: int) -> tuple:
    """Exact expected reviews on each day from ``day`` on, for an SM-2 card last reviewed
    on ``last`` with this interval: recalled with 0.9^(t/I), then a 4 (I = 1, 6 or
    ⌈I·EF⌉, EF unchanged by a 4), else a 1 (I = 1, repetitions back to 0)."""
    days = [0.0] * DAYS
    if day >= DAYS:
        return tuple(days)
    days[day] = 1.0
    p = 0.9 ** ((day - last) / interval)
    if repetitions == 0:
        passed = 1
    elif repetitions == 1:
        passed = 6
    else:
        passed = math.ceil(interval * easiness / 100)
    for chance, after in (
        (p, sm2_exact(repetitions + 1, easiness, passed, day, day + passed)),
        (1 - p, sm2_exact(0, easiness, 1, day, day + 1)),
    ):
        days = [d + chance * a for d, a in zip(days, after, strict=True)]
    return tuple(days)


def sm2_new_exact(start: int) -> list[float]:
    """A card seen first on day ``start`` (graded 4: interval 1), then as above."""
    days = [0.0] * DAYS
    if start < DAYS:
        days[start] = 1.0
        days = [d + a for d, a in zip(days, sm2_exact(1, 250, 1, start, start + 1), strict=True)]
    return days


def test_a_card_due_near_the_end_by_hand() -> None:
    # Due on day 27: reviewed (1); failed with 0.1, back on day 28 (0.1); passed or
    # failed there, back on day 29 either way (I = 1 after a lapse's first pass too).
    forecast = sm2_forecast([sm2_card(2, 250, 6, 27)], TODAY)
    assert forecast.expected == pytest.approx([0.0] * 27 + [1.0, 0.1, 0.1], abs=1e-12)
    assert forecast.all_pass == [0.0] * 27 + [1.0, 0.0, 0.0]


def test_an_fsrs_card_due_near_the_end_against_py_fsrs() -> None:
    # Stability 5, last reviewed 5 days before day 28: py-fsrs predicts R = 0.9 there.
    memory = Memory(5.0, 5.0, TODAY + timedelta(days=23))
    engine = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    last = datetime.combine(memory.last_review, time(0), tzinfo=UTC)
    card = fsrs.Card(1, fsrs.State.Review, None, 5.0, 5.0, last, last)
    review = last + timedelta(days=5)
    p = engine.get_card_retrievability(card, review)
    failed, _ = engine.review_card(card, fsrs.Rating.Again, review)
    passed, _ = engine.review_card(card, fsrs.Rating.Good, review)
    assert (failed.due - review).days == 1 and (passed.due - review).days > 2
    forecast = fsrs_forecast(FsrsScheduler(), [(memory, TODAY + timedelta(days=28))], TODAY)
    assert forecast.expected == pytest.approx([0.0] * 28 + [1.0, 1 - p], abs=1e-9)
    assert math.isclose(p, 0.9, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("repetitions", "easiness", "interval", "due_in"),
    [(2, 250, 6, 0), (0, 250, 1, 1), (3, 180, 15, -4), (5, 130, 3, 2), (4, 300, 40, 10)],
)
def test_sm2_unpruned_equals_the_exact_expectation(
    monkeypatch: pytest.MonkeyPatch, repetitions: int, easiness: int, interval: int, due_in: int
) -> None:
    monkeypatch.setattr(workload_forecast, "PRUNE", 0.0)
    card = sm2_card(repetitions, easiness, interval, due_in)
    forecast = sm2_forecast([card], TODAY, new_cards=3, new_per_day=2)
    last = due_in - interval
    exact = list(sm2_exact(repetitions, easiness, interval, last, max(due_in, 0)))
    for start in (0, 0, 1):  # two new cards on day 0, the third on day 1
        exact = [e + n for e, n in zip(exact, sm2_new_exact(start), strict=True)]
    assert forecast.expected == pytest.approx(exact, abs=1e-9)


def test_pruning_stays_between_all_pass_and_the_exact_expectation() -> None:
    card = sm2_card(0, 250, 1, 0)  # failed yesterday: the bushiest tree
    pruned = sum(sm2_forecast([card], TODAY).expected)
    exact = sum(sm2_exact(0, 250, 1, -1, 0))
    all_pass = sum(sm2_forecast([card], TODAY).all_pass)
    assert all_pass <= pruned <= exact + 1e-9
    assert pruned > exact * 0.97


sm2_states = st.builds(
    sm2_card,
    st.integers(0, 6),
    st.integers(130, 300),
    st.integers(1, 60),
    st.integers(-10, 40),
)
memories = st.builds(
    lambda s, d, ago, late: (
        Memory(s, d, TODAY - timedelta(days=ago)),
        TODAY + timedelta(days=late - ago),
    ),
    st.floats(0.1, 200.0),
    st.floats(1.0, 10.0),
    st.integers(0, 60),
    st.integers(1, 60),
)


@settings(max_examples=40, deadline=None)
@given(
    cards=st.lists(sm2_states, max_size=6),
    new_cards=st.integers(0, 40),
    new_per_day=st.integers(0, 5),
)
def test_sm2_workload_is_at_least_every_review_passing(
    cards: list[State], new_cards: int, new_per_day: int
) -> None:
    forecast = sm2_forecast(cards, TODAY, new_cards, new_per_day)
    assert sum(forecast.expected) >= sum(forecast.all_pass) - 1e-9
    # Today: every card due by today, and today's new cards, exactly once.
    due_now = sum(1 for c in cards if c.due is not None and c.due <= TODAY)
    assert forecast.expected[0] == pytest.approx(due_now + min(new_cards, new_per_day))
    assert len(forecast.expected) == DAYS and min(forecast.expected) >= 0


@settings(max_examples=25, deadline=None)
@given(cards=st.lists(memories, max_size=4), new_cards=st.integers(0, 10))
def test_fsrs_workload_is_at_least_every_review_passing(
    cards: list[tuple[Memory, date]], new_cards: int
) -> None:
    forecast = fsrs_forecast(FsrsScheduler(), cards, TODAY, new_cards, 2)
    assert sum(forecast.expected) >= sum(forecast.all_pass) - 1e-9
    assert min(forecast.expected) >= 0


@given(count=st.integers(0, 50))
def test_no_cards_no_workload(count: int) -> None:
    # Nothing seen, and no new card to start (none left, or none a day).
    for new_cards, new_per_day in ((0, count), (count, 0)):
        assert sm2_forecast([], TODAY, new_cards, new_per_day).expected == [0.0] * DAYS
        fsrs = fsrs_forecast(FsrsScheduler(), [], TODAY, new_cards, new_per_day)
        assert fsrs.expected == fsrs.all_pass == [0.0] * DAYS


@given(st.lists(st.floats(0, 50), min_size=DAYS, max_size=DAYS))
def test_whole_days_add_up_to_the_rounded_total(expected: list[float]) -> None:
    shown = whole_days(expected)
    assert sum(shown) == round(sum(expected))
    running = 0.0
    for i, value in enumerate(expected):
        running += value
        assert abs(sum(shown[: i + 1]) - running) <= 0.5 + 1e-9
