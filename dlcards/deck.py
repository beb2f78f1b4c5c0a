"""Deck format v2 (DESIGN §3; v1 files read as before): models, parsing, located messages.

``parse_deck`` turns the bytes of one deck file into a ``ParsedDeck`` (header,
cards, warnings) or raises ``DeckError`` with every problem found, each as
``path:line: message`` naming the card id.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dlcards.cards import BasicCard, Card, ChoiceCard, ComputeCard, card_from_dict
from dlcards.deck_anki import AnkiNotetype, AnkiRef, parse_notetypes
from dlcards.errors import DeckError
from dlcards.toml_read import loads as toml_loads
from dlcards.tomlpos import LazyPositions

Model = TypeVar("Model", bound=BaseModel)

__all__ = [
    "BasicCard",
    "Card",
    "ChoiceCard",
    "ComputeCard",
    "DeckError",
    "content_id",
    "parse_deck",
]

FORMAT_VERSION = 2  # 2: [[notetypes]] and per-card [cards.anki] (issue 12)
ID_PATTERN = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")
CARD_TYPES = ("basic", "choice", "compute")


def _check_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value) or not value.isprintable():
        raise ValueError("must be 1–128 printable characters without whitespace")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DeckHeader(_Strict):
    id: str
    name: str = Field(min_length=1)
    format: int = FORMAT_VERSION
    description: str | None = None
    tags: list[str] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)


class _CardBase(_Strict):
    id: str
    guid: str | None = None
    tags: list[str] = Field(default_factory=list)
    # Where the card's claims come from: a paper (authors, year, arXiv id), a
    # textbook chapter or a documentation page; one string or several.
    source: str | list[str] | None = None

    _id = field_validator("id")(_check_id)


class BasicModel(_CardBase):
    type: Literal["basic"] = "basic"
    front: str = Field(min_length=1)
    back: str
    answer: str | None = None  # a typed-answer card ({{type:F}}): the text to type
    anki: AnkiRef | None = None


class ChoiceModel(_CardBase):
    type: Literal["choice"]
    front: str = Field(min_length=1)
    choices: list[str] = Field(min_length=2, max_length=9)
    correct: list[int] = Field(min_length=1)
    back: str = ""

    @field_validator("correct")
    @classmethod
    def _indices(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("lists an index twice")
        return value


class ComputeModel(_CardBase):
    type: Literal["compute"]
    problem: str
    params: dict[str, Any] | None = None
    level: int | None = Field(default=None, ge=1, le=3)
    front: str = ""
    back: str = ""


# The validating models, by card type; parsing turns them into dlcards.cards classes.
_MODELS: dict[str, type[_CardBase]] = {
    "basic": BasicModel,
    "choice": ChoiceModel,
    "compute": ComputeModel,
}


def content_id(front: str) -> str:
    """The id of a card written without one: a hash of its normalized front."""
    normalized = " ".join(unicodedata.normalize("NFC", front).split())
    return "h-" + hashlib.blake2b(normalized.encode()).hexdigest()[:12]


@dataclass
class ParsedDeck:
    header: DeckHeader
    cards: list[Card]
    lines: list[int]  # each card's header line
    warnings: list[str] = field(default_factory=list)
    notetypes: list[AnkiNotetype] = field(default_factory=list)


_TYPE_NAMES = {
    "int_type": "an integer",
    "string_type": "a string",
    "bool_type": "true or false",
    "float_type": "a number",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
}


def _describe_value(value: object) -> str:
    kind = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
    text = repr(value) if not isinstance(value, (list, dict)) else ""
    if len(text) > 40:
        text = text[:37] + "…"
    return f"{kind} {text}".strip()


def _validated(
    model: type[Model],
    raw: dict,
    label: str,
    line_of: Callable[[str | None], int],
    where: str,
    errors: list[str],
) -> Model | None:
    """``raw`` as a ``model``; else None, with one located message per pydantic error."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            key, message = _pydantic_message(error)
            errors.append(f"{where}:{line_of(key)}: {label}: {message}")
        return None


def _pydantic_message(error: Any) -> tuple[str | None, str]:
    """(top-level key, message) for one pydantic error, in words a deck author reads."""
    loc = error["loc"]
    key = str(loc[0]) if loc else None
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)[1:]
    kind = error["type"]
    if kind == "extra_forbidden":
        return key, f"unknown field '{key}'"
    if kind == "missing":
        return None, f"missing field '{where}'"
    if kind in _TYPE_NAMES:
        return key, f"'{where}' must be {_TYPE_NAMES[kind]}, got {_describe_value(error['input'])}"
    if kind in ("too_short", "too_long", "string_too_short"):
        ctx = error.get("ctx", {})
        if key == "choices":
            return key, f"'choices' must have 2 to 9 entries, got {ctx.get('actual_length')}"
        if kind == "string_too_short":
            return key, f"'{where}' must not be empty"
        limit = ctx.get("min_length", ctx.get("max_length"))
        bound = "at least" if kind == "too_short" else "at most"
        return key, f"'{where}' must have {bound} {limit} entries, got {ctx.get('actual_length')}"
    if kind == "literal_error":
        return key, f"'{where}': {error['msg']}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return key, f"'{where}' {message}" if kind == "value_error" else f"'{where}': {message}"


def _syntax_line(exc: tomllib.TOMLDecodeError) -> tuple[int, str]:
    lineno = getattr(exc, "lineno", None)
    text = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)", text)
    if lineno is None:
        lineno = int(match.group(1)) if match else 1
    message = getattr(exc, "msg", None) or re.sub(
        r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", text
    )
    return int(lineno), message


def parse_deck(path: Path, raw: bytes) -> ParsedDeck:
    """Parse and validate one deck file's bytes; raise ``DeckError`` with every problem."""
    return parse_deck_data(path, raw)[0]


def parse_deck_data(path: Path, raw: bytes) -> tuple[ParsedDeck, dict[str, Any]]:
    """:func:`parse_deck`, and the TOML data it read (an import merges into that).

    Any failure at all is this deck's error: tomllib raises ValueError for an
    integer of more than 4,300 digits and RecursionError for arrays nested ~1,000
    deep, and one deck must never stop the others (DESIGN §3).
    """
    try:
        return _parse_deck(path, raw)
    except DeckError:
        raise
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise DeckError([unreadable_deck(path, raw, exc)]) from exc


_LONG_NUMBER = re.compile(rb"[0-9_]{4000}")


def unreadable_deck(path: Path, raw: bytes, exc: BaseException) -> str:
    """The located one-line error for a deck the parser itself could not get through."""
    if isinstance(exc, RecursionError):
        why = "arrays or tables nested too deeply"
        match = re.search(rb"[\[{]{200}", raw)
    elif isinstance(exc, MemoryError):
        why, match = "too large to read", None
    else:
        match = _LONG_NUMBER.search(raw)
        why = "a number with thousands of digits" if match else f"cannot be read ({exc})"
    line = raw[: match.start()].count(b"\n") + 1 if match else 1
    return f"{path}:{line}: {why} — fix or remove this deck"


def _parse_deck(path: Path, raw: bytes) -> tuple[ParsedDeck, dict[str, Any]]:
    where = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError([f"{where}:{line}: not valid UTF-8 — save the file as UTF-8"]) from exc
    try:
        data = toml_loads(text)  # rtoml's speed, tomllib's data and errors
    except tomllib.TOMLDecodeError as exc:
        line, message = _syntax_line(exc)
        raise DeckError([f"{where}:{line}: TOML syntax error: {message}"]) from exc
    raw_cards = data.get("cards")
    positions = LazyPositions(text, len(raw_cards) if isinstance(raw_cards, list) else 0)
    errors: list[str] = []
    header = _parse_header(data, positions, where, errors)
    cards, lines, warnings = _parse_cards(data, positions, where, errors)
    notetypes = parse_notetypes(data, cards, where, errors, _pydantic_message)
    if errors or header is None:
        raise DeckError(errors, warnings)
    return ParsedDeck(header, cards, lines, warnings, notetypes), data


def _parse_header(
    data: dict, positions: LazyPositions, where: str, errors: list[str]
) -> DeckHeader | None:
    def line_of(key: str | None = None) -> int:  # only on the error paths: a full scan
        block = positions.full.deck
        return block.line_of(key) if block else 1

    for key in data:
        if key not in ("deck", "cards", "notetypes"):
            errors.append(
                f"{where}:1: unknown top-level key '{key}' (expected [deck] and [[cards]])"
            )
    raw = data.get("deck")
    if not isinstance(raw, dict):
        errors.append(f"{where}:{line_of()}: missing [deck] table with id and name")
        return None
    fmt = raw.get("format", FORMAT_VERSION)
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT_VERSION:
        errors.append(
            f"{where}:{line_of('format')}: deck format {fmt} is newer than this dlcards reads "
            f"(format {FORMAT_VERSION}) — upgrade dlcards"
        )
        return None
    header = _validated(DeckHeader, raw, "deck", line_of, where, errors)
    if header is None:
        return None
    if header.format < 1:
        errors.append(f"{where}:{line_of('format')}: deck: unsupported format {header.format}")
        return None
    return header


def _parse_cards(
    data: dict, positions: LazyPositions, where: str, errors: list[str]
) -> tuple[list[Card], list[int], list[str]]:
    raw_cards = data.get("cards", [])
    if not isinstance(raw_cards, list):
        line = positions.full.cards_key_line or 1
        errors.append(f"{where}:{line}: 'cards' must be an array of tables")
        return [], [], []
    cards: list[Card] = []
    lines: list[int] = []
    warnings: list[str] = []
    first_line_of: dict[str, int] = {}
    for index, raw in enumerate(raw_cards):
        line = positions.card_line(index)
        if not isinstance(raw, dict):
            errors.append(f"{where}:{line}: card #{index + 1}: must be a table")
            continue
        card_id = raw.get("id")
        label = f"card '{card_id}'" if isinstance(card_id, str) else f"card #{index + 1}"
        if card_id is None and isinstance(raw.get("front"), str):
            card_id = content_id(raw["front"])
            raw = {**raw, "id": card_id}
            label = f"card '{card_id}'"
            warnings.append(
                f"{where}:{line}: {label}: no id; the id is a hash of the front, so editing "
                'the front starts the card afresh — add id = "…" to keep its progress'
            )
        if isinstance(card_id, str):
            if card_id in first_line_of:
                errors.append(
                    f"{where}:{positions.card_line(index, 'id')}: {label}: duplicate id "
                    f"(first used at line {first_line_of[card_id]})"
                )
                continue
            first_line_of[card_id] = line
        card = _validate_card(raw, index, label, positions, where, errors)
        if card is None:
            continue
        cards.append(card)
        lines.append(line)
    return cards, lines, warnings


def _validate_card(
    raw: dict, index: int, label: str, positions: LazyPositions, where: str, errors: list[str]
) -> Card | None:
    card_type = raw.get("type", "basic")
    model = _MODELS.get(card_type) if isinstance(card_type, str) else None
    if model is None:
        errors.append(
            f"{where}:{positions.card_line(index, 'type')}: {label}: unknown card type "
            f"{card_type!r} (expected one of: {', '.join(CARD_TYPES)})"
        )
        return None
    card = _validated(model, raw, label, lambda key: positions.card_line(index, key), where, errors)
    if card is None:
        return None
    problems = _semantic_problems(card)
    for key, message in problems:
        errors.append(f"{where}:{positions.card_line(index, key)}: {label}: {message}")
    return None if problems else card_from_dict(card.model_dump())


def _semantic_problems(card: _CardBase) -> list[tuple[str | None, str]]:
    """Checks a schema cannot express: choice indices in range, compute params."""
    if isinstance(card, ChoiceModel):
        bad = [i for i in card.correct if not 0 <= i < len(card.choices)]
        if bad:
            return [
                (
                    "correct",
                    f"'correct' index {bad[0]} is out of range "
                    f"(0 to {len(card.choices) - 1} for {len(card.choices)} choices)",
                )
            ]
    if isinstance(card, ComputeModel):
        from dlcards.problems import check_card_params

        problems: list[tuple[str | None, str]] = []
        for message in check_card_params(card.problem, card.params, card.level):
            lowered = message.lower()
            if lowered.startswith("unknown problem"):
                key = "problem"
            elif lowered.startswith("level"):
                key = "level"
            else:
                key = "params"
            problems.append((key, message))
        return problems
    return []


def card_tags(header: DeckHeader, card: Card) -> tuple[str, ...]:
    """The card's tags after the deck's, without repeats."""
    return tuple(dict.fromkeys((*header.tags, *card.tags)))
