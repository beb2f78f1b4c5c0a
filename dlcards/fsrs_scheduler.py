"""FSRS at the day level, through the maintained ``fsrs`` package (py-fsrs), issue 17.

dlcards studies in days: a card failed today comes back today as a re-drill (a
``drill`` row, which never schedules), so py-fsrs runs with no learning or
relearning steps, no fuzz (the same log always replays to the same dates) and
the SM-2 cap of 36,500 days. Every review happens at midnight UTC of its study
day, so py-fsrs counts whole days between reviews, as the study day does.

``fsrs`` is imported on first use: ``dlcards --help`` never pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from dlcards.scheduler import MAX_INTERVAL, check_quality

if TYPE_CHECKING:
    import fsrs

DEFAULT_RETENTION = 0.9
# py-fsrs's ratings: Again 1, Hard 2, Good 3, Easy 4. Grades 0–2 are lapses in SM-2 too.
RATING_OF_GRADE: dict[int, int] = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}


@dataclass(frozen=True, slots=True)
class Memory:
    """A card's FSRS memory after its last review: stability (days), difficulty (1–10)."""

    stability: float
    difficulty: float
    last_review: date


def review_moment(day: date) -> datetime:
    """The instant a study day's review is given to py-fsrs: midnight UTC of that day."""
    return datetime.combine(day, time(0), tzinfo=UTC)


class FsrsScheduler:
    """py-fsrs configured for dlcards: day-level, deterministic, one object per profile."""

    name = "fsrs"

    def __init__(
        self,
        desired_retention: float = DEFAULT_RETENTION,
        parameters: Sequence[float] | None = None,
    ) -> None:
        import fsrs
        from fsrs.scheduler import DEFAULT_PARAMETERS

        self.desired_retention = desired_retention
        self.parameters = tuple(parameters) if parameters else tuple(DEFAULT_PARAMETERS)
        self.engine: fsrs.Scheduler = fsrs.Scheduler(
            parameters=self.parameters,
            desired_retention=desired_retention,
            learning_steps=(),
            relearning_steps=(),
            maximum_interval=MAX_INTERVAL,
            enable_fuzzing=False,
        )

    def _card(self, memory: Memory | None) -> fsrs.Card:
        import fsrs

        # card_id given: py-fsrs would otherwise sleep 1 ms to make a unique one.
        if memory is None:
            return fsrs.Card(card_id=0)
        moment = review_moment(memory.last_review)
        return fsrs.Card(
            card_id=0,
            state=fsrs.State.Review,
            step=None,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=moment,
            last_review=moment,
        )

    def review(self, memory: Memory | None, quality: int, today: date) -> tuple[Memory, int]:
        """The memory after a review graded ``quality`` on ``today``, and the next interval."""
        import fsrs

        rating = fsrs.Rating(RATING_OF_GRADE[check_quality(quality)])
        card, _ = self.engine.review_card(self._card(memory), rating, review_moment(today))
        assert card.stability is not None and card.difficulty is not None
        interval = (card.due.date() - today).days
        return Memory(card.stability, card.difficulty, today), interval

    def preview(self, memory: Memory | None, today: date) -> dict[int, int]:
        """The interval each grade 0–5 would give today, for the grade bar."""
        return {q: self.review(memory, q, today)[1] for q in range(6)}

    def retrievability(self, memory: Memory, day: date) -> float:
        """FSRS's predicted probability of recall on ``day``."""
        card = self._card(memory)
        return float(self.engine.get_card_retrievability(card, review_moment(day)))
