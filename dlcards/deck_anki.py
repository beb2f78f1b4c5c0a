"""Deck format v2's Anki parts (issue 12): the note types a deck keeps
(``[[notetypes]]``) and the ``[cards.anki]`` table of a card that came from Anki."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Strict(BaseModel):
    # As dlcards.deck's models: unknown keys are errors, no coercion.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AnkiTemplate(_Strict):
    name: str
    front: str  # Anki's qfmt
    back: str  # Anki's afmt


class AnkiNotetype(_Strict):
    """An Anki note type, kept so notes that came from Anki go back as themselves."""

    id: int
    name: str = Field(min_length=1)
    kind: Literal["normal", "cloze"] = "normal"
    fields: list[str] = Field(min_length=1)
    templates: list[AnkiTemplate] = Field(min_length=1)
    css: str = ""
    modified: int = 0  # Anki's mtime: an export never makes Anki's own copy look stale


class AnkiRef(_Strict):
    """Where a card came from in Anki: its note, note type and template (or cloze number)."""

    guid: str = Field(min_length=1)
    notetype: int
    ord: int = Field(ge=0)
    fields: list[str]  # the note's field HTML as Anki had it


def parse_notetypes(
    data: dict[str, Any],
    cards: list[Any],
    where: str,
    errors: list[str],
    describe: Callable[[Any], tuple[str | None, str]],
) -> list[AnkiNotetype]:
    """The deck's Anki note types; every card's ``anki.notetype`` must name one of them."""
    raw = data.get("notetypes", [])
    if not isinstance(raw, list):
        errors.append(f"{where}:1: 'notetypes' must be an array of tables")
        return []
    out: list[AnkiNotetype] = []
    for index, item in enumerate(raw):
        try:
            out.append(AnkiNotetype.model_validate(item))
        except ValidationError as exc:
            _, message = describe(exc.errors()[0])
            errors.append(f"{where}:1: notetypes #{index + 1}: {message}")
    known = {n.id: n for n in out}
    for card in cards:
        ref = getattr(card, "anki", None)
        if ref is None:
            continue
        notetype = known.get(ref["notetype"])
        if notetype is None:
            errors.append(
                f"{where}:1: card '{card.id}': anki.notetype {ref['notetype']} "
                "is not in [[notetypes]]"
            )
        elif notetype.kind == "normal" and ref["ord"] >= len(notetype.templates):
            errors.append(f"{where}:1: card '{card.id}': anki.ord {ref['ord']} has no template")
    return out
