"""Cards as the app uses them: plain frozen dataclasses, no pydantic.

Validation lives in ``dlcards.deck`` (strict pydantic models, run when a deck
is parsed). Everything that only shows or grades cards uses these classes, so
starting a review from the parse cache never imports pydantic (~300 ms with
building the models' schemas).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class BasicCard:
    id: str
    front: str
    back: str
    tags: list[str] = field(default_factory=list)
    guid: str | None = None
    source: str | list[str] | None = None
    answer: str | None = None  # a typed-answer card: the text to type
    anki: dict[str, Any] | None = None  # guid, notetype, ord, fields (deck format v2)
    type: str = "basic"


@dataclass(frozen=True, slots=True)
class ChoiceCard:
    id: str
    front: str
    choices: list[str]
    correct: list[int]
    back: str = ""
    tags: list[str] = field(default_factory=list)
    guid: str | None = None
    source: str | list[str] | None = None
    type: str = "choice"


@dataclass(frozen=True, slots=True)
class ComputeCard:
    id: str
    problem: str
    params: dict[str, Any] | None = None
    level: int | None = None
    front: str = ""
    back: str = ""
    tags: list[str] = field(default_factory=list)
    guid: str | None = None
    source: str | list[str] | None = None
    type: str = "compute"


Card = BasicCard | ChoiceCard | ComputeCard
CARD_CLASSES: dict[str, type[BasicCard] | type[ChoiceCard] | type[ComputeCard]] = {
    "basic": BasicCard,
    "choice": ChoiceCard,
    "compute": ComputeCard,
}


def source_line(source: str | list[str] | None) -> str:
    """A card's citation as one line: "Source: …", or "Sources: a; b" for several; "" for none.

    Shown under the answer (TUI, plain mode, browser) and written at the end of the
    Back field of Anki exports, where the import reads it back.
    """
    if not source:
        return ""
    items = [source.strip()] if isinstance(source, str) else [s.strip() for s in source]
    items = [item for item in items if item]
    if not items:
        return ""
    return ("Source: " if len(items) == 1 else "Sources: ") + "; ".join(items)


_FIELDS = {kind: frozenset(f.name for f in fields(cls)) for kind, cls in CARD_CLASSES.items()}
_DEFAULTS = {
    kind: {f.name: f.default for f in fields(cls) if isinstance(f.default, (str, int, type(None)))}
    for kind, cls in CARD_CLASSES.items()
}


def card_from_dict(data: dict[str, Any]) -> Card:
    """A card from already-validated data (a parsed model's dump or the cache's JSON)."""
    kind = data.get("type", "basic")
    names = _FIELDS[kind]
    return CARD_CLASSES[kind](**{k: v for k, v in data.items() if k in names})


def card_to_dict(card: Card) -> dict[str, Any]:
    """The card's fields, leaving out those at their defaults (compact cache entries)."""
    defaults = _DEFAULTS[card.type]
    data = {}
    for name in _FIELDS[card.type]:
        value = getattr(card, name)
        if name in ("id", "type") or (value != [] and value != defaults.get(name, ...)):
            data[name] = value
    return data
