"""``Session``: what the review screen and plain mode ask of a study or practice session.

Both UIs are written against this protocol only; ``StudySession`` and
``PracticeSession`` satisfy it (mypy checks it where the UIs take a ``Session``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal, Protocol

from dlcards.collection import CardRef, Collection
from dlcards.config import Settings
from dlcards.log import Row
from dlcards.study.items import QueueItem

# What an undo can take back: a grade, a suspension, a bury (study) or a skip (practice).
Action = Literal["grade", "suspend", "bury", "skip"]
# What the last grade did to a leech: tagged it (shown as one), or suspended it too.
LeechOutcome = Literal["tagged", "suspended"]


class Session(Protocol):
    """One profile studying the selected cards, one card at a time."""

    profile: str
    collection: Collection
    settings: Settings
    today: date
    refs: list[CardRef]  # the selected cards
    timer: Callable[[], float]  # monotonic seconds: when a card was shown, time spent
    notices: list[str]  # cards set aside as unusable: for the UI to say, then clear
    last_undone: Action | None  # what the last undo took back
    last_leech: LeechOutcome | None  # what the last grade made of its card
    interview: bool  # practice for an interview: a clock per card, minimal hints
    practice: bool  # grades leave the schedule alone

    def next_card(self) -> QueueItem | None:
        """The card to show now (the same until it is acted on); None when it is over."""

    def grade(self, item: QueueItem, quality: int, *, answer: str | None = None) -> Row:
        """Record ``quality`` for ``item``; committed before this returns."""

    def intervals(self, item: QueueItem) -> dict[int, int] | None:
        """Days until the next review for each grade; None when the schedule is unchanged."""

    def is_leech(self, item: QueueItem) -> bool: ...

    def put_aside(self, item: QueueItem) -> None:
        """The b key: a study session buries the card until tomorrow, practice skips it."""

    def suspend(self, item: QueueItem) -> None: ...

    def can_undo(self) -> bool: ...

    def undo(self) -> QueueItem | None:
        """Take back the last grade, suspension, bury or skip; that card is shown again."""

    def done(self) -> int:
        """Grades given."""

    def remaining(self) -> int | None:
        """Cards left to show; None when endless."""

    def time_left(self) -> float | None:
        """Seconds left of a timed practice; None when untimed."""

    def reload(self, collection: Collection) -> None:
        """Use a freshly loaded collection (after a deck was edited), keeping the place."""


def undone_text(action: Action | None, practice: bool) -> str:
    """How the UIs name what an undo took back: "Undid the last grade of", ... ."""
    if action == "suspend":
        return "Unsuspended"
    if action in ("bury", "skip"):
        return "Brought back the skipped card" if practice else "Unburied"
    return "Undid the last grade of"
