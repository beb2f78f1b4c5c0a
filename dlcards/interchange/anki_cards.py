"""The cards of an Anki note whose note type is known: one per card Anki generated.

Each card is the note's templates rendered for its ordinal (see :mod:`templates`),
then converted to Markdown; it keeps an ``anki`` table (guid, note type id,
ordinal, the note's field HTML) so an export gives Anki back the same note.
Card ids: ``anki-<guid>`` for the first template (as dlcards 0.1 named them),
``anki-<guid>-<n>`` for template n ≥ 2, ``anki-<guid>-c<n>`` for cloze number n.
"""

from __future__ import annotations

from collections.abc import Callable
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
    names = notetype.fields
    if len(fields) > len(names):  # fields the note type does not name: "field 3", …
        names = names + [f"field {i + 1}" for i in range(len(fields) - len(names))]
    values = dict(zip(names, fields + [""] * (len(names) - len(fields)), strict=False))
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


def convert_templated(
    note: RawNote, notetype: NotetypeLike, unsupported: set[str] | None = None
) -> Converted:
    """The cards of ``note``; template features that could not be rendered go into
    ``unsupported``. A note with a guid is rendered lazily (``Incoming.fill``): a
    re-import whose fields Anki did not change never converts its HTML again."""
    from dlcards.interchange.limits import MAX_CARDS_PER_NOTE

    out = Converted()
    missing = unsupported if unsupported is not None else set()
    ords = note.ords or [0]
    if len(ords) > MAX_CARDS_PER_NOTE:
        missing.add(f"more than {MAX_CARDS_PER_NOTE} cards in one note (the rest were left out)")
        ords = ords[:MAX_CARDS_PER_NOTE]
    for ord_ in ords:
        if not notetype.cloze and ord_ >= len(notetype.templates):
            missing.add(f"a card of template {ord_ + 1}, which the note type lacks")
            continue
        where = f"{note.where} (card {ord_ + 1})" if len(ords) > 1 else note.where
        card: dict[str, Any] = {"id": "", "tags": list(note.tags)}
        card["anki"] = {
            "guid": note.guid or "",
            "notetype": notetype.id,
            "ord": ord_,
            "fields": list(note.fields),
        }
        item = Incoming(card, where)
        item.fill = _filler(note, notetype, ord_, card, missing)
        if note.guid:
            card["id"] = card_id(note.guid, ord_, notetype.cloze, "")
        elif item.fill() is not None:  # the id is a hash of the front: render it now
            out.skipped = "its front is empty"
            continue
        out.cards.append(item)
    return out


def _filler(
    note: RawNote, notetype: NotetypeLike, ord_: int, card: dict[str, Any], missing: set[str]
) -> Callable[[], str | None]:
    def fill() -> str | None:
        """Render the card into ``card``; the reason it gives no card, if so."""
        side = render_card(notetype, note.fields, ord_, tags=" ".join(note.tags), deck=note.deck)
        missing.update(side.unsupported)
        front, back = markdown_of(side)
        if not front.markdown:
            return "its front is empty"
        if not card["id"]:
            card["id"] = card_id(None, ord_, notetype.cloze, front.markdown)
            card["anki"]["guid"] = card["anki"]["guid"] or card["id"]
        rendered = {"front": front.markdown, "back": back.markdown}
        if side.typed:
            rendered["answer"] = side.typed
        # Keep the deck's key order: id, front, back, answer, tags, anki.
        rest = {k: card.pop(k) for k in list(card) if k != "id"}
        card.update(rendered)
        card.update(rest)
        return None

    return fill


def same_anki_note(old: dict[str, Any], card: dict[str, Any]) -> bool:
    """The deck's card came from exactly these Anki fields and tags: nothing to update
    (and no need to render the note again)."""
    return bool(old.get("anki") == card["anki"] and old.get("tags", []) == card.get("tags", []))


def incoming_cards(incoming: list[Incoming]) -> list[dict[str, Any]]:
    return [item.card for item in incoming]
