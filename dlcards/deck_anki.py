"""Deck format v2's Anki parts (issue 12): the note types a deck keeps
(``[[notetypes]]``) and the ``[cards.anki]`` table of a card that came from Anki."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
