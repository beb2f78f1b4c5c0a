"""SM-2 as dlcards reads it (DESIGN §4): pure functions over an immutable state.

Easiness is kept as an integer number of hundredths: every SM-2 change is a
multiple of 0.01, and a float EF such as 2.3000000000000003 would make
``ceil(I × EF)`` jump a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

INITIAL_EASINESS = 250
MIN_EASINESS = 130
# SM-2 alone lets intervals grow without bound (×3 per perfect grade) until the due
# date leaves the calendar; like Anki, stop at 100 years.
MAX_INTERVAL = 36_500
PASSING_QUALITY = 3

GRADE_LABELS: dict[int, str] = {
    0: "blackout",
    1: "wrong, the answer recognized",
    2: "wrong, but easy once shown",
    3: "right, with serious effort",
    4: "right after hesitation",
    5: "perfect",
}

# The same grades in at most 15 characters, for a grade bar at 60 columns (SuperMemo's
# own short forms: "felt familiar", "seemed easy to recall", "serious difficulty").
SHORT_GRADE_LABELS: dict[int, str] = {
    0: "blackout",
    1: "wrong, familiar",
    2: "wrong, but easy",
    3: "right, hard",
    4: "right, hesitant",
    5: "perfect",
}


@dataclass(frozen=True, slots=True)
class State:
    """A card's SM-2 state; ``due`` is None until the first review."""

    repetitions: int
    easiness_hundredths: int
    interval: int
    due: date | None

    @property
    def easiness(self) -> float:
        return self.easiness_hundredths / 100


def new_state() -> State:
    """The state of a card never reviewed: (0, 2.50, 0, None)."""
    return State(0, INITIAL_EASINESS, 0, None)


def check_quality(quality: object) -> int:
    """Return ``quality`` if it is an int 0–5, else raise ``ValueError``."""
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an integer from 0 to 5, got {quality!r}")
    return quality


def _easiness_delta_hundredths(quality: int) -> int:
    # 0.1 − (5−q)(0.08 + (5−q)·0.02), in hundredths: 10 − d(8 + 2d)
    d = 5 - quality
    return 10 - d * (8 + 2 * d)


def _ceil_times_hundredths(interval: int, easiness_hundredths: int) -> int:
    # ceil(I × EF) in exact integer arithmetic
    return -(-interval * easiness_hundredths // 100)


def review(state: State, quality: int, today: date) -> State:
    """Apply one graded review and return the new state.

    q ≥ 3: EF is updated first, then I = 1, 6 or ceil(I × EF) with the updated EF,
    then n += 1. q < 3: n = 0, I = 1, EF unchanged. ``due`` counts from ``today``.
    """
    quality = check_quality(quality)
    if quality < PASSING_QUALITY:
        return State(0, state.easiness_hundredths, 1, today + timedelta(days=1))
    easiness = max(MIN_EASINESS, state.easiness_hundredths + _easiness_delta_hundredths(quality))
    if state.repetitions == 0:
        interval = 1
    elif state.repetitions == 1:
        interval = 6
    else:
        interval = min(MAX_INTERVAL, _ceil_times_hundredths(state.interval, easiness))
    return State(state.repetitions + 1, easiness, interval, today + timedelta(days=interval))


def preview_intervals(state: State, today: date) -> dict[int, int]:
    """The interval in days each grade 0–5 would give, for showing next to the keys."""
    return {q: review(state, q, today).interval for q in range(6)}
