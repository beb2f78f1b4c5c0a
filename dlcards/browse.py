"""Finding and describing cards: what ``dlcards cards list`` and the TUI browser show.

No UI code. A listing is one SQL query per deck on the parse cache's search table
(ids, tags, front, normalized text), plus the states of the cards it found, so
listing or searching 100,000 cards loads neither their text nor 100,000 objects
of state. Decks the cache does not hold (no cache, or a failed write) are read the
slow way, with the same results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from dlcards.collection import CardRef, Collection, Deck
from dlcards.log import Row, StateRow
from dlcards.search import TAG_SEPARATOR, card_text, matches, terms
from dlcards.store import Store
from dlcards.textsafe import safe_text

MATURE_INTERVAL = 21  # as dlcards.stats: a card is mature from a 21-day interval
STATES = ("new", "learning", "mature", "suspended", "leech")
# Above this many cards, reading every state of the profile at once is faster.
_STATES_BY_KEY = 2000


@dataclass(frozen=True)
class Filters:
    deck_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # a card must have every one
    query: str = ""  # words or "phrases" in the front or back, case and accents ignored
    state: str | None = None  # one of STATES

    @property
    def active(self) -> bool:
        return bool(self.deck_ids or self.tags or terms(self.query) or self.state)


_FILTER = re.compile(r'(tag|deck|is):("[^"]*"|\S+)|"[^"]*"|\S+')


def parse_filters(text: str) -> Filters:
    """The browser's search box: words, "phrases", tag:NAME, deck:ID and is:STATE.

    ``is:`` with an unknown state is kept as words, so nothing typed is lost.
    """
    decks: list[str] = []
    tags: list[str] = []
    words: list[str] = []
    state = None
    for match in _FILTER.finditer(text):
        key, value = match.group(1), (match.group(2) or "").strip('"')
        if key == "tag" and value:
            tags.append(value)
        elif key == "deck" and value:
            decks.append(value)
        elif key == "is" and value in STATES:
            state = value
        else:
            words.append(match.group(0))
    return Filters(tuple(decks), tuple(tags), " ".join(words), state)


class CardRow(NamedTuple):
    """One card as listed: its ref and front, its raw state, and since when it is suspended."""

    ref: CardRef
    front: str | None  # None until fetched (see fill_fronts)
    state: StateRow | None  # None: a new card
    suspended: str | None  # ts of the suspend row, None if not suspended

    @property
    def state_name(self) -> str:
        if self.state is None:
            return "new"
        return "mature" if self.state.interval >= MATURE_INTERVAL else "learning"

    @property
    def lapses(self) -> int:
        return self.state.lapses if self.state else 0

    @property
    def ef(self) -> float | None:
        return self.state.easiness / 100 if self.state else None

    @property
    def interval(self) -> int | None:
        return self.state.interval if self.state else None

    @property
    def due(self) -> str | None:
        return (self.state.due or None) if self.state else None

    @property
    def reviews(self) -> int:
        return self.state.reviews if self.state else 0

    def is_leech(self, threshold: int) -> bool:
        return self.lapses >= threshold

    def has_state(self, state: str, threshold: int) -> bool:
        if state == "suspended":
            return self.suspended is not None
        if state == "leech":
            return self.is_leech(threshold)
        return self.state_name == state

    def as_json(self, threshold: int) -> dict:
        """One element of ``cards list --json`` (its shape is in the README)."""
        ref = self.ref
        return {
            "deck": ref.deck_id,
            "card": ref.card_id,
            "type": ref.type,
            "tags": list(ref.tags),
            "front": self.front,
            "state": self.state_name,
            "suspended": self.suspended is not None,
            "leech": self.is_leech(threshold),
            "ef": self.ef,
            "interval": self.interval,
            "due": self.due,
            "lapses": self.lapses,
            "reviews": self.reviews,
        }


class CardRows(Sequence[CardRow]):
    """The cards a listing found; with ``lazy``, states are read as rows are looked at.

    The browser shows a screenful of 100,000 cards: reading 100,000 states (or
    making 100,000 rows) before painting it would cost more than everything else.
    A lazy listing reads the states of a window of cards around each one asked for.
    """

    WINDOW = 200

    def __init__(
        self,
        store: Store,
        profile: str,
        found: list[tuple[CardRef, str | None]],
        suspended: dict[tuple[str, str], str],
        states: dict | None,
    ) -> None:
        self.refs = [ref for ref, _ in found]
        self._fronts = [front for _, front in found]
        self._store, self._profile = store, profile
        self._suspended = suspended
        self._states = states  # None: read window by window
        self._read: dict[tuple[str, str], StateRow] = {}
        self._windows: set[int] = set()

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.refs)))]
        ref = self.refs[index]
        if self._states is not None:
            state = self._states.get(ref.key)
        else:
            window = (index if index >= 0 else index + len(self.refs)) // self.WINDOW
            if window not in self._windows:
                self._windows.add(window)
                start = window * self.WINDOW
                keys = [r.key for r in self.refs[start : start + self.WINDOW]]
                self._read.update(self._store.state_table(self._profile, keys))
            state = self._read.get(ref.key)
        return CardRow(ref, self._fronts[index], state, self._suspended.get(ref.key))

    def index_of(self, key: tuple[str, str]) -> int | None:
        return next((i for i, ref in enumerate(self.refs) if ref.key == key), None)


def find_cards(
    store: Store,
    collection: Collection,
    profile: str,
    filters: Filters,
    leech_threshold: int,
    *,
    with_front: bool = True,
    lazy: bool = False,
) -> CardRows:
    """The cards matching ``filters``, in deck (discovery) and file order.

    ``lazy`` reads states only for the rows looked at (the browser); a state
    filter needs them all, and so does a full listing (then read in one query).
    """
    found = _matching(collection, filters, with_front)
    suspended = store.suspended(profile)
    states = None
    if not lazy or filters.state:
        keys = [ref.key for ref, _ in found]
        states = store.state_table(profile, keys if len(keys) <= _STATES_BY_KEY else None)
    if filters.state:
        state = filters.state
        found = [
            (ref, front)
            for ref, front in found
            if CardRow(ref, front, states.get(ref.key), suspended.get(ref.key)).has_state(  # type: ignore[union-attr]
                state, leech_threshold
            )
        ]
    return CardRows(store, profile, found, suspended, states)


def _matching(
    collection: Collection, filters: Filters, with_front: bool
) -> list[tuple[CardRef, str | None]]:
    wanted = terms(filters.query)
    decks = [d for d in collection.decks if not filters.deck_ids or d.id in filters.deck_ids]
    cache = collection.cache
    covered = cache.searchable([(d.path, d.digest) for d in decks]) if cache else set()
    found: list[tuple[CardRef, str | None]] = []
    for deck in decks:
        if not wanted and not filters.tags and not with_front and deck.cards_loaded:
            found += [(ref, None) for ref in deck.cards]  # nothing to search: the refs will do
            continue
        rows = None
        if cache is not None and deck.path in covered:
            rows = cache.search(deck.path, wanted, list(filters.tags), with_front=with_front)
        if rows is None:
            found += _matching_slowly(collection, deck, wanted, filters.tags)
            continue
        tagsets: dict[str, tuple[str, ...]] = {}
        deck_id = deck.id
        for row in rows:
            tags = row[3]
            tagset = tagsets.get(tags)
            if tagset is None:
                tagset = tagsets[tags] = tuple(map(safe_text, tags.split(TAG_SEPARATOR)[1:-1]))
            ref = CardRef(deck_id, row[1], row[0], row[2], tagset, row[4])
            # The search index holds the text as written: shown, it must be safe.
            found.append((ref, safe_text(row[5]) if with_front else None))
    return found


def _matching_slowly(
    collection: Collection, deck: Deck, wanted: list[str], tags: Sequence[str]
) -> list[tuple[CardRef, str | None]]:
    found: list[tuple[CardRef, str | None]] = []
    needed = set(tags)
    for ref in deck.cards:
        if needed and not needed.issubset(ref.tags):
            continue
        card = collection.card(ref)
        if wanted and not matches(card_text(card), wanted):
            continue
        found.append((ref, card.front))
    return found


def fill_fronts(collection: Collection, rows: list[CardRow]) -> list[CardRow]:
    """``rows`` with their fronts (read for just these cards)."""
    missing: dict[str, list[int]] = {}
    for row in rows:
        if row.front is None:
            missing.setdefault(row.ref.deck_id, []).append(row.ref.ordinal)
    fronts: dict[tuple[str, int], str] = {}
    cache = collection.cache
    for deck_id, ordinals in missing.items():
        deck = collection.deck(deck_id)
        if deck is None or cache is None or not cache.searchable([(deck.path, deck.digest)]):
            continue
        for ordinal, front in cache.fronts(deck.path, ordinals).items():
            fronts[(deck_id, ordinal)] = safe_text(front)
    result = []
    for row in rows:
        if row.front is None:
            front = fronts.get((row.ref.deck_id, row.ref.ordinal))
            if front is None and collection.deck(row.ref.deck_id) is not None:
                front = collection.card(row.ref).front
            row = row._replace(front=front or "")
        result.append(row)
    return result


def parse_card_key(collection: Collection, text: str) -> CardRef | None:
    """The card named ``DECK:CARD`` among the loaded decks (ids may hold ':' themselves)."""
    for index, char in enumerate(text):
        if char == ":":
            deck = collection.deck(text[:index])
            ref = deck.ref(text[index + 1 :]) if deck else None
            if ref is not None:
                return ref
    return None


def describe_instance(instance: str | None) -> str:
    """A compute row's instance in one line: problem, level, seed and the params."""
    if not instance:
        return ""
    try:
        data = json.loads(instance)
    except ValueError:
        return instance
    if not isinstance(data, dict):
        return instance
    parts = [str(data.get("problem", "?"))]
    if data.get("level") is not None:
        parts.append(f"level {data['level']}")
    if data.get("seed") is not None:
        parts.append(f"seed {data['seed']}")
    params = data.get("params")
    if params:
        parts.append(json.dumps(params, separators=(", ", "=")).strip("{}").replace('"', ""))
    return " · ".join(parts)


def live_rows(rows: list[Row]) -> list[tuple[Row, bool]]:
    """A card's log with, for each row, whether an undo cancelled it."""
    cancelled = {r.cancels for r in rows if r.kind == "undo" and r.cancels}
    return [(row, row.id in cancelled) for row in rows]
