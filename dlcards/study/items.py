"""One card as a session presents it."""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dlcards.cards import Card
from dlcards.collection import CardRef
from dlcards.log import CardState, GradeKind

if TYPE_CHECKING:
    from dlcards.problems import Instance


@dataclass
class QueueItem:
    """One card as the session presents it."""

    ref: CardRef
    card: Card
    drill: bool  # a re-drill: a card failed earlier today, shown again
    state: CardState | None
    instance: Instance | None = None
    shown_at: float = field(default_factory=_time.monotonic)
    practice: bool = False  # shown by a practice session (dlcards.study.practice)

    @property
    def is_new(self) -> bool:
        return self.state is None

    @property
    def kind(self) -> GradeKind:
        if self.practice:
            return "practice"
        return "drill" if self.drill else "review"
