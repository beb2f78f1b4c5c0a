"""Practice: cards regardless of their schedule, weakest first; no UI code.

A practice session shows the selected cards (suspended ones never) in order of
weakness — lowest easiness first, ties by most lapses, then cards never seen —
mixing topics among equally weak cards. Its grades are logged as rows of kind
``practice``, which the replay skips: practising never changes a card's schedule.
Compute-only practice is endless: it goes round the cards again with fresh
numbers until the time or count limit, or until the user stops. The interview
variant shows a clock per card and hides hints (see ``minimal_hint``).

``PracticeSession`` is a ``Session`` (dlcards.study.protocol) like ``StudySession``,
so the review screen and plain mode drive it unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlcards.collection import CardRef, Collection
from dlcards.config import Settings
from dlcards.log import Row
from dlcards.store import Store
from dlcards.study.base import Clock, SessionBase
from dlcards.study.compute import UnusableCard, instance_for, unusable_notice
from dlcards.study.items import QueueItem
from dlcards.study.queue import select_refs

if TYPE_CHECKING:
    import numpy as np

PASS = 3  # a practice answer counts as right from grade 3 (as the session's accuracy)
SLOWEST = 5
# Tags that say how hard a card is, not what it is about: never a topic.
LEVEL_TAGS = frozenset({"beginner", "intermediate", "advanced", "easy", "medium", "hard"})
_LEVEL_TAG = re.compile(r"(level|lvl)-?\d+")


def topic_of(ref: CardRef, deck_tags: Iterable[str] = ()) -> str:
    """A card's topic: its first own tag that is not a level; else its deck."""
    shared = set(deck_tags)
    for tag in ref.tags:
        if tag not in shared and tag not in LEVEL_TAGS and not _LEVEL_TAG.fullmatch(tag):
            return tag
    return ref.deck_id


def weakest_first(
    refs: Sequence[CardRef],
    weakness: dict[tuple[str, str], tuple[int, int]],
    topics: dict[tuple[str, str], str],
) -> list[CardRef]:
    """``refs`` from weakest to strongest, topics mixed among equals.

    ``weakness`` holds (easiness hundredths, lapses) of the cards seen before;
    order: lowest easiness, then most lapses, then the unseen cards. Cards equally
    weak are dealt round-robin over their topics (in order of first appearance),
    each topic's cards in collection order, so one topic never fills a stretch that
    another, as weak, could share.
    """
    groups: dict[tuple[int, ...], list[CardRef]] = {}
    for ref in refs:
        seen = weakness.get(ref.key)
        rank: tuple[int, ...] = (0, seen[0], -seen[1]) if seen is not None else (1,)
        groups.setdefault(rank, []).append(ref)
    ordered: list[CardRef] = []
    for rank in sorted(groups):
        by_topic: dict[str, list[CardRef]] = {}
        for ref in groups[rank]:
            by_topic.setdefault(topics.get(ref.key, ref.deck_id), []).append(ref)
        queues = list(by_topic.values())
        for index in range(max(len(q) for q in queues)):
            ordered += [q[index] for q in queues if index < len(q)]
    return ordered


def minimal_hint(hint: str) -> str:
    """An answer hint cut to what is needed to type an answer (interview mode).

    Drops examples ("e.g. …"), asides in parentheses, alternatives after a dash
    ("— or impossible if …") and sizes, which would give the result's shape away:
    "a 2×2 matrix, rows separated by ; (e.g. 1 2; 3 4)" becomes "a matrix, rows
    separated by ;". A badly typed answer still gets the problem's own message
    saying what it expects.
    """
    text = hint.split(" — ")[0]
    text = re.sub(r"\s*\([^)]*\)", "", text)
    text = re.sub(r",?\s*e\.g\..*$", "", text)
    text = re.sub(r"\b\d+\s*×\s*\d+\s+", "", text)  # "a 2×3 matrix" -> "a matrix"
    text = re.sub(r"^\d+\s+(?=numbers)", "", text)  # "4 numbers" -> "numbers"
    text = text.strip(" ,—-")
    return text or hint


@dataclass(frozen=True)
class PracticeOptions:
    """What to practise and how: the choices of ``dlcards practice`` and Home's c."""

    deck_ids: tuple[str, ...] = ()  # all decks if empty
    tags: tuple[str, ...] = ()  # cards having every one of these
    compute_only: bool = False  # endless compute drills, fresh numbers
    interview: bool = False  # a clock per card, minimal hints
    minutes: float | None = None  # stop after this long
    count: int | None = None  # stop after this many answers


@dataclass(frozen=True)
class TopicScore:
    topic: str
    right: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.right / self.total


@dataclass(frozen=True)
class SlowCard:
    ref: CardRef
    seconds: float
    grade: int


@dataclass(frozen=True)
class PracticeSummary:
    answered: int  # grades given
    right: int  # grades of 3 or more
    seconds: float
    topics: list[TopicScore]  # weakest topic first
    slowest: list[SlowCard]  # the slowest answers, slowest first
    interview: bool = False

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None


class PracticeSession(SessionBase):
    """Practice of one profile's selected cards; see the module's docstring."""

    practice = True

    def __init__(
        self,
        store: Store,
        collection: Collection,
        profile: str,
        settings: Settings,
        *,
        clock: Clock,
        rng: np.random.Generator | None = None,
        timer: Callable[[], float] | None = None,
        options: PracticeOptions | None = None,
    ) -> None:
        options = options or PracticeOptions()
        super().__init__(
            store,
            collection,
            profile,
            settings,
            clock=clock,
            rng=rng,
            timer=timer,
            deck_ids=options.deck_ids,
            tags=options.tags,
        )
        self.compute_only = options.compute_only
        self.interview = options.interview
        self.minutes = options.minutes
        self.count = options.count
        # last_leech stays None: practice never adds lapses.
        suspended = set(store.suspended(profile))
        self.refs = [
            r
            for r in select_refs(collection, self._deck_ids, self._tags)
            if r.key not in suspended and (not self.compute_only or r.type == "compute")
        ]
        table = store.state_table(profile)
        weakness = {key: (s.easiness, s.lapses) for key, s in table.items()}
        deck_tags = {d.id: d.tags for d in collection.decks}
        self.topics = {r.key: topic_of(r, deck_tags.get(r.deck_id, ())) for r in self.refs}
        self._order = weakest_first(self.refs, weakness, self.topics)
        self._position = 0
        self.rounds = 1

    # --- the order -----------------------------------------------------------------

    @property
    def endless(self) -> bool:
        """Compute drills go round again with fresh numbers; other practice ends."""
        return self.compute_only

    def time_left(self) -> float | None:
        if self.minutes is None:
            return None
        return max(0.0, self.minutes * 60 - (self.timer() - self.started))

    def _over(self) -> bool:
        if self.count is not None and len(self._graded) >= self.count:
            return True
        left = self.time_left()
        return left is not None and left <= 0

    def _next_ref(self) -> tuple[CardRef, bool] | None:
        if self._over() or not self._order:
            return None
        if self._position >= len(self._order):
            if not self.endless:
                return None
            self._position = 0
            self.rounds += 1
        ref = self._order[self._position]
        self._position += 1
        return ref, False

    def _make_item(self, ref: CardRef, drill: bool = False) -> QueueItem:
        card = self.collection.card(ref)
        state = self.store.state(self.profile, *ref.key)
        item = QueueItem(ref, card, False, state, shown_at=self.timer(), practice=True)
        item.instance = instance_for(card, state, self._rng)
        return item

    def _forget(self, ref: CardRef) -> None:
        before = self._order[: self._position]
        self._position -= sum(1 for r in before if r.key == ref.key)
        self._order = [r for r in self._order if r.key != ref.key]

    # --- acting on the current card --------------------------------------------------

    def intervals(self, item: QueueItem) -> dict[int, int] | None:
        return None  # practice never changes the schedule

    def grade(self, item: QueueItem, quality: int, *, answer: str | None = None) -> Row:
        """Log a ``practice`` row (committed when this returns); the schedule is unchanged."""
        row = self._record(item, "practice", quality, answer)
        self._current = None
        return row

    def undo(self) -> QueueItem | None:
        """Take back the last answer, skip or suspension; its card is shown again next."""
        if not self._actions:
            return None
        done = self._actions.pop()
        item = done.item
        if done.row is not None:
            self._graded.pop()
            self.store.undo(self.profile, done.row.id, self.clock(), self.today)
        elif done.action == "suspend":
            self.store.unsuspend(
                self.profile, item.ref.deck_id, item.ref.card_id, self.clock(), self.today
            )
        if self._current is not None:
            self._position -= 1  # the card on screen comes back after the undone one
            self._current = None
        if done.row is None:
            # A skipped or suspended card left the order: it goes back where it is shown now.
            self._order.insert(self._position, item.ref)
            self._position += 1
        # Shown now, as the card on screen (which the UI shows without asking next_card).
        return self._show_again(item.ref, False, done)

    def skip(self, item: QueueItem) -> None:
        """Leave the card out of the rest of this practice (the schedule has no say here)."""
        self._leave(item, "skip")

    def put_aside(self, item: QueueItem) -> None:
        """The b key: skip the card for the rest of this practice."""
        self.skip(item)

    def remaining(self) -> int | None:
        """Cards left to show, the one on screen included (as a study session counts);
        None when endless."""
        if self.endless:
            return None
        left = len(self._order) - self._position
        left += self._current is not None
        if self.count is not None:
            left = min(left, self.count - len(self._graded))
        return max(0, left)

    def reload(self, collection: Collection) -> None:
        """Use a freshly loaded collection (after an edit), keeping the practice's place."""
        self.collection = collection
        fresh = {r.key: r for r in select_refs(collection, self._deck_ids, self._tags)}
        shown = {r.key for r in self._order[: self._position]}
        self._order = [fresh[r.key] for r in self._order if r.key in fresh]
        self._position = sum(1 for r in self._order if r.key in shown)
        current = self._current
        if current is not None and current.ref.key in fresh:
            ref = fresh[current.ref.key]
            card = collection.card(ref)
            if card != current.card:
                try:
                    self._current = self._make_item(ref)
                except UnusableCard as exc:  # the edit broke it: keep what is on screen
                    self.notices.append(unusable_notice(*ref.key, exc))
                    return
                self._current.shown_at = current.shown_at

    # --- the end ------------------------------------------------------------------

    def summary(self) -> PracticeSummary:
        rows = [(row, item) for row, item in self._graded if row.grade is not None]
        by_topic: dict[str, list[int]] = {}
        for row, item in rows:
            score = by_topic.setdefault(self.topics.get(item.ref.key, item.ref.deck_id), [0, 0])
            score[0] += _passed(row)
            score[1] += 1
        topics = sorted(
            (TopicScore(topic, right, total) for topic, (right, total) in by_topic.items()),
            key=lambda t: (t.accuracy, -t.total, t.topic),
        )
        slow = sorted(rows, key=lambda pair: -(pair[0].duration_ms or 0))[:SLOWEST]
        return PracticeSummary(
            answered=len(rows),
            right=sum(1 for row, _ in rows if _passed(row)),
            seconds=self.timer() - self.started,
            topics=topics,
            slowest=[
                SlowCard(item.ref, (row.duration_ms or 0) / 1000, row.grade or 0)
                for row, item in slow
            ],
            interview=self.interview,
        )


def _passed(row: Row) -> bool:
    return row.grade is not None and row.grade >= PASS
