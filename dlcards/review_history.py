"""Each card's graded reviews from the log, for fitting and judging schedulers (issue 17).

A history is what a scheduler sees of a card: its ``review`` rows (not cancelled)
in (ts, id) order, as (study day, grade). A ``reset`` makes the card new, so the
reviews after it are a history of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dlcards.log import Row

History = list[tuple[date, int]]

# py-fsrs's optimizer returns its defaults below one mini-batch of 512 reviews that
# are neither a card's first nor on the same day as the one before, counted in the
# first 64 reviews of each card (its max_seq_len: later ones it never reads).
MIN_OPTIMIZER_REVIEWS = 512
OPTIMIZER_REVIEWS_PER_CARD = 64


def split_histories(
    rows: Iterable[Row],
) -> tuple[list[History], dict[tuple[str, str], History]]:
    """The histories a reset ended, and each card's current one by (deck id, card id)."""
    ordered = sorted(rows, key=lambda r: (r.ts, r.id))
    cancelled = {r.cancels for r in ordered if r.kind == "undo" and r.cancels}
    current: dict[tuple[str, str], History] = {}
    done: list[History] = []
    for row in ordered:
        if row.id in cancelled:
            continue
        key = (row.deck_id, row.card_id)
        if row.kind == "reset":
            if current.get(key):
                done.append(current.pop(key))
        elif row.kind == "review" and row.grade is not None:
            current.setdefault(key, []).append((date.fromisoformat(row.study_day), row.grade))
    return done, current


def histories(rows: Iterable[Row]) -> list[History]:
    """Every card's review histories, a reset starting a new one; rows in (ts, id) order."""
    done, current = split_histories(rows)
    return done + list(current.values())


def counted_reviews(cards: Iterable[History], per_card: int | None = None) -> int:
    """Reviews that tell a scheduler something: not a card's first, not on its previous day
    (in the first ``per_card`` reviews of each card when given, as the optimizer reads)."""
    return sum(
        1
        for history in cards
        for i in range(1, len(history[:per_card]))
        if history[i][0] > history[i - 1][0]
    )


def fit_parameters(cards: list[History], progress: bool = False) -> list[float]:
    """FSRS parameters fitted to these histories by py-fsrs's optimizer (needs its extra).

    Deterministic: py-fsrs shuffles the cards with its own seeded generator. ``progress``
    shows its progress bar (on stderr). Raises ImportError when the optimizer's
    dependencies (torch, pandas) are missing.
    """
    from fsrs import Rating, ReviewLog
    from fsrs.optimizer import Optimizer

    from dlcards.fsrs_scheduler import RATING_OF_GRADE, review_moment

    logs = [
        ReviewLog(
            card_id=number,
            rating=Rating(RATING_OF_GRADE[grade]),
            review_datetime=review_moment(day),
            review_duration=None,
        )
        for number, history in enumerate(cards, start=1)
        for day, grade in history
    ]
    return [float(p) for p in Optimizer(logs).compute_optimal_parameters(verbose=progress)]
