"""A day's study session (DESIGN §6), with no UI code.

The queue (see ``dlcards.study.queue``): due cards, then new cards, within the
daily limits; then re-drills, derived from today's log so they survive a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dlcards.collection import CardRef, Collection
from dlcards.config import Settings
from dlcards.deck_counting import count_decks
from dlcards.log import CardState, Row, is_leech, leech_suspends, safe_day
from dlcards.scheduler import new_state, preview_intervals
from dlcards.store import Store
from dlcards.study.base import Clock, SessionBase
from dlcards.study.compute import UnusableCard, instance_for, unusable_notice
from dlcards.study.day_queue import next_due_day, refs_of_selected, selected_decks
from dlcards.study.items import QueueItem
from dlcards.study.queue import DRILL_PASS, Key, failing_today, plan_day, select_refs

if TYPE_CHECKING:
    import numpy as np

PREFETCH = 300  # states read when the session starts; the rest as their cards come up


@dataclass
class SessionSummary:
    reviewed: int  # distinct cards
    grades: int  # grades given, re-drills included
    passed: int  # grades of 3 or more
    drills: int  # re-drill grades
    seconds: float
    due_tomorrow: int

    @property
    def accuracy(self) -> float | None:
        return self.passed / self.grades if self.grades else None


class StudySession(SessionBase):
    """Queue, grading, re-drills, undo and bury for one profile and one study day."""

    _refs: list[CardRef] | None = None

    def __init__(
        self,
        store: Store,
        collection: Collection,
        profile: str,
        settings: Settings,
        *,
        clock: Clock,
        rng: np.random.Generator | None = None,
        deck_ids: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int | None = None,
        timer: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            store,
            collection,
            profile,
            settings,
            clock=clock,
            rng=rng,
            timer=timer,
            deck_ids=deck_ids,
            tags=tags,
        )
        self.limit = limit
        self._known: dict[Key, CardRef] = {}  # refs of cards shown this session
        self._unusable: set[Key] = set()  # set aside this session
        self._shown: set[Key] = set()
        self._leech_suspends: set[str] = set()  # grades that suspended their card as a leech
        plan = plan_day(store, collection, profile, settings, self.today, deck_ids, tags, limit)
        self._queue = plan.queue
        self._reviewed = plan.reviewed  # queued cards with a state, kept current by grades
        # {deck_id: {card_id: due}} of every reviewed card, kept current as cards are
        # graded; read from the store only when a count needs it (see _due_dates).
        self._due = plan.due
        self._suspended = plan.suspended
        self._buried = plan.buried
        self._drills = self._drills_from(plan.day_rows)
        self.goal = plan.goal  # the interview date's plan (dlcards goal), if any
        # States of the first cards to show, read now so that showing them costs no
        # query; later ones are read when they come up (see _state_of).
        upcoming = [r.key for r in self._queue[:PREFETCH] if self._is_reviewed(r)]
        self._states = store.states_for(profile, upcoming + [r.key for r in self._drills])

    # --- the selected cards ------------------------------------------------------------

    @property
    def refs(self) -> list[CardRef]:
        """Every selected card: decoded only when a count over all of them is asked
        for (the queue itself reads its few cards from the indexes)."""
        if self._refs is None:
            self._refs = select_refs(self.collection, self._deck_ids, self._tags)
        return self._refs

    @refs.setter
    def refs(self, refs: list[CardRef]) -> None:
        self._refs = refs or None  # SessionBase starts it empty: decoded when asked for

    def _due_dates(self) -> dict[str, dict[str, str]]:
        if self._due is None:
            self._due = self.store.due_dates(self.profile)
        return self._due

    # --- the queue ---------------------------------------------------------------

    def _drills_from(self, day_rows: list[Row]) -> list[CardRef]:
        keys = [key for key in failing_today(day_rows) if key not in self._buried]
        found = self._fresh_refs(keys)  # one cache query per deck, not one per card
        refs = [found.get(key) or self._selected(self._known.get(key)) for key in keys]
        return [ref for ref in refs if ref is not None]

    def _is_reviewed(self, ref: CardRef) -> bool:
        return ref.key in self._reviewed

    def _state_of(self, ref: CardRef) -> CardState | None:
        """The card's state: from the session's cache, else one read (never for new cards)."""
        key = ref.key
        if key not in self._states and self._is_reviewed(ref):
            state = self.store.state(self.profile, *key)
            if state is not None:
                self._states[key] = state
        return self._states.get(key)

    def _selected_ref(self, deck_id: str, card_id: str) -> CardRef | None:
        """The card's ref if this session studies it (its deck and tags are selected)."""
        ref = self.collection.ref(deck_id, card_id) or self._known.get((deck_id, card_id))
        return self._selected(ref)

    def _selected(self, ref: CardRef | None) -> CardRef | None:
        if ref is None or (self._deck_ids and ref.deck_id not in self._deck_ids):
            return None
        if self._tags and not set(self._tags).issubset(ref.tags):
            return None
        return ref

    def remaining(self) -> int:
        """Cards still to show: the day's queue, re-drills included."""
        # A card is in one of them only: graded cards leave the queue for the re-drills,
        # and the card on screen stays in its list until it is graded, buried or suspended.
        return len(self._queue) + len(self._drills)

    def _within_limit(self, ref: CardRef) -> bool:
        return self.limit is None or ref.key in self._shown or len(self._shown) < self.limit

    def _next_ref(self) -> tuple[CardRef, bool] | None:
        while self._queue:
            ref = self._queue[0]
            if not self._studied_elsewhere(ref):
                return ref, False
            del self._queue[0]
        candidates = [r for r in self._drills if self._within_limit(r)]
        return (candidates[0], True) if candidates else None

    def _studied_elsewhere(self, ref: CardRef) -> bool:
        """Whether another session on this profile graded the card since the queue was
        built, so it is no longer due today: the store, read now, decides (a card
        introduced there is not introduced twice)."""
        fresh = self.store.state(self.profile, *ref.key)
        if fresh is None:
            return False
        known = self._states.get(ref.key)
        self._states[ref.key] = fresh
        if known is not None and fresh.reviews == known.reviews:
            # Not graded since: it is in the queue for a reason of the queue's own (an
            # interview date shows it before its due date), which stands.
            return False
        due = fresh.sm2.due
        return due is not None and due > self.today

    def _set_aside(self, ref: CardRef, exc: UnusableCard) -> None:
        super()._set_aside(ref, exc)
        self._buried.add(ref.key)  # in memory only: it is back once the deck is fixed
        self._unusable.add(ref.key)

    def _make_item(self, ref: CardRef, drill: bool) -> QueueItem:
        card = self.collection.card(ref)
        self._known[ref.key] = ref  # so an undo finds it even if its deck is edited away
        state = self._state_of(ref)
        item = QueueItem(ref, card, drill, state, shown_at=self.timer())
        item.instance = instance_for(card, state, self._rng)
        self._shown.add(ref.key)
        return item

    def _forget(self, ref: CardRef) -> None:
        if self._queue and self._queue[0].key == ref.key:
            del self._queue[0]  # the usual case: the card just shown
        else:
            self._queue = [r for r in self._queue if r.key != ref.key]
        self._drills = [r for r in self._drills if r.key != ref.key]

    # --- acting on the current card ----------------------------------------------------

    def intervals(self, item: QueueItem) -> dict[int, int] | None:
        """Days until the next review for each grade; None for a re-drill (schedule unchanged)."""
        if item.drill:
            return None
        # The state as stored now, not as this session last saw it: another session on
        # the profile may have graded the card since (the grade reads the store too).
        state = self.store.state(self.profile, *item.ref.key)
        item.state = state
        fsrs = self.store.fsrs_for(self.profile)
        if fsrs is not None:
            return fsrs.preview(state.memory if state else None, self.today)
        return preview_intervals(state.sm2 if state else new_state(), self.today)

    def grade(self, item: QueueItem, quality: int, *, answer: str | None = None) -> Row:
        """Record ``quality`` for ``item``; the row is committed before this returns."""
        threshold = self.settings.leech_threshold
        suspend_at = threshold if self.settings.leech_action == "suspend" else None
        row = self._record(item, item.kind, quality, answer, suspend_leech_at=suspend_at)
        key = item.ref.key
        self.last_leech = None
        if row.kind == "review":
            state = self.store.state(self.profile, *key)  # what the store just wrote
            if state is not None:
                self._states[key] = state
                self._reviewed.add(key)
                if self._due is not None:
                    self._due.setdefault(key[0], {})[key[1]] = row.due or ""
            if quality < 3 and is_leech(state, threshold):
                self.last_leech = "tagged"
                if suspend_at is not None and state and leech_suspends(state.lapses, threshold):
                    # store.record appended the suspend row with the grade
                    self.last_leech = "suspended"
                    self._leech_suspends.add(row.id)
                    self._suspended.add(key)
                    self._buried.add(key)
        self._forget(item.ref)
        if quality < DRILL_PASS and self.last_leech != "suspended":
            self._drills.append(item.ref)
        self._current = None
        return row

    def suspend(self, item: QueueItem) -> None:
        """Suspend the card: it leaves this session and every queue until unsuspended."""
        super().suspend(item)
        self._suspended.add(item.ref.key)
        self._buried.add(item.ref.key)

    def bury(self, item: QueueItem) -> None:
        """Take the card out of today's queue (re-drills too); it is back tomorrow."""
        self.store.bury(self.profile, item.ref.deck_id, item.ref.card_id, self.today)
        self._buried.add(item.ref.key)
        self._leave(item, "bury")

    def put_aside(self, item: QueueItem) -> None:
        """The b key: bury the card until tomorrow."""
        self.bury(item)

    def undo(self) -> QueueItem | None:
        """Take back this session's last grade, suspension or bury; the card is shown again next.

        A grade is cancelled by an ``undo`` row naming it, a suspension by an
        ``unsuspend`` row (the log stays append-only); a bury is simply lifted.
        :attr:`last_undone` says which it was.
        """
        if not self._actions:
            return None
        done = self._actions.pop()
        key, drill = done.item.ref.key, done.item.drill
        if done.row is not None:
            self._cancel_grade(done.row)
        else:
            if done.action == "suspend":
                self.store.unsuspend(self.profile, *key, self.clock(), self.today)
                self._suspended.discard(key)
            else:
                self.store.unbury(self.profile, *key, self.today)
            self._buried.discard(key)
        ref = self._selected_ref(*key) or self._known[key]
        # The undone card is shown now, first in its list; the card that was on screen
        # (if any) is still first in its own, so it comes right after.
        (self._drills if drill else self._queue).insert(0, ref)
        return self._show_again(ref, drill, done)

    def _cancel_grade(self, row: Row) -> None:
        """Cancel the grade ``row`` and restore its card's state."""
        self._graded = [(r, item) for r, item in self._graded if r is not row]
        self.store.undo(self.profile, row.id, self.clock(), self.today)
        key = (row.deck_id, row.card_id)
        if row.id in self._leech_suspends:
            # The grade made the card a suspended leech: undoing it undoes that too.
            self._leech_suspends.discard(row.id)
            self.store.unsuspend(self.profile, *key, self.clock(), self.today)
            self._suspended.discard(key)
            self._buried.discard(key)
        state = self.store.state(self.profile, *key)
        if state is None:
            self._states.pop(key, None)
            self._reviewed.discard(key)
            if self._due is not None:
                self._due.get(key[0], {}).pop(key[1], None)
        else:
            self._states[key] = state
            self._reviewed.add(key)
            if self._due is not None:
                self._due.setdefault(key[0], {})[key[1]] = (
                    state.sm2.due.isoformat() if state.sm2.due else ""
                )
        self._drills = self._drills_from(self.store.day_rows(self.profile, self.today))
        self._drills = [r for r in self._drills if r.key != key]

    def reload(self, collection: Collection) -> None:
        """Use a freshly loaded ``collection`` (after a deck was edited), keeping the session.

        Queued cards are matched by (deck id, card id); cards that disappeared leave the
        queue. The card on screen gets its new text (a compute card a new instance if the
        card changed); if it disappeared it stays on screen so it can still be graded.
        """
        self.collection = collection
        self._refs = None
        keys = [r.key for r in self._queue] + [r.key for r in self._drills]
        if self._current is not None:
            keys.append(self._current.ref.key)
        fresh = self._fresh_refs(keys)
        self._queue = [fresh[r.key] for r in self._queue if r.key in fresh]
        self._drills = [fresh[r.key] for r in self._drills if r.key in fresh]
        current = self._current
        if current is not None and current.ref.key in fresh:
            ref = fresh[current.ref.key]
            card = collection.card(ref)
            current.ref = ref
            if card != current.card:
                try:
                    current.instance = instance_for(card, current.state, self._rng)
                    current.card = card
                except UnusableCard as exc:  # the edit broke it: keep what is on screen
                    self.notices.append(unusable_notice(*ref.key, exc))

    def _fresh_refs(self, keys: list[Key]) -> dict[Key, CardRef]:
        """The refs these cards have in the collection now, of those still selected."""
        return refs_of_selected(self.collection, keys, self._deck_ids, self._tags)

    def next_due(self) -> date | None:
        """The first day after today on which a selected card is due."""
        if self._due is None:  # the dates as stored (no goal moved them): from the index
            decks = selected_decks(self.collection, self._deck_ids)
            due = next_due_day(
                self.store, self.profile, self.today, decks, self._tags, self._suspended
            )
            return safe_day(due) if due else None
        today = self.today.isoformat()
        days = [d for d in self._due_of_selected() if d > today]
        return safe_day(min(days)) if days else None

    def unseen_left(self) -> int:
        """Selected cards never reviewed, beyond today's queue (held back by the daily limit)."""
        queued = {r.key for r in self._queue} | self._buried  # buried: suspended ones too
        due = self._due_dates()
        return sum(1 for r in self.refs if r[1] not in due.get(r[0], ()) and r.key not in queued)

    def buried_count(self) -> int:
        """Selected cards buried until tomorrow (not the suspended or unusable ones)."""
        keys = self._buried - self._suspended - self._unusable
        return sum(1 for r in self.refs if r.key in keys) if keys else 0

    def _due_by(self, day: date) -> int:
        """Selected cards due by ``day`` (suspended ones left out). Without a tag filter
        or a goal's moved dates, counted per deck in SQL (``count_decks``) rather than
        over every card's ref."""
        if self._due is None and not self._tags:
            counts = count_decks(self.store, self.collection, self.profile, day, self._suspended)
            return sum(c.due for c in counts if not self._deck_ids or c.deck.id in self._deck_ids)
        return sum(1 for d in self._due_of_selected() if d <= day.isoformat())

    def _due_of_selected(self) -> list[str]:
        """Due dates of the selected cards that have been reviewed (suspended ones left out)."""
        due, suspended = self._due_dates(), self._suspended
        return [
            d
            for r in self.refs
            if (d := due.get(r[0], {}).get(r[1])) and (not suspended or r.key not in suspended)
        ]

    # --- the end -----------------------------------------------------------------

    def summary(self) -> SessionSummary:
        reviews = [r for r, _ in self._graded if r.grade is not None]
        due_tomorrow = self._due_by(self.today + timedelta(days=1))
        return SessionSummary(
            reviewed=len({(r.deck_id, r.card_id) for r in reviews}),
            grades=len(reviews),
            passed=sum(1 for r in reviews if r.grade is not None and r.grade >= 3),
            drills=sum(1 for r in reviews if r.kind == "drill"),
            seconds=self.timer() - self.started,
            due_tomorrow=due_tomorrow,
        )
