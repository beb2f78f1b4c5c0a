"""One note of an import → the cards the merge takes, and what the import learns from it.

The same code runs in the importing process and, for a large new deck, in the
worker processes of :mod:`import_pool`: a note needs nothing from the other notes
to be converted, so where it is converted cannot change the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dlcards.interchange.anki_cards import convert_templated, usable
from dlcards.interchange.notes import ID_FIELD, Incoming, RawNote, convert_note
from dlcards.media import field_references
from dlcards.textsafe import strip_controls


@dataclass
class NoteCards:
    """What one note gives: its cards (in order) and what the import records of it."""

    where: str  # "note 12": for the report
    cards: list[Incoming] = field(default_factory=list)
    skipped: str | None = None  # why the note gives no card (some of its cards, for Anki's)
    notetype_id: int | None = None  # the Anki note type the deck keeps for these cards
    modified: list[tuple[str, int]] = field(default_factory=list)  # card id → Anki mtime
    refs: list[str] = field(default_factory=list)  # media files the note's fields name
    media: bool = False  # the note refers to media


class NoteConverter:
    """Converts notes one at a time; ``unsupported`` collects the template features
    the notes use that dlcards does not render (as the cards are rendered)."""

    def __init__(
        self, notetypes: dict[int, Any], deck_tags: set[str], unsupported: set[str]
    ) -> None:
        self.notetypes = notetypes
        self.deck_tags = deck_tags
        self.unsupported = unsupported
        self.usable_ids: dict[int, bool] = {}  # notetype id → usable(): asked once a type

    def convert(self, note: RawNote) -> NoteCards:
        out = NoteCards(note.where)
        type_id = note.notetype_id
        notetype = self.notetypes.get(type_id) if type_id is not None else None
        if notetype is not None and type_id is not None:
            if type_id not in self.usable_ids:
                self.usable_ids[type_id] = usable(notetype)
            if ID_FIELD in note.field_names or not self.usable_ids[type_id]:
                notetype = None  # a note dlcards exported, or an odd type: read field by field
        if notetype is not None:
            converted = convert_templated(note, notetype, self.unsupported)
            if converted.cards:
                out.notetype_id = notetype.id
            out.modified = [(item.card["id"], note.modified) for item in converted.cards]
        else:
            converted = convert_note(note)
        out.skipped = converted.skipped
        if converted.cards:
            for value in note.fields:
                if "<img" in value or "<IMG" in value or "[sound:" in value:
                    out.refs.extend(field_references(value))
        out.media = bool(out.refs or converted.media)
        for incoming in converted.cards:
            drop_controls(incoming.card)
            if incoming.fill is not None:  # rendered later: stripped then
                incoming.fill = _stripping(incoming.fill, incoming.card)
            if self.deck_tags and "tags" in incoming.card:
                tags = incoming.card["tags"]
                incoming.card["tags"] = [t for t in tags if t not in self.deck_tags]
        out.cards = converted.cards
        return out


def drop_controls(card: dict[str, Any]) -> None:
    """Control characters (ESC sequences included) never enter a deck from a file."""
    for key in ("front", "back", "source", "answer"):  # the keys, not all of a card's
        value = card.get(key)
        if isinstance(value, str):
            card[key] = strip_controls(value)
    for key in ("tags", "choices", "source"):
        value = card.get(key)
        if isinstance(value, list):
            card[key] = [strip_controls(v) if isinstance(v, str) else v for v in value]


def _stripping(fill: Callable[[], str | None], card: dict[str, Any]) -> Callable[[], str | None]:
    def run() -> str | None:
        reason = fill()
        drop_controls(card)
        return reason

    return run
