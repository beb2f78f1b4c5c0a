"""The cards of an Anki note whose note type is known: one per card Anki generated.

Each card is the note's templates rendered for its ordinal (see :mod:`templates`),
then converted to Markdown; it keeps an ``anki`` table (guid, note type id,
ordinal, the note's field HTML) so an export gives Anki back the same note.
Card ids: ``anki-<guid>`` for the first template (as dlcards 0.1 named them),
``anki-<guid>-<n>`` for template n ≥ 2, ``anki-<guid>-c<n>`` for cloze number n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from dlcards.interchange import html2md
from dlcards.interchange.notes import (
    Converted,
    Incoming,
    RawNote,
    cloze_side,
    id_for_guid,
)
from dlcards.interchange.templates import Context, back_part, render


class NotetypeLike(Protocol):
    id: int
    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]


@dataclass
class Side:
    front: str  # HTML
    back: str  # HTML: what the back adds to the front
    typed: str | None
    unsupported: set[str]


def usable(notetype: NotetypeLike) -> bool:
    """Whether a note type's templates are rendered (within the caps of :mod:`limits`)."""
    from dlcards.interchange.limits import MAX_TEMPLATE_CHARS, MAX_TEMPLATES

    return (
        bool(notetype.name.strip())
        and bool(notetype.fields)
        and 1 <= len(notetype.templates) <= MAX_TEMPLATES
        and all(len(q) + len(a) <= MAX_TEMPLATE_CHARS for _, q, a in notetype.templates)
    )


def card_id(guid: str | None, ord_: int, cloze: bool, fallback: str) -> str:
    if guid:
        base = id_for_guid(guid)
    else:
        from dlcards.deck import content_id

        base = content_id(fallback)
    if cloze:
        return f"{base}-c{ord_ + 1}"
    return base if ord_ == 0 else f"{base}-{ord_ + 1}"


def render_card(
    notetype: NotetypeLike, fields: list[str], ord_: int, *, tags: str = "", deck: str = ""
) -> Side:
    """Front and back HTML of card ``ord_`` of a note with these ``fields``."""
    names = list(notetype.fields) + [f"field {i + 1}" for i in range(len(fields))]
    values = dict(zip(names, fields + [""] * (len(notetype.fields) - len(fields)), strict=False))
    template = notetype.templates[0 if notetype.cloze else ord_]
    ctx = Context(
        values,
        ord_,
        tags=tags,
        deck=deck,
        card_name=template[0],
        notetype=notetype.name,
        cloze=cloze_side if notetype.cloze else None,
    )
    front = render(template[1], ctx, answer=False)
    back = render(template[2], ctx, answer=True)
    return Side(
        front.html,
        back_part(back.html, front.html),
        front.typed or back.typed,
        front.unsupported | back.unsupported,
    )


def markdown_of(side: Side) -> tuple[html2md.Converted, html2md.Converted]:
    return html2md.convert(side.front), html2md.convert(side.back)


def convert_templated(note: RawNote, notetype: NotetypeLike) -> tuple[Converted, set[str]]:
    """The cards of ``note``, and the template features that could not be rendered."""
    from dlcards.interchange.limits import MAX_CARDS_PER_NOTE

    out = Converted()
    unsupported: set[str] = set()
    ords = note.ords or [0]
    if len(ords) > MAX_CARDS_PER_NOTE:
        unsupported.add(
            f"more than {MAX_CARDS_PER_NOTE} cards in one note (the rest were left out)"
        )
        ords = ords[:MAX_CARDS_PER_NOTE]
    for ord_ in ords:
        if not notetype.cloze and ord_ >= len(notetype.templates):
            unsupported.add(f"a card of template {ord_ + 1}, which the note type lacks")
            continue
        side = render_card(notetype, note.fields, ord_, tags=" ".join(note.tags), deck=note.deck)
        unsupported |= side.unsupported
        front, back = markdown_of(side)
        out.media = max(out.media, front.media + back.media)
        where = f"{note.where} (card {ord_ + 1})" if len(ords) > 1 else note.where
        if not front.markdown:
            out.skipped = "its front is empty"
            continue
        card: dict[str, Any] = {
            "id": card_id(note.guid, ord_, notetype.cloze, front.markdown),
            "front": front.markdown,
            "back": back.markdown,
        }
        if side.typed:
            card["answer"] = side.typed
        card["tags"] = list(note.tags)
        card["anki"] = {
            "guid": note.guid or card["id"],
            "notetype": notetype.id,
            "ord": ord_,
            "fields": list(note.fields),
        }
        out.cards.append(Incoming(card, where))
    if out.cards:
        out.skipped = None
    return out, unsupported
