"""Anki notes, however they were read, → dlcards cards (dicts ready for the TOML deck).

Rules: field 1 is the front and the other fields, joined, the back; a cloze note
gives one card per deletion number; the Anki guid is kept as the card's ``guid``
and gives its id (``anki-<guid>``), so importing the same file again finds the
same cards. Notes exported by dlcards carry a ``dlcards_id`` (the card id, which
wins) and a ``dlcards_source`` (the card as it was, used while Anki has not
edited the fields, so a round trip gives back the exact Markdown).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dlcards.interchange import html2md
from dlcards.interchange.md2html import html_digest

ID_FIELD = "dlcards_id"
SOURCE_FIELD = "dlcards_source"
INSTANCE_PREFIX = "compute-instance:"
_ID_RE = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")
_CLOZE_OPEN = re.compile(r"\{\{c(\d{1,3})::")
_SOURCE_KEYS = {
    "basic": {"type", "front", "back", "source"},
    "choice": {"type", "front", "back", "choices", "correct", "source"},
}
# The citation line dlcards writes at the end of Back (export_notes.source_line).
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_SOURCE_LINE = re.compile(r"\n*(?:\A|\n)Source(s?): ([^\n]+)\s*\Z")


@dataclass
class RawNote:
    """One Anki note as a reader found it."""

    where: str  # "note 12", "line 5": for messages
    fields: list[str]
    field_names: list[str] = field(default_factory=list)
    guid: str | None = None
    tags: list[str] = field(default_factory=list)
    notetype: str = ""
    cloze: bool = False
    html: bool = True
    notetype_id: int | None = None  # set when the note type's templates are known
    modified: int = 0  # Anki's note mtime (seconds)
    ords: list[int] = field(default_factory=list)  # the cards Anki generated
    deck: str = ""


@dataclass
class Incoming:
    """A card to merge into the deck, with the HTML it came from (to spot unedited fields)."""

    card: dict[str, Any]
    where: str
    front_html: str | None = None
    back_html: str | None = None
    exact: bool = False  # restored from dlcards_source: the Markdown is the original
    whole: bool = False  # a card from a TOML deck: it replaces the deck's card entirely
    # Renders front and back into ``card`` when called (None: the card is complete);
    # returns why the note gives no card. Merging skips it for an unchanged Anki note.
    fill: Callable[[], str | None] | None = None
    # Done ahead by a worker process (import_pool) for a card of a new deck.
    prepared: Prepared | None = None


@dataclass
class Prepared:
    """What merging a new card into a new deck computes of it, computed ahead: why it
    gives no card (``reason``, from rendering) or is not valid (``problem``), else its
    checked ``[[cards]]`` block, content hash, or the refusal writing it raised."""

    reason: str | None = None
    problem: str | None = None
    block: bytes = b""
    hash: str | None = None
    refusal: tuple[str, str | None] | None = None  # UserError(what, todo)


@dataclass
class Converted:
    cards: list[Incoming] = field(default_factory=list)
    skipped: str | None = None  # the reason, when the note gives no card
    media: int = 0


def valid_id(text: str) -> bool:
    return bool(_ID_RE.fullmatch(text)) and text.isprintable()


def id_for_guid(guid: str) -> str:
    """The card id an Anki guid gives: readable when the guid allows, else hashed."""
    candidate = f"anki-{guid}"
    if valid_id(candidate):
        return candidate
    return "anki-" + hashlib.blake2b(guid.encode("utf-8"), digest_size=8).hexdigest()


def convert_note(note: RawNote) -> Converted:
    """The cards of one note, or the reason it gives none."""
    names = list(note.field_names) + [""] * (len(note.fields) - len(note.field_names))
    values = dict(zip(names, note.fields, strict=False))
    dlcards_id = _plain_field(values.get(ID_FIELD, ""))
    if dlcards_id.startswith(INSTANCE_PREFIX):
        return Converted(
            skipped="a frozen instance of a compute card (dlcards generates "
            "those itself; the compute card stays in its deck)"
        )
    if dlcards_id and not valid_id(dlcards_id):
        dlcards_id = ""
    content = [
        v for n, v in zip(names, note.fields, strict=False) if n not in (ID_FIELD, SOURCE_FIELD)
    ]
    if not content:
        return Converted(skipped="no fields")
    occlusion = "image-occlusion" in note.notetype.lower().replace(" ", "-")
    if occlusion or "{{c1::image-occlusion:" in content[0]:
        return Converted(skipped="an image-occlusion note (the image is not imported)")
    restored = _from_source(values.get(SOURCE_FIELD, ""), content)
    if restored is not None:
        card_id = dlcards_id or (id_for_guid(note.guid) if note.guid else None)
        if card_id is None:
            from dlcards.deck import content_id

            card_id = content_id(restored["front"])
        card = {"id": card_id, **_guid(note.guid), **restored, "tags": list(note.tags)}
        return Converted([Incoming(card, note.where, content[0], _single(content), exact=True)])
    if note.cloze or (
        not note.html and _CLOZE_OPEN.search(content[0]) and "cloze" in note.notetype.lower()
    ):
        return _cloze(note, content, dlcards_id)
    front = _markdown(content[0], note.html)
    backs = [_markdown(v, note.html) for v in content[1:]]
    media = front.media + sum(b.media for b in backs)
    if not front.markdown:
        return Converted(skipped="its first field (the front) is empty", media=media)
    back = "\n\n".join(b.markdown for b in backs if b.markdown)
    card_id = dlcards_id or _id(note.guid, front.markdown)
    card = {
        "id": card_id,
        **_guid(note.guid),
        "front": front.markdown,
        "back": back,
        "tags": list(note.tags),
    }
    if ID_FIELD in values:  # a dlcards note edited in Anki: its citation is the last line
        card.update(_split_source(back))
    front_html = content[0] if note.html else None
    back_html = _single(content) if note.html else None
    return Converted([Incoming(card, note.where, front_html, back_html)], media=media)


def _split_source(back: str) -> dict[str, Any]:
    """Back without its trailing "Source:" line, and the citation it held."""
    match = _SOURCE_LINE.search(back)
    if match is None:
        return {}
    plural, text = match.groups()
    # The line went through Markdown on its way back from HTML: drop its escapes
    # ("vocab\\_size" was "vocab_size" in the deck).
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    # "Sources:" lists several, joined by "; "; one citation may itself contain "; ".
    items = [item.strip() for item in text.split("; ")] if plural else [text.strip()]
    if not all(items):
        return {}
    source: str | list[str] = items if plural else items[0]
    return {"back": back[: match.start()].rstrip(), "source": source}


def _single(content: list[str]) -> str | None:
    return content[1] if len(content) == 2 else ("" if len(content) == 1 else None)


def _guid(guid: str | None) -> dict[str, str]:
    return {"guid": guid} if guid else {}


def _id(guid: str | None, front: str) -> str:
    if guid:
        return id_for_guid(guid)
    from dlcards.deck import content_id

    return content_id(front)


def _markdown(value: str, is_html: bool) -> html2md.Converted:
    return html2md.convert(value) if is_html else html2md.plain(value)


def _plain_field(value: str) -> str:
    # dlcards writes these fields as escaped text; Anki's editor may wrap them in markup.
    return html.unescape(re.sub(r"<[^>]{0,200}>", "", value)).strip()


def _from_source(value: str, content: list[str]) -> dict[str, Any] | None:
    """The card dlcards exported, if the note's Front and Back are still what it wrote."""
    if not value or len(content) < 2:
        return None
    try:
        data = json.loads(_plain_field(value))
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("html") != html_digest(content[0], content[1]):
        return None
    card = data.get("card")
    if not isinstance(card, dict):
        return None
    kind = card.get("type", "basic")
    allowed = _SOURCE_KEYS.get(kind) if isinstance(kind, str) else None
    if allowed is None or not set(card) <= allowed or not isinstance(card.get("front"), str):
        return None
    return {
        k: card[k]
        for k in ("type", "front", "back", "choices", "correct", "source")
        if k in card and not (k == "type" and card[k] == "basic")
    }


# --- cloze ----------------------------------------------------------------------------


@dataclass
class _Deletion:
    start: int
    end: int
    number: int
    text: str
    hint: str | None


def _deletions(text: str) -> list[_Deletion] | str:
    """The cloze deletions of a field, or why they cannot be read. Linear in the text."""
    found: list[_Deletion] = []
    position = 0
    while True:
        match = _CLOZE_OPEN.search(text, position)
        if match is None:
            return found
        close = text.find("}}", match.end())
        if close < 0:
            return "a cloze deletion is not closed with }}"
        inner = text[match.end() : close]
        if "{{c" in inner and _CLOZE_OPEN.search(inner):
            return "it has nested cloze deletions"
        body, _, hint = inner.partition("::")
        found.append(
            _Deletion(match.start(), close + 2, int(match.group(1)), body, hint if hint else None)
        )
        position = close + 2


def _render(
    text: str, deletions: list[_Deletion], active: int, *, reveal: bool, is_html: bool
) -> str:
    parts: list[str] = []
    last = 0
    for d in deletions:
        parts.append(text[last : d.start])
        if d.number != active:
            parts.append(d.text)
        elif reveal:
            parts.append(f"<b>{d.text}</b>" if is_html else d.text)
        else:
            parts.append(f"[{d.hint}]" if d.hint else "[…]")
        last = d.end
    parts.append(text[last:])
    return "".join(parts)


def cloze_side(text: str, number: int, reveal: bool) -> str:
    """Field HTML with deletion ``number`` hidden (front) or shown in bold (back)."""
    deletions = _deletions(text)
    if isinstance(deletions, str):
        return text
    return _render(text, deletions, number, reveal=reveal, is_html=True)


def cloze_answers(text: str, number: int) -> list[str]:
    deletions = _deletions(text)
    return [] if isinstance(deletions, str) else [d.text for d in deletions if d.number == number]


def _cloze(note: RawNote, content: list[str], dlcards_id: str) -> Converted:
    text = content[0]
    deletions = _deletions(text)
    if isinstance(deletions, str):
        return Converted(skipped=f"a cloze note that cannot be read: {deletions}")
    numbers = sorted({d.number for d in deletions if d.number > 0})
    if not numbers:
        return Converted(skipped="a cloze note without deletions ({{c1::…}})")
    extras = [_markdown(v, note.html) for v in content[1:]]
    extra = "\n\n".join(e.markdown for e in extras if e.markdown)
    media = sum(e.media for e in extras)
    base = dlcards_id or _id(note.guid, _render(text, deletions, 0, reveal=True, is_html=False))
    out = Converted(media=media)
    for number in numbers:
        front = _markdown(
            _render(text, deletions, number, reveal=False, is_html=note.html), note.html
        )
        answer = _markdown(
            _render(text, deletions, number, reveal=True, is_html=note.html), note.html
        )
        out.media = max(out.media, media + front.media)
        back = "\n\n".join(p for p in (answer.markdown, extra) if p)
        guid = f"{note.guid}-c{number}" if note.guid else None
        card = {
            "id": f"{base}-c{number}",
            **_guid(guid),
            "front": front.markdown,
            "back": back,
            "tags": list(note.tags),
        }
        out.cards.append(Incoming(card, f"{note.where} (cloze {number})"))
    return out
