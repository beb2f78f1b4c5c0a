"""Which cards a study day shows, in which order (DESIGN §6).

Due cards (oldest first; ties by deck, then file order), then new cards
round-robin across decks, within the daily limits counted from today's log;
then re-drills, derived from today's log (cards whose last grade today is below
4) so they survive a restart. The queue is read from the indexes
(``dlcards.study.day_queue``); ``plan_over_every_card`` builds the same queue over
every card, for the interview-date goal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dlcards.collection import CardRef, Collection
from dlcards.config import Settings
from dlcards.goal import Goal, GoalPlan, moved_due
from dlcards.goal import plan as goal_plan
from dlcards.log import Row
from dlcards.store import Store
from dlcards.study.day_queue import due_cards, new_cards_by_deck, selected_decks

DRILL_PASS = 4  # a re-drill graded below this goes to the back of the re-drills
Key = tuple[str, str]  # (deck id, card id)


def select_refs(
    collection: Collection, deck_ids: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[CardRef]:
    """Cards of the chosen decks (all if none) having every one of ``tags``."""
    refs = collection.all_refs(deck_ids or None)
    if tags:
        wanted = set(tags)
        refs = [r for r in refs if wanted.issubset(r.tags)]
    return refs


@dataclass
class DayPlan:
    """The day's queue as it stands when the session starts."""

    queue: list[CardRef]  # due cards, then new ones, within the limits
    reviewed: set[Key]  # the queued cards that have a state (the due ones)
    suspended: set[Key]
    buried: set[Key]  # buried today, and the suspended cards: left out of every list
    day_rows: list[Row]  # today's rows, cancelled ones left out
    goal: GoalPlan | None = None  # the interview date's plan, when the profile has one
    # {deck_id: {card_id: due}} of every reviewed card, as the goal moved them; None
    # without a goal (the session reads due dates from the store if it needs them).
    due: dict[str, dict[str, str]] | None = None


@dataclass
class _Allowance:
    """What today's log leaves of the daily limits."""

    reviews: int
    new: int


def plan_day(
    store: Store,
    collection: Collection,
    profile: str,
    settings: Settings,
    today: date,
    deck_ids: Sequence[str],
    tags: Sequence[str],
    limit: int | None,
) -> DayPlan:
    """The day's queue for the selected cards: what is due, then new cards, within the
    daily limits. Read from the indexes (``dlcards.study.day_queue``) at any size of
    collection; built over every card only for the interview-date goal."""
    day_rows = store.day_rows(profile, today)
    suspended = set(store.suspended(profile))
    # Suspended cards are left out exactly like buried ones (queue and re-drills).
    buried = store.buried(profile, today) | suspended
    new_done, reviews_done = _done_today(store, profile, today, day_rows)
    room = _Allowance(
        max(0, settings.reviews_per_day - reviews_done), max(0, settings.new_per_day - new_done)
    )
    goal = Goal.of(settings)
    if goal is not None:
        refs = select_refs(collection, deck_ids, tags)
        return _plan_with_goal(
            store,
            collection,
            profile,
            settings,
            today,
            refs,
            limit,
            goal,
            new_done,
            room,
            DayPlan([], set(), suspended, buried, day_rows),
        )
    decks = selected_decks(collection, deck_ids)
    due = due_cards(store, profile, today, decks, tags, buried, room.reviews)
    new = round_robin(new_cards_by_deck(store, profile, decks, tags, buried, room.new), room.new)
    queue = due + new
    if limit is not None:
        queue = queue[:limit]
    return DayPlan(queue, {r.key for r in due}, suspended, buried, day_rows)


def _done_today(store: Store, profile: str, today: date, day_rows: list[Row]) -> tuple[int, int]:
    """New cards introduced and reviewed cards graded today, from today's log."""
    reviews_today: dict[Key, int] = {}
    for row in day_rows:
        if row.kind == "review":
            key = (row.deck_id, row.card_id)
            reviews_today[key] = reviews_today.get(key, 0) + 1
    reviewed = store.states_for(profile, reviews_today)
    reset_today = {(r.deck_id, r.card_id) for r in day_rows if r.kind == "reset"}

    def new_today(key: Key, reviews: int) -> bool:
        """Whether the card was introduced (reviewed while new) today."""
        if key in reset_today or key not in reviewed:  # a reset blurs the state: ask the log
            return introduced_on(store.card_rows(profile, *key), today)
        return reviewed[key].reviews == reviews  # every review since it was new is today's

    new_done = sum(1 for key, n in reviews_today.items() if new_today(key, n))
    return new_done, len(reviews_today) - new_done


def _plan_with_goal(
    store: Store,
    collection: Collection,
    profile: str,
    settings: Settings,
    today: date,
    refs: Sequence[CardRef],
    limit: int | None,
    goal: Goal,
    new_done: int,
    room: _Allowance,
    plan: DayPlan,
) -> DayPlan:
    """The queue under an interview date, which moves every due date before the day:
    built over every card, as ``plan_over_every_card`` builds it."""
    due_dates = store.due_dates(profile)
    table = store.state_table(profile)
    goal_refs = collection.all_refs(list(goal.decks) or None)
    plan.goal = goal_plan(goal, settings, goal_refs, table, plan.suspended, new_done, today)
    if goal.active(today):
        room.new = max(0, plan.goal.new_per_day - new_done)
        # Shown before the date: a copy of the due dates, the log untouched.
        due_dates = {deck: dict(cards) for deck, cards in due_dates.items()}
        for (deck_id, card_id), state in table.items():
            if state.due and goal.covers(deck_id):
                moved = moved_due(date.fromisoformat(state.due), state.interval, goal.day)
                due_dates[deck_id][card_id] = moved.isoformat()
    deck_rank = {d.id: i for i, d in enumerate(collection.decks)}
    plan.queue, plan.reviewed = plan_over_every_card(
        refs, due_dates, deck_rank, plan.buried, today, room.reviews, room.new, limit
    )
    plan.due = due_dates
    return plan


def plan_over_every_card(
    refs: Sequence[CardRef],
    due_dates: dict[str, dict[str, str]],
    deck_rank: dict[str, int],
    buried: set[Key],
    today: date,
    review_room: int,
    new_room: int,
    limit: int | None,
) -> tuple[list[CardRef], set[Key]]:
    """The queue built over every selected card (O(cards)): the due ones sorted by
    (due, deck rank, position), then new ones round robin; and the due ones' keys."""
    today_text = today.isoformat()
    due: list[tuple[str, int, int, CardRef]] = []
    new_by_deck: dict[str, list[CardRef]] = {}
    # The hot loop: plain tuple indexing, no per-card key tuples.
    due_of: dict[str, str] = {}
    last_deck = None
    rank = 0
    for ref in refs:
        deck_id, card_id = ref[0], ref[1]
        if deck_id != last_deck:
            due_of, last_deck = due_dates.get(deck_id, {}), deck_id
            rank = deck_rank[deck_id]
        due_date = due_of.get(card_id)
        if due_date is None:
            if not buried or (deck_id, card_id) not in buried:
                new_by_deck.setdefault(deck_id, []).append(ref)
        elif due_date <= today_text and (not buried or (deck_id, card_id) not in buried):
            due.append((due_date, rank, ref[2], ref))
    due.sort()  # (due, deck rank, file order) is unique: refs are never compared
    due_refs = [t[3] for t in due[:review_room]]
    queue = due_refs + round_robin(new_by_deck.values(), new_room)
    if limit is not None:
        queue = queue[:limit]
    return queue, {r.key for r in due_refs}


def introduced_on(rows: Iterable[Row], day: date) -> bool:
    """Replay one card's log: was a review of ``day`` made while the card was new?

    Only for cards reset today or without a state (rare): a card reviewed yesterday
    and reset today was not a new card today, one reset yesterday and studied today was.
    """
    rows = list(rows)
    cancelled = {r.cancels for r in rows if r.kind == "undo"}
    is_new, introduced = True, False
    for row in rows:
        if row.id in cancelled:
            continue
        if row.kind == "reset":
            is_new = True
        elif row.kind == "review" and row.grade is not None:
            introduced |= is_new and row.study_day == day.isoformat()
            is_new = False
    return introduced


def failing_today(day_rows: Iterable[Row]) -> list[Key]:
    """Cards whose last grade today is below ``DRILL_PASS``, in the order they failed."""
    last: dict[Key, Row] = {}
    for row in day_rows:
        if row.kind in ("review", "drill") and row.grade is not None:
            last[(row.deck_id, row.card_id)] = row
        elif row.kind == "reset":  # a card made new again owes no re-drill
            last.pop((row.deck_id, row.card_id), None)
    failing = sorted(
        (row for row in last.values() if row.grade is not None and row.grade < DRILL_PASS),
        key=lambda r: (r.ts, r.id),
    )
    return [(r.deck_id, r.card_id) for r in failing]


def round_robin(groups: Iterable[Sequence[CardRef]], room: int) -> list[CardRef]:
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
