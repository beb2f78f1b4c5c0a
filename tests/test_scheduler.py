"""SM-2 as DESIGN §4 reads it: golden sequences and invariants."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlcards.scheduler import State, new_state, preview_intervals, review

DAY0 = date(2026, 1, 1)

GOLDEN = [
    ([5, 5, 5, 5, 5], [1, 6, 17, 50, 150], 300),
    ([4, 4, 4, 4, 4, 4], [1, 6, 15, 38, 95, 238], 250),
    ([3, 3, 3, 3, 3, 3], [1, 6, 13, 26, 47, 79], 166),
    ([4, 4, 3, 5], [1, 6, 15, 37], 246),
    ([5, 2, 4, 4, 4], [1, 1, 1, 6, 16], 260),
]


def run(grades: list[int]) -> tuple[list[int], State]:
    state, today, intervals = new_state(), DAY0, []
    for grade in grades:
        state = review(state, grade, today)
        intervals.append(state.interval)
        today = state.due  # reviewed on the day it falls due
    return intervals, state


@pytest.mark.parametrize(("grades", "intervals", "easiness"), GOLDEN)
def test_golden_sequences(grades: list[int], intervals: list[int], easiness: int) -> None:
    got, final = run(grades)
    assert got == intervals
    assert final.easiness_hundredths == easiness
    assert final.easiness == pytest.approx(easiness / 100)


def test_new_state_is_the_contract() -> None:
    assert new_state() == State(0, 250, 0, None)


def test_due_counts_from_the_review_day_even_when_late() -> None:
    state = review(new_state(), 4, DAY0)
    late = DAY0 + timedelta(days=30)
    again = review(state, 4, late)
    assert again.interval == 6 and again.due == late + timedelta(days=6)


def test_lapse_keeps_easiness_and_resets() -> None:
    state = review(review(new_state(), 5, DAY0), 5, DAY0)
    lapsed = review(state, 0, DAY0)
    assert (lapsed.repetitions, lapsed.interval, lapsed.easiness_hundredths) == (0, 1, 270)


@pytest.mark.parametrize("bad", [-1, 6, 2.5, "3", True, None])
def test_quality_outside_0_to_5_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        review(new_state(), bad, DAY0)  # type: ignore[arg-type]


def test_preview_shows_the_interval_per_grade() -> None:
    # n = 2, I = 6, EF 2.50: q=3 gives EF 2.36, ceil(6 × 2.36) = ceil(14.16) = 15;
    # q=4 keeps 2.50, 6 × 2.5 = 15; q=5 gives 2.60, ceil(15.6) = 16.
    state = review(review(new_state(), 4, DAY0), 4, DAY0)
    assert preview_intervals(state, DAY0) == {0: 1, 1: 1, 2: 1, 3: 15, 4: 15, 5: 16}


grades = st.lists(st.integers(0, 5), min_size=1, max_size=40)


@given(grades)
def test_invariants(sequence: list[int]) -> None:
    state, today = new_state(), DAY0
    for grade in sequence:
        before = state
        state = review(state, grade, today)
        assert state.easiness_hundredths >= 130
        assert 1 <= state.interval <= 36_500
        assert state.due == today + timedelta(days=state.interval)
        if grade < 3:
            assert state.repetitions == 0 and state.interval == 1
            assert state.easiness_hundredths == before.easiness_hundredths
        else:
            assert state.repetitions == before.repetitions + 1
        today = state.due


def test_interval_stops_at_a_hundred_years() -> None:
    _, final = run([5] * 30)  # 1, 6, 17, 50, 150, … would pass year 9999 after ~15 reviews
    assert final.interval == 36_500


@given(grades)
def test_deterministic(sequence: list[int]) -> None:
    assert run(sequence) == run(sequence)
