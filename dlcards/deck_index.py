"""A deck's card index as the parse cache keeps it: columns that 100k cards decode from
in a few C calls (see ``dlcards.deck_cache.CachedDeck.refs``), and the light
``CardRef`` each card becomes."""

from __future__ import annotations

import json
from itertools import repeat
from typing import Any, NamedTuple


class CardRef(NamedTuple):
    """What the queue needs of a card, without its text (a tuple: 100k are made at start-up)."""

    deck_id: str
    card_id: str
    ordinal: int
    type: str
    tags: tuple[str, ...]
    line: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.deck_id, self.card_id)


_TYPE_CODES = {"basic": "b", "choice": "c", "compute": "m"}
_TYPE_NAMES = {code: name for name, code in _TYPE_CODES.items()}


def refs_to_columns(refs: list[CardRef]) -> dict[str, Any]:
    tagsets: dict[tuple[str, ...], int] = {}
    return {
        # ids never contain whitespace, so a newline separates them safely
        "ids": "\n".join(r.card_id for r in refs),
        "types": "".join(_TYPE_CODES[r.type] for r in refs),
        "tags": [tagsets.setdefault(r.tags, len(tagsets)) for r in refs],
        "tagsets": [list(t) for t in tagsets],
        "lines": [r.line for r in refs],
    }


# How json.dumps writes the index (deck_cache.store): its first key is "ids".
_IDS_PREFIX = '{"ids": '
_TYPES_KEY = ', "types": '


def ids_from_json(refs_json: str | None) -> list[str]:
    """The "ids" column of a cached index, decoding only that column when it leads
    (the others hold a number per card that counting does not need)."""
    if not refs_json:
        return []
    if refs_json.startswith(_IDS_PREFIX):
        ids, _ = json.JSONDecoder().raw_decode(refs_json, len(_IDS_PREFIX))
    else:
        ids = json.loads(refs_json).get("ids")
    return ids.split("\n") if isinstance(ids, str) and ids else []


def types_from_json(refs_json: str | None) -> frozenset[str]:
    """The card types a cached index has, from its one-letter "types" column (the
    second key: the ids before it are skipped by the C decoder, not split)."""
    if not refs_json:
        return frozenset()
    decoder = json.JSONDecoder()
    types = None
    if refs_json.startswith(_IDS_PREFIX):
        _, end = decoder.raw_decode(refs_json, len(_IDS_PREFIX))
        if refs_json.startswith(_TYPES_KEY, end):
            types, _ = decoder.raw_decode(refs_json, end + len(_TYPES_KEY))
    if types is None:
        types = json.loads(refs_json).get("types")
    return frozenset(_TYPE_NAMES[code] for code in set(types or ""))


def refs_from_columns(deck_id: str, columns: dict[str, Any]) -> list[CardRef]:
    ids = columns["ids"].split("\n") if columns.get("ids") else []
    tagsets = [tuple(t) for t in columns["tagsets"]]
    types = [_TYPE_NAMES[c] for c in columns["types"]]
    # CardRef._make is tuple.__new__: no Python-level call per card
    return list(
        map(
            CardRef._make,
            zip(
                repeat(deck_id, len(ids)),
                ids,
                range(len(ids)),
                types,
                map(tagsets.__getitem__, columns["tags"]),
                columns["lines"],
                strict=True,
            ),
        )
    )
