"""The review log as data: rows, card states, and the replay that turns one into the other.

The log is the source of truth (DESIGN §5); a card's state is the replay of its
rows ordered by (ts, id), cancelled rows skipped, only the kinds that schedule
applied. ``dlcards.store`` keeps these in SQLite; this module has no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, get_args

from dlcards.scheduler import (
    INITIAL_EASINESS,
    MAX_INTERVAL,
    MIN_EASINESS,
    PASSING_QUALITY,
    State,
    new_state,
    review,
)

if TYPE_CHECKING:
    from dlcards.fsrs_scheduler import FsrsScheduler, Memory

K = TypeVar("K")  # a card's key in a replay: (deck_id, card_id), or what the caller keys by

GradeKind = Literal["review", "drill", "practice"]  # rows that carry a grade
# Rows that act on a card without a grade; they merge between machines like grades.
CardEventKind = Literal["suspend", "unsuspend", "reset"]
RowKind = Literal[GradeKind, "undo", CardEventKind]

SCHEDULING_KINDS: tuple[RowKind, ...] = ("review", "reset")  # those that change SM-2 state
GRADE_KINDS: tuple[GradeKind, ...] = get_args(GradeKind)
CARD_EVENT_KINDS: tuple[CardEventKind, ...] = get_args(CardEventKind)
ROW_KINDS: tuple[RowKind, ...] = (*GRADE_KINDS, "undo", *CARD_EVENT_KINDS)


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's schedule plus the counts the app shows (lapses, reviews).

    ``sm2`` is the schedule in SM-2's shape. Under FSRS (issue 17) its interval and
    due are FSRS's, repetitions counts passes since the last lapse, easiness stays
    2.50 (FSRS has none), and ``memory`` holds FSRS's stability and difficulty.
    """

    sm2: State
    lapses: int = 0
    reviews: int = 0
    memory: Memory | None = None


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    profile: str
    deck_id: str
    card_id: str
    ts: str
    study_day: str
    kind: RowKind
    grade: int | None
    duration_ms: int | None = None
    instance: str | None = None
    answer: str | None = None
    cancels: str | None = None
    repetitions: int | None = None
    easiness: int | None = None
    interval: int | None = None
    due: str | None = None


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


_NEW_AGAIN = CardState(new_state())  # after a reset; 0 reviews: the cache keeps no row


# The last study day from which a review can still add the longest interval: a row
# read from a database is trusted no further than the calendar goes.
LAST_SAFE_DAY = date.max - timedelta(days=MAX_INTERVAL + 1)


def safe_day(text: object) -> date | None:
    """The study day a stored row names, clamped to the calendar SM-2 can use; None if
    it is not a date at all. (Imports refuse such rows; this is for rows already stored.)"""
    if not isinstance(text, str):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return min(day, LAST_SAFE_DAY)


def canonical_due(due: object) -> bool:
    """Whether a stored due date is one as dlcards writes it: ``YYYY-MM-DD``, a day the
    calendar has, from year 1 to ``LAST_SAFE_DAY``. ``state_from_row`` reads such a date
    unchanged, and such dates compare as text as they do as dates, so SQL over the
    cache may compare them as text. The one definition: every other check derives
    from it (``Store._odd_dues``)."""
    day = safe_day(due)
    return day is not None and day.isoformat() == due


def safe_grade(grade: object) -> int | None:
    """A stored grade clamped to 0–5; None if it is not an integer at all."""
    if isinstance(grade, bool) or not isinstance(grade, int):
        return None
    return max(0, min(5, grade))


def apply_row(
    state: CardState | None, row: Row, fsrs: FsrsScheduler | None = None
) -> CardState | None:
    """One step of the replay: how a (not cancelled) row changes a card's state.

    Reads only ``kind``, ``grade`` and ``study_day`` (the merge replays millions of
    rows through light tuples). A ``reset`` makes the card new: a state with no
    reviews, which the cache stores as no row at all. With ``fsrs`` the schedule is
    FSRS's, else SM-2's: the log is the same, only the replay differs. A row read
    from a database is not trusted (defence in depth, besides the checks of
    ``progress import``): its grade and day are clamped, and one that is no grade or
    no date changes nothing, so one bad row never stops the profile.
    """
    kind = row.kind
    if kind == "reset":
        return _NEW_AGAIN
    if kind != "review" or row.grade is None:
        return state
    grade, day = safe_grade(row.grade), safe_day(row.study_day)
    if grade is None or day is None:
        return state
    current = state or _NEW_AGAIN
    lapses, reviews = current.lapses + (grade < PASSING_QUALITY), current.reviews + 1
    if fsrs is None:
        return CardState(review(current.sm2, grade, day), lapses, reviews)
    if current.reviews and current.memory is None:
        # A state read from the cache has no FSRS memory: replaying from it would
        # silently treat a reviewed card as new.
        raise ValueError("an FSRS step needs the card's memory: replay its log")
    memory, interval = fsrs.review(current.memory, grade, day)
    passes = current.sm2.repetitions + 1 if grade >= PASSING_QUALITY else 0
    schedule = State(passes, current.sm2.easiness_hundredths, interval, day + timedelta(interval))
    return CardState(schedule, lapses, reviews, memory)


# What replay_sm2 keeps of a card while it folds: repetitions, easiness (hundredths),
# interval, lapses, reviews and the day of the last review.
_Fold = list[Any]
_NOT_SEEN = object()


def replay_sm2(steps: Iterable[tuple[K, object, object, object]]) -> dict[K, CardState]:
    """SM-2 states from ``(card, kind, grade, study_day)`` steps in replay order
    (cancelled rows already left out): ``apply_row`` without FSRS, step after step,
    for the millions of rows an import replays.

    The same arithmetic as ``scheduler.review`` and the same clamping as
    ``apply_row``, on plain integers: no State or CardState per row, each distinct
    day parsed once, and the due date (the last review's day + the interval) made
    once per card at the end. A card with a step that changes its state (a review,
    a reset) gets an entry; after a reset and no review since, its ``reviews`` is 0.
    """
    days: dict[object, date | None] = {}
    cards: dict[K, _Fold] = {}
    for key, kind, grade, study_day in steps:
        if kind == "reset":
            cards[key] = [0, INITIAL_EASINESS, 0, 0, 0, None]
            continue
        if kind != "review":
            continue
        quality = grade if type(grade) is int and 0 <= grade <= 5 else safe_grade(grade)
        day = days.get(study_day, _NOT_SEEN)
        if day is _NOT_SEEN:
            day = days[study_day] = safe_day(study_day)
        if quality is None or day is None:
            continue
        card = cards.get(key)
        if card is None:
            card = cards[key] = [0, INITIAL_EASINESS, 0, 0, 0, None]
        repetitions, easiness, interval = card[0], card[1], card[2]
        if quality < PASSING_QUALITY:
            card[0], card[2], card[3] = 0, 1, card[3] + 1
        else:
            d = 5 - quality
            easiness = max(MIN_EASINESS, easiness + 10 - d * (8 + 2 * d))
            if repetitions == 0:
                interval = 1
            elif repetitions == 1:
                interval = 6
            else:
                interval = min(MAX_INTERVAL, -(-interval * easiness // 100))
            card[0], card[1], card[2] = repetitions + 1, easiness, interval
        card[4] += 1
        card[5] = day
    return {
        key: CardState(
            State(r, e, i, last + timedelta(days=i) if last is not None else None), lapses, n
        )
        for key, (r, e, i, lapses, n, last) in cards.items()
    }


@dataclass(frozen=True)
class Replayed:
    """What a log replays to: card states (reviewed cards only) and suspended cards."""

    states: dict[tuple[str, str], CardState]
    suspended: dict[tuple[str, str], str]  # card -> ts of the suspend row in force


def replay_log(rows: Iterable[Row], fsrs: FsrsScheduler | None = None) -> Replayed:
    """States and suspensions from a log: ordered by (ts, id), cancelled rows skipped.

    With ``fsrs`` the states are FSRS's, else SM-2's."""
    ordered = sorted(rows, key=lambda r: (r.ts, r.id))
    cancelled = {r.cancels for r in ordered if r.kind == "undo" and r.cancels}
    states: dict[tuple[str, str], CardState] = {}
    suspended: dict[tuple[str, str], str] = {}
    for row in ordered:
        if row.id in cancelled:
            continue
        key = (row.deck_id, row.card_id)
        if row.kind == "suspend":
            suspended[key] = row.ts
        elif row.kind == "unsuspend":
            suspended.pop(key, None)
        after = apply_row(states.get(key), row, fsrs)
        if after is not None:
            states[key] = after
    # A card reset and not reviewed since is new: like the cache, no entry for it.
    return Replayed({k: s for k, s in states.items() if s.reviews}, suspended)


def replay(
    rows: Iterable[Row], fsrs: FsrsScheduler | None = None
) -> dict[tuple[str, str], CardState]:
    """Card states from a log: ordered by (ts, id), cancelled rows skipped."""
    return replay_log(rows, fsrs).states


def is_leech(state: CardState | None, threshold: int) -> bool:
    """A leech: a card forgotten ``threshold`` times or more (lapses since its last reset)."""
    return state is not None and state.lapses >= threshold


def leech_suspends(lapses: int, threshold: int) -> bool:
    """Whether the lapse that brought a card to ``lapses`` suspends it (leech_action "suspend").

    At the threshold, then again every half threshold (as Anki does), so a leech the
    user unsuspended without rewriting comes back to their attention.
    """
    if lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


class StateRow(NamedTuple):
    """A card's state as the cache stores it: for listing many cards (a tuple, cheap)."""

    repetitions: int
    easiness: int  # hundredths
    interval: int
    due: str  # ISO date, "" if none
    lapses: int
    reviews: int


def _count(value: object, low: int = 0, high: int | None = None) -> int:
    """A stored integer clamped to [low, high]; ``low`` if it is not an integer."""
    if isinstance(value, bool) or not isinstance(value, int):
        return low
    value = max(low, value)
    return value if high is None else min(high, value)


def state_from_row(row: Sequence[object]) -> CardState:
    """A cached state as read from the database, clamped to what SM-2 can go on from
    (an interval above the cap, a due date past the calendar, a malformed value).

    ``row`` is (repetitions, easiness, interval, due, lapses, reviews) as SQLite
    returned them: a damaged database may hold any type in any column."""
    repetitions, easiness, interval, due, lapses, reviews = row
    due_day = safe_day(due) if due else None
    sm2 = State(
        _count(repetitions),
        _count(easiness, MIN_EASINESS),  # not an integer (None too): the minimum
        _count(interval, 0, MAX_INTERVAL),
        due_day,
    )
    return CardState(sm2, _count(lapses), _count(reviews))


def with_state(row: Row, state: CardState | None) -> Row:
    sm2 = (state or CardState(new_state())).sm2
    return replace(
        row,
        repetitions=sm2.repetitions,
        easiness=sm2.easiness_hundredths,
        interval=sm2.interval,
        due=sm2.due.isoformat() if sm2.due else None,
    )
