"""A day's study session (DESIGN §6), with no UI code.

The queue: due cards (oldest first), then new cards round-robin across decks,
within the daily limits counted from today's log; then re-drills, derived from
today's log (cards whose last grade today is below 4) so they survive a restart.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dlcards.cards import Card
from dlcards.collection import CardRef, Collection
from dlcards.compute import LazyRng, UnusableCard, instance_for, unusable_notice
from dlcards.config import Settings, study_day
from dlcards.scheduler import preview_intervals
from dlcards.store import CardState, Row, Store, apply_row, is_leech, leech_suspends

if TYPE_CHECKING:
    import numpy as np

    from dlcards.problems import Instance

REDRILL_PASS = 4
PREFETCH = 300  # states read when the session starts; the rest as their cards come up
Clock = Callable[[], datetime]


def undone_text(action: str | None, practice: bool) -> str:
    """How the UIs name what an undo took back: "Undid the last grade of", ... ."""
    if action == "suspend":
        return "Unsuspended"
    if action in ("bury", "skip"):
        return "Brought back the skipped card" if practice else "Unburied"
    return "Undid the last grade of"


@dataclass
class QueueItem:
    """One card as the session presents it."""

    ref: CardRef
    card: Card
    redrill: bool
    state: CardState | None
    instance: Instance | None = None
    shown_at: float = field(default_factory=_time.monotonic)
    practice: bool = False  # shown by a practice session (dlcards.practice)

    @property
    def is_new(self) -> bool:
        return self.state is None

    @property
    def kind(self) -> str:
        if self.practice:
            return "practice"
        return "drill" if self.redrill else "review"


@dataclass
class SessionSummary:
    reviewed: int  # distinct cards
    grades: int  # grades given, re-drills included
    passed: int  # grades of 3 or more
    redrills: int
    seconds: float
    due_tomorrow: int

    @property
    def accuracy(self) -> float | None:
        return self.passed / self.grades if self.grades else None


def select_refs(
    collection: Collection, deck_ids: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[CardRef]:
    """Cards of the chosen decks (all if none) having every one of ``tags``."""
    refs = collection.all_refs(deck_ids or None)
    if tags:
        wanted = set(tags)
        refs = [r for r in refs if wanted.issubset(r.tags)]
    return refs


class StudySession:
    """Queue, grading, re-drills, undo and bury for one profile and one study day."""

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
        self.store = store
        self.collection = collection
        self.profile = profile
        self.settings = settings
        self.clock = clock
        self._rng = LazyRng(rng)
        self.limit = limit
        # A monotonic seconds source for durations and the summary's time spent;
        # injectable so that UI tests and snapshots do not depend on real time.
        self.timer: Callable[[], float] = timer or _time.monotonic
        self.started = self.timer()
        self._deck_ids = tuple(deck_ids)
        self._tags = tuple(tags)
        self.today = study_day(clock(), settings.day_start)
        self.refs = select_refs(collection, deck_ids, tags)
        self._known: dict[tuple[str, str], CardRef] = {}  # refs of cards shown this session
        self._graded: list[Row] = []  # this session's grades, for the summary
        # What undo takes back, last first: ("grade", Row) or ("suspend" | "bury", QueueItem).
        self._actions: list[tuple[str, Row | QueueItem]] = []
        self.last_undone: str | None = None  # what the last undo took back
        self.notices: list[str] = []  # cards set aside as unusable: for the UI to say, then clear
        self._unusable: set[tuple[str, str]] = set()  # set aside this session
        self._shown: set[tuple[str, str]] = set()
        self._leech_suspends: set[str] = set()  # grades that suspended their card as a leech
        self.last_leech: str | None = None  # the last grade made a leech: "tagged"/"suspended"
        self._current: QueueItem | None = None
        self._build()

    # --- the queue ---------------------------------------------------------------

    def _build(self) -> None:
        # Only due dates for the whole collection (cheap at 100k cards); full
        # states just for the cards this session will show.
        due_dates = self.store.due_dates(self.profile)
        day_rows = self.store.day_rows(self.profile, self.today)
        self._suspended = set(self.store.suspended(self.profile))
        # Suspended cards are left out exactly like buried ones (queue and re-drills).
        buried = self.store.buried(self.profile, self.today) | self._suspended
        today = self.today.isoformat()
        reviews_today: dict[tuple[str, str], int] = {}
        for row in day_rows:
            if row.kind == "review":
                key = (row.deck_id, row.card_id)
                reviews_today[key] = reviews_today.get(key, 0) + 1
        reviewed = self.store.states_for(self.profile, reviews_today)
        reset_today = {(r.deck_id, r.card_id) for r in day_rows if r.kind == "reset"}

        def new_today(key: tuple[str, str], reviews: int) -> bool:
            """Whether the card was introduced (reviewed while new) today."""
            if key in reset_today or key not in reviewed:  # a reset blurs the state: ask the log
                return self._introduced_today(key)
            return reviewed[key].reviews == reviews  # every review since it was new is today's

        new_done = sum(1 for key, n in reviews_today.items() if new_today(key, n))
        reviews_done = len(reviews_today) - new_done
        deck_rank = {d.id: i for i, d in enumerate(self.collection.decks)}
        due: list[tuple[str, int, int, CardRef]] = []
        new_by_deck: dict[str, list[CardRef]] = {}
        # The hot loop at 100k cards: plain tuple indexing, no per-card key tuples.
        due_of: dict[str, str] = {}
        last_deck = None
        for ref in self.refs:
            deck_id, card_id = ref[0], ref[1]
            if deck_id != last_deck:
                due_of, last_deck = due_dates.get(deck_id, {}), deck_id
                rank = deck_rank[deck_id]
            due_date = due_of.get(card_id)
            if due_date is None:
                if not buried or (deck_id, card_id) not in buried:
                    new_by_deck.setdefault(deck_id, []).append(ref)
            elif due_date <= today and (not buried or (deck_id, card_id) not in buried):
                due.append((due_date, rank, ref[2], ref))
        due.sort()  # (due, deck rank, file order) is unique: refs are never compared
        review_room = max(0, self.settings.reviews_per_day - reviews_done)
        new_room = max(0, self.settings.new_per_day - new_done)
        queue = [t[3] for t in due[:review_room]] + _round_robin(new_by_deck.values(), new_room)
        if self.limit is not None:
            queue = queue[: self.limit]
        self._queue = queue
        self._due = due_dates  # {deck_id: {card_id: due}}, kept current as cards are graded
        self._buried = buried
        self._redrills = self._redrills_from(day_rows)
        # States of the first cards to show, read now so that showing them costs no
        # query; later ones are read when they come up (see _state_of).
        upcoming = [r.key for r in self._queue[:PREFETCH] if self._is_reviewed(r)]
        self._states = self.store.states_for(
            self.profile, upcoming + [r.key for r in self._redrills]
        )

    def _introduced_today(self, key: tuple[str, str]) -> bool:
        """Replay one card's log: was a review of today made while the card was new?

        Only for cards reset today or without a state (rare): a card reviewed yesterday
        and reset today was not a new card today, one reset yesterday and studied today was.
        """
        rows = self.store.card_rows(self.profile, *key)
        cancelled = {r.cancels for r in rows if r.kind == "undo"}
        is_new, introduced = True, False
        for row in rows:
            if row.id in cancelled:
                continue
            if row.kind == "reset":
                is_new = True
            elif row.kind == "review" and row.grade is not None:
                introduced |= is_new and row.study_day == self.today.isoformat()
                is_new = False
        return introduced

    def _redrills_from(self, day_rows: list[Row]) -> list[CardRef]:
        last: dict[tuple[str, str], Row] = {}
        for row in day_rows:
            if row.kind in ("review", "drill") and row.grade is not None:
                last[(row.deck_id, row.card_id)] = row
            elif row.kind == "reset":  # a card made new again owes no re-drill
                last.pop((row.deck_id, row.card_id), None)
        failing = sorted(
            (row for row in last.values() if row.grade < REDRILL_PASS),
            key=lambda r: (r.ts, r.id),
        )
        refs = [
            self._selected_ref(r.deck_id, r.card_id)
            for r in failing
            if (r.deck_id, r.card_id) not in self._buried
        ]
        return [ref for ref in refs if ref is not None]

    def _is_reviewed(self, ref: CardRef) -> bool:
        return ref[1] in self._due.get(ref[0], ())

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
        if ref is None or (self._deck_ids and deck_id not in self._deck_ids):
            return None
        if self._tags and not set(self._tags).issubset(ref.tags):
            return None
        return ref

    @property
    def today_date(self) -> date:
        return self.today

    def remaining(self) -> int:
        """Cards still to show: the day's queue, re-drills included."""
        # A card is in one of them only: graded cards leave the queue for the re-drills,
        # and the card on screen stays in its list until it is graded, buried or suspended.
        return len(self._queue) + len(self._redrills)

    def done(self) -> int:
        return len(self._graded)

    def _within_limit(self, ref: CardRef) -> bool:
        return self.limit is None or ref.key in self._shown or len(self._shown) < self.limit

    def next_card(self) -> QueueItem | None:
        """The card to show now, or None when the session is over."""
        if self._current is not None:
            return self._current
            return self._current
        while True:
            if self._queue:
                ref, redrill = self._queue[0], False
            else:
                candidates = [r for r in self._redrills if self._within_limit(r)]
                if not candidates:
                    return None
                ref, redrill = candidates[0], True
            try:
                self._current = self._make_item(ref, redrill)
            except UnusableCard as exc:
                self._set_aside(ref, exc)
                continue
            return self._current

    def _set_aside(self, ref: CardRef, exc: UnusableCard) -> None:
        """Leave a card that cannot be shown out of this session, with a notice."""
        self._remove(ref)
        self._buried.add(ref.key)  # in memory only: it is back once the deck is fixed
        self._unusable.add(ref.key)
        self.notices.append(unusable_notice(*ref.key, exc))

    def _make_item(self, ref: CardRef, redrill: bool) -> QueueItem:
        card = self.collection.card(ref)
        self._known[ref.key] = ref  # so an undo finds it even if its deck is edited away
        state = self._state_of(ref)
        item = QueueItem(ref, card, redrill, state, shown_at=self.timer())
        item.instance = instance_for(card, state, self._rng)
        self._shown.add(ref.key)
        return item

    # --- acting on the current card ----------------------------------------------------

    def intervals(self, item: QueueItem) -> dict[int, int] | None:
        """Days until the next review for each grade; None for a re-drill (schedule unchanged)."""
        if item.redrill:
            return None
        from dlcards.scheduler import new_state

        return preview_intervals(item.state.sm2 if item.state else new_state(), self.today)

    def grade(self, item: QueueItem, quality: int, *, answer: str | None = None) -> Row:
        """Record ``quality`` for ``item``; the row is committed before this returns."""
        duration_ms = int((self.timer() - item.shown_at) * 1000)
        threshold = self.settings.leech_threshold
        suspend_at = threshold if self.settings.leech_action == "suspend" else None
        row = self.store.record(
            self.profile,
            item.ref.deck_id,
            item.ref.card_id,
            item.kind,
            quality,
            self.clock(),
            self.today,
            duration_ms=duration_ms,
            instance=item.instance.to_json() if item.instance else None,
            answer=answer,
            suspend_leech_at=suspend_at,
        )
        self._graded.append(row)
        self._actions.append(("grade", row))
        key = item.ref.key
        self.last_leech = None
        if row.kind == "review":
            state = apply_row(self._states.get(key), row)  # what the store just wrote
            if state is not None:
                self._states[key] = state
                self._due.setdefault(key[0], {})[key[1]] = row.due or ""
            if quality < 3 and is_leech(state, threshold):
                self.last_leech = "tagged"
                if suspend_at is not None and state and leech_suspends(state.lapses, threshold):
                    # store.record appended the suspend row with the grade
                    self.last_leech = "suspended"
                    self._leech_suspends.add(row.id)
                    self._suspended.add(key)
                    self._buried.add(key)
        self._remove(item.ref)
        if quality < REDRILL_PASS and self.last_leech != "suspended":
            self._redrills.append(item.ref)
        self._current = None
        return row

    def is_leech(self, item: QueueItem) -> bool:
        """Whether the card has lapsed ``leech_threshold`` times (since its last reset)."""
        return is_leech(item.state, self.settings.leech_threshold)

    def suspend(self, item: QueueItem) -> None:
        """Suspend the card: it leaves this session and every queue until unsuspended."""
        self.store.suspend(
            self.profile, item.ref.deck_id, item.ref.card_id, self.clock(), self.today
        )
        self._suspended.add(item.ref.key)
        self._buried.add(item.ref.key)
        self._actions.append(("suspend", item))
        self._remove(item.ref)
        if self._current is item:
            self._current = None

    def _remove(self, ref: CardRef) -> None:
        if self._queue and self._queue[0].key == ref.key:
            del self._queue[0]  # the usual case: the card just shown
        else:
            self._queue = [r for r in self._queue if r.key != ref.key]
        self._redrills = [r for r in self._redrills if r.key != ref.key]

    def can_undo(self) -> bool:
        return bool(self._actions)

    def undo(self) -> QueueItem | None:
        """Take back this session's last grade, suspension or bury; the card is shown again next.

        A grade is cancelled by an ``undo`` row naming it, a suspension by an
        ``unsuspend`` row (the log stays append-only); a bury is simply lifted.
        :attr:`last_undone` says which it was.
        """
        if not self._actions:
            return None
        action, subject = self._actions.pop()
        if isinstance(subject, QueueItem):
            key, redrill = subject.ref.key, subject.redrill
            if action == "suspend":
                self.store.unsuspend(self.profile, *key, self.clock(), self.today)
                self._suspended.discard(key)
            else:
                self.store.unbury(self.profile, *key, self.today)
            self._buried.discard(key)
        else:
            key, redrill = self._cancel_grade(subject), subject.kind == "drill"
        ref = self._selected_ref(*key) or self._known[key]
        # The undone card is shown now, first in its list; the card that was on screen
        # (if any) is still first in its own, so it comes right after.
        (self._redrills if redrill else self._queue).insert(0, ref)
        self.last_undone = action
        try:
            self._current = self._make_item(ref, redrill)
        except UnusableCard as exc:  # its deck was edited since: the undo stands
            self._set_aside(ref, exc)
            return self.next_card()
        return self._current

    def _cancel_grade(self, row: Row) -> tuple[str, str]:
        """Cancel the grade ``row`` and restore its card's state; the card's key."""
        self._graded.remove(row)
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
            self._due.get(key[0], {}).pop(key[1], None)
        else:
            self._states[key] = state
            self._due.setdefault(key[0], {})[key[1]] = (
                state.sm2.due.isoformat() if state.sm2.due else ""
            )
        self._redrills = self._redrills_from(self.store.day_rows(self.profile, self.today))
        self._redrills = [r for r in self._redrills if r.key != key]
        return key

    def bury(self, item: QueueItem) -> None:
        """Take the card out of today's queue (re-drills too); it is back tomorrow."""
        self.store.bury(self.profile, item.ref.deck_id, item.ref.card_id, self.today)
        self._buried.add(item.ref.key)
        self._actions.append(("bury", item))
        self._remove(item.ref)
        if self._current is item:
            self._current = None

    def reload(self, collection: Collection) -> None:
        """Use a freshly loaded ``collection`` (after a deck was edited), keeping the session.

        Queued cards are matched by (deck id, card id); cards that disappeared leave the
        queue. The card on screen gets its new text (a compute card a new instance if the
        card changed); if it disappeared it stays on screen so it can still be graded.
        """
        self.collection = collection
        self.refs = select_refs(collection, self._deck_ids, self._tags)
        fresh = {r.key: r for r in self.refs}
        self._queue = [fresh[r.key] for r in self._queue if r.key in fresh]
        self._redrills = [fresh[r.key] for r in self._redrills if r.key in fresh]
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

    def next_due(self) -> date | None:
        """The first day after today on which a selected card is due."""
        today = self.today.isoformat()
        days = [d for d in self._due_of_selected() if d > today]
        return date.fromisoformat(min(days)) if days else None

    def unseen_left(self) -> int:
        """Selected cards never reviewed, beyond today's queue (held back by the daily limit)."""
        queued = {r.key for r in self._queue} | self._buried  # buried: suspended ones too
        return sum(
            1 for r in self.refs if r[1] not in self._due.get(r[0], ()) and r.key not in queued
        )

    def buried_count(self) -> int:
        """Selected cards buried until tomorrow (not the suspended or unusable ones)."""
        keys = self._buried - self._suspended - self._unusable
        return sum(1 for r in self.refs if r.key in keys) if keys else 0

    def _due_of_selected(self) -> list[str]:
        """Due dates of the selected cards that have been reviewed (suspended ones left out)."""
        due, suspended = self._due, self._suspended
        return [
            d
            for r in self.refs
            if (d := due.get(r[0], {}).get(r[1])) and (not suspended or r.key not in suspended)
        ]

    # --- the end -----------------------------------------------------------------

    def summary(self) -> SessionSummary:
        reviews = [r for r in self._graded if r.grade is not None]
        tomorrow = (self.today + timedelta(days=1)).isoformat()
        due_tomorrow = sum(1 for d in self._due_of_selected() if d <= tomorrow)
        return SessionSummary(
            reviewed=len({(r.deck_id, r.card_id) for r in reviews}),
            grades=len(reviews),
            passed=sum(1 for r in reviews if r.grade >= 3),
            redrills=sum(1 for r in reviews if r.kind == "drill"),
            seconds=self.timer() - self.started,
            due_tomorrow=due_tomorrow,
        )


def _round_robin(groups, room: int) -> list[CardRef]:
    """Take one card from each deck in turn, in file order, up to ``room``."""
    lists = [list(g) for g in groups]
    result: list[CardRef] = []
    index = 0
    while len(result) < room and any(index < len(g) for g in lists):
        for group in lists:
            if index < len(group) and len(result) < room:
                result.append(group[index])
        index += 1
    return result
