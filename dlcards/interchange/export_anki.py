"""Cards that came from Anki, back to Anki as the notes they were (issue 12).

All cards with one ``anki.guid`` make one note, in its own note type (id, name,
fields, templates, CSS as the deck keeps them), with the card ordinals Anki had:
Anki then updates the note in place rather than adding a copy. A card whose
front or back was edited in dlcards writes the edit into the field its template
shows, when the template is that one field (``{{Front}}``, ``…<hr id=answer>{{Back}}``);
otherwise the note keeps Anki's fields and the export says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dlcards.interchange.anki_cards import markdown_of, render_card
from dlcards.interchange.md2html import to_html
from dlcards.interchange.templates import ANSWER_MARK

_ONE_FIELD = re.compile(r"\s*\{\{([^#^/{}:]+)\}\}\s*")


@dataclass
class AnkiNote:
    guid: str
    notetype: Any  # dlcards.deck.AnkiNotetype
    fields: list[str]
    ords: list[int] = field(default_factory=list)
    card_ids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class _View:
    """A note type as the card renderer reads it."""

    id: int
    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]


def view(notetype: Any) -> _View:
    return _View(
        notetype.id,
        notetype.name,
        notetype.kind == "cloze",
        list(notetype.fields),
        [(t.name, t.front, t.back) for t in notetype.templates],
    )


def group_notes(
    cards: list[Any], notetypes: list[Any], tags_of: Any
) -> tuple[list[AnkiNote], list[tuple[str, str]]]:
    """One note per guid among ``cards`` that have an ``anki`` table; remarks per card."""
    by_id = {n.id: n for n in notetypes}
    notes: dict[str, AnkiNote] = {}
    remarks: list[tuple[str, str]] = []
    for card in cards:
        ref = card.anki
        notetype = by_id[ref["notetype"]]
        note = notes.get(ref["guid"])
        if note is None:
            note = notes[ref["guid"]] = AnkiNote(ref["guid"], notetype, list(ref["fields"]))
        if ref["ord"] not in note.ords:
            note.ords.append(ref["ord"])
        note.card_ids.append(card.id)
        note.tags = list(dict.fromkeys([*note.tags, *tags_of(card)]))
        problem = _apply_edits(note, card, view(notetype))
        if problem:
            remarks.append((card.id, problem))
    for note in notes.values():
        note.ords.sort()
    return list(notes.values()), remarks


def _apply_edits(note: AnkiNote, card: Any, notetype: _View) -> str | None:
    """Write a dlcards edit of the card into the note's fields, where that is unambiguous."""
    ord_ = card.anki["ord"]
    side = render_card(notetype, list(card.anki["fields"]), ord_)
    front, back = markdown_of(side)
    if front.markdown == card.front and back.markdown == card.back:
        return None
    if notetype.cloze:
        return "edited in dlcards, but a cloze note keeps Anki's fields (edit it in Anki)"
    _, qfmt, afmt = notetype.templates[ord_]
    targets: list[tuple[str, str, str]] = []
    if front.markdown != card.front:
        targets.append(("front", qfmt, card.front))
    if back.markdown != card.back:
        mark = ANSWER_MARK.search(afmt)
        targets.append(("back", afmt[mark.end() :] if mark else afmt, card.back))
    updates: dict[int, str] = {}
    kept: list[str] = []
    for face, template, text in targets:
        match = _ONE_FIELD.fullmatch(template)
        name = match.group(1).strip() if match else None
        if name not in notetype.fields:
            kept.append(face)  # a side that is no one field: the other side still goes
            continue
        updates[notetype.fields.index(name)] = to_html(text)
    for index, value in updates.items():
        note.fields[index] = value
    if kept:
        return (
            f"edited in dlcards, but the template of its {' and '.join(kept)} shows more "
            "than one field, so Anki keeps its fields there"
        )
    return None
