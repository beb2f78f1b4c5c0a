"""A review log drawn from a known FSRS memory model, for the optimizer's tests and benchmark.

Written against py-fsrs alone (not dlcards' scheduler): each card is reviewed when a
known parameter set says it is due, give or take (a learner comes back early or late),
and recalled with the probability those parameters predict at that moment. The
optimizer, given such a log, should find parameters that predict it better than
py-fsrs's defaults do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from random import Random

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS

# The learner of the log forgets faster than the defaults assume: the initial
# stabilities (w0–w3, days) are a third of the defaults'; the rest is the defaults.
TRUE_PARAMETERS: tuple[float, ...] = (
    *(w / 3 for w in DEFAULT_PARAMETERS[:4]),
    *DEFAULT_PARAMETERS[4:],
)
# Written out here, not imported from dlcards: grades 0–2 fail, 3 is Hard, 4 Good, 5 Easy.
RATING = {
    0: fsrs.Rating.Again,
    1: fsrs.Rating.Again,
    2: fsrs.Rating.Again,
    3: fsrs.Rating.Hard,
    4: fsrs.Rating.Good,
    5: fsrs.Rating.Easy,
}
LogRow = tuple[int, date, int]  # card number, study day, grade 0–5


def moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def day_level(parameters: Sequence[float]) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=tuple(parameters),
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=36_500,
        enable_fuzzing=False,
    )


def draw_log(
    cards: int,
    reviews_per_card: int,
    start: date,
    seed: int = 17,
    parameters: Sequence[float] = TRUE_PARAMETERS,
) -> list[LogRow]:
    """``cards`` × ``reviews_per_card`` reviews whose recall follows ``parameters``."""
    rng = Random(seed)
    engine = day_level(parameters)
    rows: list[LogRow] = []
    for number in range(cards):
        card = fsrs.Card(card_id=number + 1)
        day = start + timedelta(days=rng.randrange(30))
        for n in range(reviews_per_card):
            if n == 0:
                grade = rng.choice([3, 4, 4, 5])
            elif rng.random() < engine.get_card_retrievability(card, moment(day)):
                grade = rng.choice([3, 4, 4, 4, 5])
            else:
                grade = rng.choice([0, 1, 2])
            card, _ = engine.review_card(card, RATING[grade], moment(day))
            rows.append((number, day, grade))
            interval = (card.due - moment(day)).days
            day += timedelta(days=max(1, round(interval * rng.uniform(0.5, 2.0))))
    return rows


def log_loss(rows: Sequence[LogRow], parameters: Sequence[float]) -> float:
    """Binary cross-entropy of ``parameters``' recall predictions on the log's later-day
    reviews (recalled: grade 3 or more), each card replayed through py-fsrs."""
    engine = day_level(parameters)
    cards: dict[int, fsrs.Card] = {}
    last: dict[int, date] = {}
    total, count = 0.0, 0
    for number, day, grade in sorted(rows, key=lambda r: (r[0], r[1])):
        card = cards.get(number) or fsrs.Card(card_id=number + 1)
        if number in last and day > last[number]:
            p = min(max(engine.get_card_retrievability(card, moment(day)), 1e-6), 1 - 1e-6)
            total -= math.log(p) if grade >= 3 else math.log(1 - p)
            count += 1
        cards[number], _ = engine.review_card(card, RATING[grade], moment(day))
        last[number] = day
    return total / count
