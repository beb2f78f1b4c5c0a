"""Merging imported cards into a TOML deck, validating it, writing it atomically.

Cards are matched first by id, then by Anki guid (a card that never had one
matches the guid its export would get, ``genanki.guid_for(deck id, card id)``),
so importing a file again updates its cards and keeps every other card of the
deck. The deck is rewritten by :mod:`deck_write`, which checks every block it
writes: a bad result never reaches the disk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlcards.errors import UserError
from dlcards.interchange.anki_cards import same_anki_note as _same_anki_note
from dlcards.interchange.deck_write import Spool, dump_deck, write_deck
from dlcards.interchange.notes import Incoming

if TYPE_CHECKING:
    from pydantic import ValidationError

_CONTENT_KEYS = ("type", "front", "back", "choices", "correct", "answer", "anki")
_KEY_ORDER = (
    "id",
    "guid",
    "type",
    "front",
    "choices",
    "correct",
    "problem",
    "params",
    "level",
    "back",
    "answer",
    "tags",
    "source",
    "anki",
)


@dataclass
class MergeResult:
    data: dict[str, Any]
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def export_guid(deck_id: str, card_id: str) -> str:
    """The guid an export gives a card without one (``genanki.guid_for``)."""
    from genanki import guid_for

    return str(guid_for(deck_id, card_id))


def load_existing(path: Path) -> dict[str, Any] | None:
    """The deck at ``path`` as TOML data, None if there is none; refused if it has errors."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})", "check the file") from exc
    from dlcards.deck import DeckError, parse_deck_data

    try:
        return parse_deck_data(path, raw)[1]  # one TOML parse, not two: 10k cards take seconds
    except DeckError as exc:
        raise UserError(
            f"cannot merge into {path}: it has errors ({exc.messages[0]})",
            "fix it (dlcards validate) or import to another file with -o; nothing was changed",
        ) from exc


def merge(
    existing: dict[str, Any] | None,
    header: dict[str, Any],
    incoming: Iterable[Incoming],
    deck_id: str,
    *,
    rename: str | None = None,
    notetypes: list[dict[str, Any]] | None = None,
    spool: Spool | None = None,
) -> MergeResult:
    """The deck data after importing ``incoming`` into ``existing`` (or a new ``header`` deck).

    ``incoming`` may be a stream, read once; ``notetypes`` are read after it (a stream
    fills them in). With a ``spool``, new cards go there as they are made rather than
    into the data: memory holds the deck as it was, never every new card.
    """
    from dlcards.deck import content_id

    if existing is None:
        data: dict[str, Any] = {"deck": dict(header), "cards": []}
    else:
        data = {"deck": dict(existing["deck"]), "cards": list(existing.get("cards", []))}
    if rename:
        data["deck"]["name"] = rename
    data["deck"]["id"] = deck_id
    if existing is not None and existing.get("notetypes"):
        data["notetypes"] = list(existing["notetypes"])
    cards: list[dict[str, Any]] = data["cards"]
    by_id: dict[str, int] = {}
    by_guid: dict[str, int] = {}
    for index, card in enumerate(cards):
        card_id = card.get("id")
        if not isinstance(card_id, str) and isinstance(card.get("front"), str):
            card_id = content_id(card["front"])
        if isinstance(card_id, str):
            by_id.setdefault(card_id, index)
            guid = card.get("guid") or export_guid(deck_id, card_id)
            by_guid.setdefault(guid, index)
    result = MergeResult(data)
    claimed: dict[int, str] = {}
    anki = False
    for item in incoming:
        card = item.card
        anki = anki or "anki" in card
        # the existing card this one updates, by id then guid; None: a new card
        match = by_id.get(card["id"])
        if match is None and card.get("guid"):
            match = by_guid.get(card["guid"])
        if item.fill is not None:
            if match is not None and match not in claimed and _same_anki_note(cards[match], card):
                claimed[match] = item.where
                result.unchanged += 1
                continue
            reason = item.fill()
            if reason is not None:
                result.skipped.append((item.where, reason))
                continue
        ahead = item.prepared  # rendered and checked ahead: a card of a new deck
        if ahead is not None and ahead.reason is not None:
            result.skipped.append((item.where, ahead.reason))
            continue
        if match is not None and match in claimed:
            if card["id"] == content_id(card.get("front", "")):
                why = f"the same front as {claimed[match]} (a card without an id is known by it)"
            else:
                why = f"the same card as {claimed[match]} (id or guid repeated in the file)"
            result.skipped.append((item.where, why))
            continue
        problem = ahead.problem if ahead is not None else _invalid(card)
        if problem:
            result.skipped.append((item.where, problem))
            continue
        if match is None and spool is not None and ahead is not None:
            if ahead.refusal is not None:
                raise UserError(*ahead.refusal)
            spool.add_block(card["id"], ahead.block, ahead.hash)
            match = by_id[card["id"]] = -spool.count  # as below
            claimed[match] = item.where
            result.imported += 1
            continue
        if match is None and spool is not None:
            spool.add(_ordered(_drop_derived_guid(card, deck_id)))
            match = by_id[card["id"]] = -spool.count  # claimed below, never read back
            claimed[match] = item.where
            result.imported += 1
            continue
        if match is None:
            match = len(cards)
            cards.append(_ordered(_drop_derived_guid(card, deck_id)))
            by_id[card["id"]] = match
            claimed[match] = item.where
            result.imported += 1
            continue
        claimed[match] = item.where
        old = cards[match]
        reason = None if item.whole else _kept_reason(old, item)
        if reason:
            result.skipped.append((item.where, reason))
            continue
        new = _updated(old, item, deck_id)
        if new == old:
            result.unchanged += 1
        elif problem := _invalid(new):
            result.skipped.append((item.where, problem))
        else:
            cards[match] = new
            result.updated += 1
    if notetypes:
        kept = {n["id"]: n for n in data.get("notetypes", [])}  # Anki's copy wins
        kept.update({n["id"]: n for n in notetypes})
        data["notetypes"] = [kept[i] for i in sorted(kept)]
    if data.get("notetypes") or anki:
        data["deck"]["format"] = 2
    return result


def new_card(card: dict[str, Any], deck_id: str) -> dict[str, Any]:
    """A new card as the deck file holds it (key order; no guid an export would derive)."""
    return _ordered(_drop_derived_guid(card, deck_id))


def invalid_reason(card: dict[str, Any]) -> str | None:
    """Why a card cannot go into a deck (the deck parser's rules), or None."""
    return _invalid(card)


def _invalid(card: dict[str, Any]) -> str | None:
    models, error = _validation()
    model = models.get(card.get("type", "basic"))
    if model is None:
        return f"unknown card type {card.get('type')!r}"
    try:
        model.model_validate(card)
    except error as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "card"
        return f"not a valid card ({where}: {first['msg']})"
    return None


@functools.cache
def _validation() -> tuple[dict[str, Any], type[ValidationError]]:
    """The card models and their error, imported once (pydantic takes 0.1 s to import;
    an unchanged re-import never needs it)."""
    from pydantic import ValidationError

    from dlcards.deck import _MODELS

    return _MODELS, ValidationError


def _kept_reason(old: dict[str, Any], item: Incoming) -> str | None:
    kind = old.get("type", "basic")
    if kind == "compute":
        return f"card '{old.get('id')}' is a compute card in the deck; it was kept as it is"
    if kind == "choice" and item.card.get("type") != "choice":
        return (
            f"card '{old.get('id')}' is a choice card in the deck and the file has it as "
            "plain text; it was kept as it is"
        )
    return None


def _updated(old: dict[str, Any], item: Incoming, deck_id: str) -> dict[str, Any]:
    from dlcards.cards import source_line
    from dlcards.deck import content_id
    from dlcards.interchange.export_notes import back_with_source
    from dlcards.interchange.md2html import to_html

    card = item.card
    if item.whole:
        return _ordered(_drop_derived_guid(card, deck_id) if "guid" not in old else card)
    new = dict(old)
    if "id" not in new:
        # A card written without an id is known by a hash of its front: pin it
        # before the front changes, or its progress would be lost.
        new["id"] = content_id(old["front"])
    if item.exact:
        for key in _CONTENT_KEYS:
            new.pop(key, None)
        new.update({k: v for k, v in card.items() if k in _CONTENT_KEYS})
    else:
        # What an export of the deck's card wrote: Back ends with its "Source:" line.
        written = dict(old)
        if isinstance(old.get("back"), str):
            written["back"] = back_with_source(old["back"], old.get("source"))
        for key, html in (("front", item.front_html), ("back", item.back_html)):
            if card[key] == old.get(key):
                continue
            # Keep the deck's own Markdown when Anki still holds exactly the HTML
            # an export of it gives: the difference is only how it was written.
            if html is not None and isinstance(written.get(key), str):
                if to_html(written[key]) == html:
                    continue
            new[key] = card[key]
        # An edited "Source:" line replaces the citation; an unchanged one keeps the
        # deck's own list (a citation may itself contain the "; " that joins the line).
        if "source" in card and source_line(card["source"]) != source_line(old.get("source")):
            new["source"] = card["source"]
    if "anki" in card:  # a card rendered from Anki's templates: its typed answer too
        new["anki"] = card["anki"]
        if "answer" in card:
            new["answer"] = card["answer"]
        else:
            new.pop("answer", None)
    new["tags"] = list(card.get("tags", []))
    if not new["tags"] and "tags" not in old:
        del new["tags"]
    guid = card.get("guid")
    if guid and guid != export_guid(deck_id, str(old.get("id", card["id"]))):
        new["guid"] = guid
    return _ordered(new)


def _drop_derived_guid(card: dict[str, Any], deck_id: str) -> dict[str, Any]:
    if card.get("guid") and card["guid"] == export_guid(deck_id, card["id"]):
        card = {k: v for k, v in card.items() if k != "guid"}
    if not card.get("tags"):
        card = {k: v for k, v in card.items() if k != "tags"}
    return card


def _ordered(card: dict[str, Any]) -> dict[str, Any]:
    ordered = {k: card[k] for k in _KEY_ORDER if k in card}
    ordered.update({k: v for k, v in card.items() if k not in ordered})
    return ordered


# Strings first (a '#' inside one is text), then a bare '#': a comment.
_STRINGS_OR_COMMENT = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""+|\'\'\'.*?\'\'\'+|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#',
    re.DOTALL,
)


def has_comments(text: str) -> bool:
    """Whether a TOML text holds a comment (rewriting it with tomli-w would drop them)."""
    return any(m.group() == "#" for m in _STRINGS_OR_COMMENT.finditer(text))


__all__ = ["MergeResult", "Spool", "dump_deck", "load_existing", "merge", "write_deck"]
