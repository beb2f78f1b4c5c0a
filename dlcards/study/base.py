"""``SessionBase``: the plumbing a study session and a practice share.

Showing the next card (setting aside the ones that cannot be shown), logging a
grade, suspending, and undoing: what differs between the two sessions is which
card comes next and what a grade or an undo does to their order, left to the
subclass hooks ``_next_ref``, ``_make_item`` and ``_forget``.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dlcards.collection import CardRef, Collection
from dlcards.config import Settings, study_day
from dlcards.log import GradeKind, Row, is_leech
from dlcards.store import Store
from dlcards.study.compute import LazyRng, UnusableCard, unusable_notice
from dlcards.study.items import QueueItem
from dlcards.study.protocol import Action, LeechOutcome

if TYPE_CHECKING:
    import numpy as np

    from dlcards.problems import Instance

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Done:
    """Something the user did that undo can take back (the row, for a grade)."""

    action: Action
    item: QueueItem
    row: Row | None = None


class SessionBase:
    """State and calls common to ``StudySession`` and ``PracticeSession``."""

    practice = False
    interview = False

    def __init__(
        self,
        store: Store,
        collection: Collection,
        profile: str,
        settings: Settings,
        *,
        clock: Clock,
        rng: np.random.Generator | None,
        timer: Callable[[], float] | None,
        deck_ids: Sequence[str],
        tags: Sequence[str],
    ) -> None:
        self.store = store
        self.collection = collection
        self.profile = profile
        self.settings = settings
        self.clock = clock
        self._rng = LazyRng(rng)
        # A monotonic seconds source for durations and the summary's time spent;
        # injectable so that UI tests and snapshots do not depend on real time.
        self.timer: Callable[[], float] = timer or _time.monotonic
        self.started = self.timer()
        self.today = study_day(clock(), settings.day_start)
        self._deck_ids = tuple(deck_ids)
        self._tags = tuple(tags)
        self.refs: list[CardRef] = []
        self._graded: list[tuple[Row, QueueItem]] = []  # this session's grades, for the summary
        self._actions: list[Done] = []  # what undo takes back, last first
        self.last_undone: Action | None = None
        self.last_leech: LeechOutcome | None = None
        self.notices: list[str] = []  # cards set aside as unusable: for the UI to say, then clear
        self._current: QueueItem | None = None

    @property
    def deck_ids(self) -> tuple[str, ...]:
        """The decks the session was asked for (every deck when empty)."""
        return self._deck_ids

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags a card needs, all of them, to be in the session."""
        return self._tags

    # --- hooks -------------------------------------------------------------------------

    def _next_ref(self) -> tuple[CardRef, bool] | None:
        """The next card to show and whether it is a re-drill; None when over."""
        raise NotImplementedError

    def _make_item(self, ref: CardRef, drill: bool) -> QueueItem:
        """The card as shown now; raises UnusableCard if it cannot be."""
        raise NotImplementedError

    def _forget(self, ref: CardRef) -> None:
        """Take the card out of what is left to show."""
        raise NotImplementedError

    # --- showing cards -----------------------------------------------------------------

    def next_card(self) -> QueueItem | None:
        """The card to show now, or None when the session is over."""
        while self._current is None:
            chosen = self._next_ref()
            if chosen is None:
                return None
            ref, drill = chosen
            try:
                self._current = self._make_item(ref, drill)
            except UnusableCard as exc:
                self._set_aside(ref, exc)
        return self._current

    def _set_aside(self, ref: CardRef, exc: UnusableCard) -> None:
        """Leave a card that cannot be shown out of this session, with a notice (it is
        back once its deck is fixed)."""
        self._forget(ref)
        self.notices.append(unusable_notice(*ref.key, exc))

    def _show_again(self, ref: CardRef, drill: bool, done: Done) -> QueueItem | None:
        """Show the card an undo brought back, as the card on screen.

        A compute card comes back with the very problem it showed (the instance
        stored with its row): drawing a new one would let a failed problem be
        re-rolled by undoing its grade.
        """
        self.last_undone = done.action
        try:
            item = self._make_item(ref, drill)
        except UnusableCard as exc:  # its deck was edited since: the undo stands
            self._set_aside(ref, exc)
            return self.next_card()
        if item.card == done.item.card:  # an edited card shows its new text instead
            item.instance = _shown_instance(done) or item.instance
        self._current = item
        return item

    # --- acting on the current card ----------------------------------------------------

    def _record(
        self,
        item: QueueItem,
        kind: GradeKind,
        quality: int,
        answer: str | None,
        suspend_leech_at: int | None = None,
    ) -> Row:
        """Log the grade (committed when this returns), for the summary and undo."""
        row = self.store.record(
            self.profile,
            item.ref.deck_id,
            item.ref.card_id,
            kind,
            quality,
            self.clock(),
            self.today,
            duration_ms=int((self.timer() - item.shown_at) * 1000),
            instance=item.instance.to_json() if item.instance else None,
            answer=answer,
            suspend_leech_at=suspend_leech_at,
        )
        self._graded.append((row, item))
        self._actions.append(Done("grade", item, row))
        return row

    def _leave(self, item: QueueItem, action: Action) -> None:
        """The card leaves what is left to show, undoably (bury, skip or suspend)."""
        self._actions.append(Done(action, item))
        self._forget(item.ref)
        if self._current is item:
            self._current = None

    def suspend(self, item: QueueItem) -> None:
        """Suspend the card: it leaves this session and every queue until unsuspended."""
        self.store.suspend(
            self.profile, item.ref.deck_id, item.ref.card_id, self.clock(), self.today
        )
        self._leave(item, "suspend")

    def is_leech(self, item: QueueItem) -> bool:
        """Whether the card has lapsed ``leech_threshold`` times (since its last reset)."""
        return is_leech(item.state, self.settings.leech_threshold)

    def can_undo(self) -> bool:
        return bool(self._actions)

    def done(self) -> int:
        return len(self._graded)

    def time_left(self) -> float | None:
        return None


def _shown_instance(done: Done) -> Instance | None:
    """The instance the undone action's card showed: the one logged with its grade."""
    if done.row is not None and done.row.instance:
        from dlcards.problems import Instance

        try:
            return Instance.from_json(done.row.instance)
        except ValueError:  # not ours to fail on: the in-memory one is the same problem
            pass
    return done.item.instance
