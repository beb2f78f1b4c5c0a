"""Text search over cards: case- and accent-insensitive, the same on both sides.

Each card's front and back (and a choice card's options, a compute card's problem,
the card's id) are normalized once, when its deck is parsed, and kept in the parse
cache; a query is normalized the same way and matched there with ``instr`` in SQL,
so searching 100,000 cards never loads them into Python.
"""

from __future__ import annotations

import re
import unicodedata

from dlcards.cards import Card, ChoiceCard, ComputeCard, source_line

TAG_SEPARATOR = "\x1f"  # tags stored as \x1fa\x1fb\x1f: a whole tag matches with instr
_QUOTED = re.compile(r'"([^"]*)"|(\S+)')
_ID_WORDS = re.compile(r"[-_]+")


def normalize(text: str) -> str:
    """Casefolded, accents stripped (NFKD, combining marks dropped), whitespace collapsed.

    "Résumé" and "RESUME" both give "resume"; "ﬁ" gives "fi".
    """
    return normalize_many([text])[0]


_SEPARATOR = "\x00"  # not whitespace, untouched by all of the below, never in a card
_ASCII = bytes(range(128))
_FEW = 64  # distinct non-ASCII characters handled one by one; more: the whole text at once


def normalize_many(texts: list[str]) -> list[str]:
    """``normalize`` of each text, done on all of them joined.

    Per card, casefold and NFKD made a 100,000-card deck's first parse seconds
    slower. Joined, ASCII is lowercased as bytes, and each distinct non-ASCII
    character (a deck has few) is folded once and replaced everywhere. Every step
    works character by character (NFKD only reorders combining marks, which are
    dropped), so the result is the same as folding each text alone.
    """
    if not texts:
        return []
    if any(_SEPARATOR in text for text in texts):
        return [_collapse(_fold(text)) for text in texts]
    joined = _SEPARATOR.join(texts)
    data = joined.encode("utf-8")
    rare = set(data.translate(None, _ASCII).decode("utf-8"))  # the non-ASCII characters
    if not rare:
        folded = data.lower().decode("ascii")
    elif len(rare) > _FEW:
        folded = _fold(joined)
    else:
        folded = data.lower().decode("utf-8")
        for char in rare:
            folded = folded.replace(char, _fold(char))
    return [part.strip(" ") for part in _collapse(folded).split(_SEPARATOR)]


def _fold(text: str) -> str:
    """Casefold, NFKD, combining marks dropped (casefold again: NFKD can give capitals)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    marks = [c for c in set(decomposed) if not c.isascii() and unicodedata.combining(c)]
    if marks:
        decomposed = decomposed.translate(dict.fromkeys(map(ord, marks)))
    return decomposed.casefold()


def _collapse(text: str) -> str:
    return " ".join(text.split())


def raw_text(card: Card) -> str:
    """What a search looks in, before normalizing: front, back, source, options, problem, id.

    The id is there whole and as words (split at - and _): the browser and ``cards
    list`` show it, and a compute card without a front shows nothing else.
    """
    parts = [card.front, card.back, source_line(card.source)]
    if isinstance(card, ChoiceCard):
        parts += card.choices
    elif isinstance(card, ComputeCard):
        parts += [card.problem, card.problem.replace("_", " ")]
    words = _ID_WORDS.sub(" ", card.id).strip()
    parts += [card.id, words if words != card.id else ""]
    return "\n".join(p for p in parts if p)


def card_text(card: Card) -> str:
    """What a search looks in, normalized (``card_texts`` for a whole deck)."""
    return normalize(raw_text(card))


def card_texts(cards: list[Card]) -> list[str]:
    return normalize_many([raw_text(card) for card in cards])


def terms(query: str) -> list[str]:
    """The query's terms, normalized: words, or "quoted phrases"; a card must hold them all."""
    found = []
    for match in _QUOTED.finditer(query):
        term = normalize(match.group(1) if match.group(1) is not None else match.group(2))
        if term:
            found.append(term)
    return found


def tags_column(tags: tuple[str, ...] | list[str]) -> str:
    return TAG_SEPARATOR + TAG_SEPARATOR.join(tags) + TAG_SEPARATOR if tags else ""


def tags_from_column(column: str) -> tuple[str, ...]:
    """The tags ``tags_column`` joined (no tag holds the separator: tags are made
    terminal-safe, control characters visible, before they are stored)."""
    return tuple(column[1:-1].split(TAG_SEPARATOR)) if column else ()


def matches(text: str, wanted: list[str]) -> bool:
    """The Python twin of the SQL test, for decks the cache does not hold."""
    return all(term in text for term in wanted)
