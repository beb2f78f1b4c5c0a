"""A loaded deck: its header and its cards' refs, decoded from the parse cache only
when a command needs every card.

At 100,000 cards, decoding the whole index costs a quarter of a second and ~25 MB of
tuples; the day's queue needs a few hundred refs, which the cache gives one B-tree
seek each (``refs_by_id``), and counting needs the ids alone (``card_ids``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dlcards.deck_cache import RefRow
from dlcards.deck_index import CardRef

# Reads some of the deck's refs from the parse cache by card id; None when the cache
# cannot answer for the deck as loaded (then the index is decoded).
RefReader = Callable[[Sequence[str]], list[RefRow] | None]


@dataclass
class Deck:
    id: str
    name: str
    description: str | None
    path: Path
    shipped: bool
    digest: str
    # The cards, or how to decode them from the cache: a search or a listing at
    # 100k cards reads the cache's search table and never needs this list.
    _cards: list[CardRef] | Callable[[], list[CardRef]] = field(repr=False)
    warnings: list[str] = field(default_factory=list)
    overrides_shipped: bool = False
    tags: tuple[str, ...] = ()  # the deck's own tags (every card has them too)
    # The card ids alone, read from the cached index without a CardRef each: counting
    # a deck's new and due cards needs no more (None: taken from ``cards``).
    _ids: Callable[[], list[str]] | None = field(default=None, repr=False)
    # Single refs from the cache (None: taken from ``cards``).
    _read_refs: RefReader | None = field(default=None, repr=False)
    # The card types the deck has ("basic", "choice", "compute"), read from the cached
    # index's one-letter column (None: taken from ``cards``).
    _types: Callable[[], frozenset[str]] | None = field(default=None, repr=False)
    _by_id: dict[str, CardRef] | None = field(default=None, init=False, repr=False)

    @property
    def cards(self) -> list[CardRef]:
        if callable(self._cards):
            self._cards = self._cards()
        return self._cards

    @property
    def cards_loaded(self) -> bool:
        """Whether ``cards`` is at hand (else reading it decodes the cache's index)."""
        return not callable(self._cards)

    def card_ids(self) -> list[str]:
        """The cards' ids in deck order; from the cache's index when ``cards`` is not
        decoded yet (100k CardRefs cost a second; their ids alone, one split)."""
        if self._ids is None or self.cards_loaded:
            return [ref.card_id for ref in self.cards]
        return self._ids()

    def has_type(self, card_type: str) -> bool:
        if self._types is None or self.cards_loaded:
            return any(ref.type == card_type for ref in self.cards)
        return card_type in self._types()

    def ref(self, card_id: str) -> CardRef | None:
        if self.cards_loaded or self._read_refs is None:
            return self._index().get(card_id)
        return self.refs_by_id([card_id]).get(card_id)

    def refs_by_id(self, card_ids: Iterable[str]) -> dict[str, CardRef]:
        """The refs of those of ``card_ids`` that the deck has."""
        wanted = list(card_ids)
        if not wanted:
            return {}
        rows = self._cached_rows(wanted)
        if rows is None:
            index = self._index()
            return {card_id: index[card_id] for card_id in wanted if card_id in index}
        return {row[1]: self._ref_of(row) for row in rows}

    def _cached_rows(self, ids: Sequence[str]) -> list[RefRow] | None:
        if self.cards_loaded or self._read_refs is None:
            return None
        return self._read_refs(ids)

    def _ref_of(self, row: RefRow) -> CardRef:
        from dlcards.search import tags_from_column

        ordinal, card_id, card_type, tags, line = row
        return CardRef(self.id, card_id, ordinal, card_type, tags_from_column(tags), line)

    def _index(self) -> dict[str, CardRef]:
        if self._by_id is None:
            self._by_id = {ref.card_id: ref for ref in self.cards}
        return self._by_id
