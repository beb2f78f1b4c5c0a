"""An interview date (issue 17): which day a card is shown changes, never the log.

Until the goal date, for the goal's decks (every deck if none named):
- new cards per day are raised so every new card is introduced by three days
  before the date (``INTRODUCE_BY``);
- a card due on or after the date is shown the day before it instead, unless it
  was last reviewed on that day or later (so one review in the last days suffices).
From the date on, nothing of this applies: the due dates the log gives are back.
"""

from __future__ import annotations

import math
from collections.abc import Collection as Keys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dlcards.collection import CardRef
from dlcards.config import Settings
from dlcards.log import StateRow

INTRODUCE_BY = 3  # days before the goal date by which every new card has been shown


@dataclass(frozen=True)
class Goal:
    day: date
    decks: tuple[str, ...]  # empty: every deck

    @classmethod
    def of(cls, settings: Settings) -> Goal | None:
        """The goal config.toml sets for the profile, if any."""
        if settings.goal_date is None:
            return None
        return cls(date.fromisoformat(settings.goal_date), tuple(settings.goal_decks or ()))

    def covers(self, deck_id: str) -> bool:
        return not self.decks or deck_id in self.decks

    def active(self, today: date) -> bool:
        return today < self.day


def moved_due(due: date, interval: int, goal_day: date) -> date:
    """The day a card due ``due`` is shown under a goal: before the goal date if it can be."""
    before = goal_day - timedelta(days=1)
    last_review = due - timedelta(days=interval)
    if due < goal_day or last_review >= before:
        return due
    return before


def new_per_day(new_left: int, new_done_today: int, goal: Goal, today: date) -> int:
    """New cards a day so ``new_left`` (plus today's) are all shown by ``INTRODUCE_BY`` days
    before the goal; on or after that day, all that are left, today."""
    last_day = goal.day - timedelta(days=INTRODUCE_BY)
    days = (last_day - today).days + 1
    total = new_left + new_done_today
    return total if days <= 1 else math.ceil(total / days)


@dataclass(frozen=True)
class GoalPlan:
    goal: Goal
    days_left: int
    new_left: int  # goal cards never reviewed
    new_per_day: int  # what the plan needs (at least the profile's own new_per_day)
    reviews_per_day: int  # reviews of goal cards due before the date, spread over the days
    on_track: bool  # the plan needs no more new or review cards a day than the settings give

    def describe(self) -> str:
        """One line for Home and ``dlcards goal``: the countdown and whether the pace holds."""
        day = self.goal.day.isoformat()
        if self.days_left == 0:
            return f"Goal {day} reached: the normal schedule is back."
        pace = "on track" if self.on_track else "behind: more cards a day than your settings give"
        days = "1 day" if self.days_left == 1 else f"{self.days_left} days"
        return (
            f"{days} to {day}: {self.new_per_day} new and about {self.reviews_per_day} "
            f"reviews a day ({self.new_left} new cards left), {pace}."
        )

    def as_json(self) -> dict[str, object]:
        return {
            "date": self.goal.day.isoformat(),
            "decks": list(self.goal.decks),
            "days_left": self.days_left,
            "new_left": self.new_left,
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "on_track": self.on_track,
        }


def plan(
    goal: Goal,
    settings: Settings,
    refs: Sequence[CardRef],
    states: dict[tuple[str, str], StateRow],
    suspended: Keys[tuple[str, str]],
    new_done_today: int,
    today: date,
) -> GoalPlan:
    """The goal's plan from today: what a day needs to be ready by the date."""
    days_left = max(0, (goal.day - today).days)
    new_left = 0
    due_before = 0
    for ref in refs:
        if not goal.covers(ref.deck_id) or ref.key in suspended:
            continue
        state = states.get(ref.key)
        if state is None:
            new_left += 1
            continue
        due = moved_due(date.fromisoformat(state.due), state.interval, goal.day)
        if due < goal.day:
            due_before += 1
    needed = new_per_day(new_left, new_done_today, goal, today) if goal.active(today) else 0
    reviews = math.ceil(due_before / days_left) if days_left else 0
    return GoalPlan(
        goal,
        days_left,
        new_left,
        max(needed, settings.new_per_day),
        reviews,
        needed <= settings.new_per_day and reviews <= settings.reviews_per_day,
    )
