"""Which cards a study day shows, in which order (DESIGN §6).

Due cards (oldest first; ties by deck, then file order), then new cards
round-robin across decks, within the daily limits counted from today's log;
then re-drills, derived from today's log (cards whose last grade today is below
4) so they survive a restart.
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
    due: dict[str, dict[str, str]]  # {deck_id: {card_id: due}} of every reviewed card
    suspended: set[Key]
    buried: set[Key]  # buried today, and the suspended cards: left out of every list
    day_rows: list[Row]  # today's rows, cancelled ones left out
    goal: GoalPlan | None = None  # the interview date's plan, when the profile has one


def plan_day(
    store: Store,
    collection: Collection,
    profile: str,
    settings: Settings,
    today: date,
    refs: Sequence[CardRef],
    limit: int | None,
) -> DayPlan:
    """The day's queue for ``refs``: what is due, then new cards, within the daily limits."""
    # Only due dates for the whole collection (cheap at 100k cards); full
    # states just for the cards this session will show.
    due_dates = store.due_dates(profile)
    day_rows = store.day_rows(profile, today)
    suspended = set(store.suspended(profile))
    # Suspended cards are left out exactly like buried ones (queue and re-drills).
    buried = store.buried(profile, today) | suspended
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
    reviews_done = len(reviews_today) - new_done
    new_limit = settings.new_per_day
    plan = None
    goal = Goal.of(settings)
    if goal is not None:
        table = store.state_table(profile)
        goal_refs = collection.all_refs(list(goal.decks) or None)
        plan = goal_plan(goal, settings, goal_refs, table, suspended, new_done, today)
        if goal.active(today):
            new_limit = plan.new_per_day
            # Shown before the date: a copy of the due dates, the log untouched.
            due_dates = {deck: dict(cards) for deck, cards in due_dates.items()}
            for (deck_id, card_id), state in table.items():
                if state.due and goal.covers(deck_id):
                    moved = moved_due(date.fromisoformat(state.due), state.interval, goal.day)
                    due_dates[deck_id][card_id] = moved.isoformat()
    deck_rank = {d.id: i for i, d in enumerate(collection.decks)}
    today_text = today.isoformat()
    due: list[tuple[str, int, int, CardRef]] = []
    new_by_deck: dict[str, list[CardRef]] = {}
    # The hot loop at 100k cards: plain tuple indexing, no per-card key tuples.
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
    review_room = max(0, settings.reviews_per_day - reviews_done)
    new_room = max(0, new_limit - new_done)
    queue = [t[3] for t in due[:review_room]] + round_robin(new_by_deck.values(), new_room)
    if limit is not None:
        queue = queue[:limit]
    return DayPlan(queue, due_dates, suspended, buried, day_rows, plan)


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
