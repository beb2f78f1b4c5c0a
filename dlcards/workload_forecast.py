"""Expected reviews a day over the next 30 days under a scheduler (issue 17, compare).

A card's next 30 days are a tree: at each review it is recalled with the
probability the scheduler's own model gives for that day (SM-2 read as
R = 0.9^(t/I); FSRS its retrievability), graded 4 when recalled and 1 when not,
and rescheduled by the scheduler either way. The probability of every branch is
carried forward day by day (expected values, no random draws: the same log gives
the same numbers), branches that reach the same state on the same day merged.

A branch under ``PRUNE`` (1 %) of a card stops splitting and carries on as if
every review passes: no probability is lost, and the workload can only come out
a little low (about 1 %; never below every review passing). Cards due before today are
reviewed today. New cards start at ``new_per_day`` a day while unseen cards
remain, their first sight graded 4. No daily review cap; same-day re-drills of
failed cards are not reviews and are not counted.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, Protocol, TypeVar

from dlcards.fsrs_scheduler import FsrsScheduler, Memory
from dlcards.scheduler import State, new_state, review

HORIZON = 30
PASS_GRADE = 4
LAPSE_GRADE = 1  # the middle of the lapse grades 0–2 (FSRS's Again for all three)
# Of one card: below it a branch only passes (see the module docstring). FSRS's
# branches rarely meet, so the tree is what costs. The whole compare of a synthetic
# profile (2,000 cards, 10,000 reviews, many long overdue) took 1.7 s of CPU at
# 1e-2 (0.8 s with no tree), 4.3 s at 1e-3 and 9.5 s at 1e-4, whose FSRS workload
# was 1.4 % above 1e-2's (SM-2's 0.8 %).
PRUNE = 1e-2
SM2_TARGET = 0.9

S = TypeVar("S", bound=Hashable)


class Model(Protocol[S]):
    """A scheduler seen as the simulation needs it."""

    def recall(self, state: S, day: date) -> float:
        """The probability the card is recalled on ``day`` (1 for a card never seen)."""
        ...

    def next(self, state: S, grade: int, day: date) -> tuple[S, date]:
        """The state after a review graded ``grade`` on ``day``, and its next due date."""
        ...

    def merge_key(self, state: S) -> Hashable:
        """Branches due the same day whose states have the same key are merged."""
        ...


@dataclass(frozen=True)
class Sm2Model:
    """SM-2, whose intervals are read as aiming at 90 % recall: R = 0.9^(t/I)."""

    def recall(self, state: State, day: date) -> float:
        if state.due is None:
            return 1.0
        interval = max(state.interval, 1)
        elapsed = (day - (state.due - timedelta(days=state.interval))).days
        return float(SM2_TARGET ** (elapsed / interval))

    def next(self, state: State, grade: int, day: date) -> tuple[State, date]:
        after = review(state, grade, day)
        assert after.due is not None
        return after, after.due

    def merge_key(self, state: State) -> Hashable:
        return state  # SM-2's states are whole numbers: paths meet often


@dataclass(frozen=True)
class FsrsModel:
    """FSRS with the profile's parameters and desired retention: its own retrievability."""

    fsrs: FsrsScheduler

    def recall(self, state: Memory | None, day: date) -> float:
        return 1.0 if state is None else self.fsrs.retrievability(state, day)

    def next(self, state: Memory | None, grade: int, day: date) -> tuple[Memory | None, date]:
        memory, interval = self.fsrs.review(state, grade, day)
        return memory, day + timedelta(days=interval)

    def merge_key(self, state: Memory | None) -> Hashable:
        # Stability and difficulty are real numbers: paths meet only to within a bucket
        # (1 % of stability, 0.1 of difficulty), where one branch stands for both.
        if state is None:
            return None
        return (
            state.last_review,
            round(math.log(state.stability) * 100),
            round(state.difficulty * 10),
        )


@dataclass(frozen=True)
class Forecast:
    expected: list[float]  # expected reviews on each of the next 30 days, today first
    all_pass: list[float]  # the same if every review passed


class _Simulation(Generic[S]):
    """One scheduler's trees from one day, each start (state, due) simulated once."""

    def __init__(self, model: Model[S], today: date, all_pass: bool) -> None:
        self.model = model
        self.today = today
        self.all_pass = all_pass
        self.memo: dict[tuple[Hashable, date], list[float]] = {}
        # Reviews of states that merge, on the same day, across every card's tree: the
        # same answer (many cards come to the same states; py-fsrs is the cost).
        self.reviewed: dict[tuple[Hashable, int, date], tuple[S, date]] = {}
        self.recalls: dict[tuple[Hashable, date], float] = {}

    def card(self, state: S, due: date) -> list[float]:
        """Expected reviews a day of one card in ``state`` due on ``due``."""
        key = (self.model.merge_key(state), due)
        if key not in self.memo:
            self.memo[key] = self._tree(state, due)
        return self.memo[key]

    def _tree(self, start: S, due: date) -> list[float]:
        days = [0.0] * HORIZON
        # pending[offset][(merge key, settled)] = [state, probability]; settled: only passes.
        pending: dict[int, dict[tuple[Hashable, bool], list[Any]]] = {}
        self._add(pending, max(0, (due - self.today).days), start, self.all_pass, 1.0)
        for offset in range(HORIZON):
            day = self.today + timedelta(days=offset)
            for (_, settled), (state, mass) in pending.pop(offset, {}).items():
                days[offset] += mass
                recall = 1.0 if settled else self._recall(state, day)
                for grade, chance in ((PASS_GRADE, recall), (LAPSE_GRADE, 1.0 - recall)):
                    if chance <= 0.0:
                        continue
                    after, next_due = self._next(state, grade, day)
                    share = mass * chance
                    offset_due = (next_due - self.today).days
                    self._add(pending, offset_due, after, settled or share < PRUNE, share)
        return days

    def _recall(self, state: S, day: date) -> float:
        key = (self.model.merge_key(state), day)
        if key not in self.recalls:
            self.recalls[key] = self.model.recall(state, day)
        return self.recalls[key]

    def _next(self, state: S, grade: int, day: date) -> tuple[S, date]:
        key = (self.model.merge_key(state), grade, day)
        if key not in self.reviewed:
            self.reviewed[key] = self.model.next(state, grade, day)
        return self.reviewed[key]

    def _add(
        self,
        pending: dict[int, dict[tuple[Hashable, bool], list[Any]]],
        offset: int,
        state: S,
        settled: bool,
        mass: float,
    ) -> None:
        if offset < HORIZON:
            at = pending.setdefault(offset, {})
            key = (self.model.merge_key(state), settled)
            if key in at:
                at[key][1] += mass
            else:
                at[key] = [state, mass]


def forecast(
    model: Model[S],
    new: S,
    cards: Iterable[tuple[S, date]],
    today: date,
    new_cards: int = 0,
    new_per_day: int = 0,
) -> Forecast:
    """Expected and all-pass reviews a day for ``cards`` (state, due) and the new cards
    still to come (``new`` is a never-seen card's state), over the next 30 days."""
    cards = list(cards)

    def total(all_pass: bool) -> list[float]:
        simulation = _Simulation(model, today, all_pass)
        days = [0.0] * HORIZON
        for state, due in cards:
            _accumulate(days, simulation.card(state, due), 0, 1)
        first_sight = simulation.card(new, today)
        left = new_cards
        for offset in range(HORIZON):
            started = min(new_per_day, left)
            left -= started
            _accumulate(days, first_sight, offset, started)
        return days

    return Forecast(total(all_pass=False), total(all_pass=True))


def _accumulate(days: list[float], card: Sequence[float], shift: int, count: int) -> None:
    """Add ``count`` copies of a card's days, started ``shift`` days later, into ``days``."""
    if count:
        for offset in range(HORIZON - shift):
            days[offset + shift] += count * card[offset]


def whole_days(expected: Sequence[float]) -> list[int]:
    """Expected reviews a day as whole numbers that add up to the rounded total: each day
    the change of the rounded running sum (so no day is off by more than one)."""
    result, running, shown = [], 0.0, 0
    for value in expected:
        running += value
        result.append(round(running) - shown)
        shown += result[-1]
    return result


def sm2_forecast(
    states: Iterable[State], today: date, new_cards: int = 0, new_per_day: int = 0
) -> Forecast:
    """SM-2's forecast from each card's state (a card never reviewed has no due date)."""
    cards = [(s, s.due) for s in states if s.due is not None]
    return forecast(Sm2Model(), new_state(), cards, today, new_cards, new_per_day)


def fsrs_forecast(
    fsrs: FsrsScheduler,
    cards: Iterable[tuple[Memory, date]],
    today: date,
    new_cards: int = 0,
    new_per_day: int = 0,
) -> Forecast:
    """FSRS's forecast from each card's memory and due date."""
    model: Model[Memory | None] = FsrsModel(fsrs)
    seen: list[tuple[Memory | None, date]] = list(cards)
    return forecast(model, None, seen, today, new_cards, new_per_day)
