"""The import's SM-2 replay on plain integers (log.replay_sm2, issue 18) gives the states
step-by-step ``apply_row`` gives, for any log a database may hold: odd grades and days
(clamped or skipped), resets, rows of kinds that schedule nothing."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.log import CardState, Row, apply_row, replay_sm2
from dlcards.scheduler import State

from .conftest import examples

CARDS = [("d", "a"), ("d", "b"), ("e", "a")]
KINDS = ["review", "review", "review", "drill", "practice", "undo", "suspend", "reset"]
GRADES = st.one_of(
    st.integers(-3, 9), st.none(), st.booleans(), st.just("4"), st.floats(0, 5, width=16)
)
DAYS = st.one_of(
    st.dates(date(1970, 1, 1), date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["9999-12-31", "2026-02-30", "20260301", "", "not a day"]),
    st.none(),
    st.integers(0, 3),
)
STEPS = st.lists(
    st.tuples(st.sampled_from(CARDS), st.sampled_from(KINDS), GRADES, DAYS), max_size=40
)


def _step_by_step(steps: list[tuple[tuple[str, str], str, object, object]]) -> dict:
    states: dict[tuple[str, str], CardState] = {}
    for key, kind, grade, day in steps:
        row = Row("id", "p", key[0], key[1], "ts", day, kind, grade)  # type: ignore[arg-type]
        after = apply_row(states.get(key), row)
        if after is not None:
            states[key] = after
    return states


@settings(max_examples=examples(3000, 100), deadline=None)
@given(STEPS)
def test_the_integer_replay_agrees_with_apply_row(steps: list) -> None:
    assert replay_sm2(steps) == _step_by_step(steps)


def test_a_worked_sm2_sequence() -> None:
    # By hand: q=4 keeps EF 2.50; intervals 1, 6, ceil(6 × 2.5) = 15, due from the
    # day of the last review; then q=2 lapses: n=0, I=1, EF kept, one lapse.
    key = ("d", "a")
    steps = [
        (key, "review", 4, "2026-03-01"),
        (key, "review", 4, "2026-03-02"),
        (key, "review", 4, "2026-03-08"),
    ]
    assert replay_sm2(steps)[key] == CardState(State(3, 250, 15, date(2026, 3, 23)), 0, 3)
    steps.append((key, "review", 2, "2026-03-23"))
    assert replay_sm2(steps)[key] == CardState(State(0, 250, 1, date(2026, 3, 24)), 1, 4)
    steps.append((key, "reset", None, "2026-03-24"))
    assert replay_sm2(steps)[key] == CardState(State(0, 250, 0, None), 0, 0)
