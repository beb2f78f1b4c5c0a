"""Merging imported cards into a TOML deck, validating it, writing it atomically.

Cards are matched first by id, then by Anki guid (a card that never had one
matches the guid its export would get, ``genanki.guid_for(deck id, card id)``),
so importing a file again updates its cards and keeps every other card of the
deck. The deck is rewritten with tomli-w and parsed back with the deck parser
before it replaces the old file: a bad result never reaches the disk.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from dlcards.errors import UserError
from dlcards.interchange.anki_cards import same_anki_note as _same_anki_note
from dlcards.interchange.notes import Incoming
from dlcards.interchange.toml_strings import basic_string as _string

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
    incoming: list[Incoming],
    deck_id: str,
    *,
    rename: str | None = None,
    notetypes: list[dict[str, Any]] | None = None,
) -> MergeResult:
    """The deck data after importing ``incoming`` into ``existing`` (or a new ``header`` deck)."""
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
    if notetypes:
        kept = {n["id"]: n for n in data.get("notetypes", [])}  # Anki's copy wins
        kept.update({n["id"]: n for n in notetypes})
        data["notetypes"] = [kept[i] for i in sorted(kept)]
    if data.get("notetypes") or any("anki" in item.card for item in incoming):
        data["deck"]["format"] = 2
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
    for item in incoming:
        card = item.card
        index = by_id.get(card["id"])
        if index is None and card.get("guid"):
            index = by_guid.get(card["guid"])
        if item.fill is not None:
            old = cards[index] if index is not None and index not in claimed else None
            if old is not None and _same_anki_note(old, card):
                claimed[cast(int, index)] = item.where
                result.unchanged += 1
                continue
            reason = item.fill()
            if reason is not None:
                result.skipped.append((item.where, reason))
                continue
        if index is not None and index in claimed:
            if card["id"] == content_id(card.get("front", "")):
                why = f"the same front as {claimed[index]} (a card without an id is known by it)"
            else:
                why = f"the same card as {claimed[index]} (id or guid repeated in the file)"
            result.skipped.append((item.where, why))
            continue
        problem = _invalid(card)
        if problem:
            result.skipped.append((item.where, problem))
            continue
        if index is None:
            index = len(cards)
            cards.append(_ordered(_drop_derived_guid(card, deck_id)))
            by_id[card["id"]] = index
            claimed[index] = item.where
            result.imported += 1
            continue
        claimed[index] = item.where
        old = cards[index]
        reason = None if item.whole else _kept_reason(old, item)
        if reason:
            result.skipped.append((item.where, reason))
            continue
        new = _updated(old, item, deck_id)
        if new == old:
            result.unchanged += 1
        else:
            cards[index] = new
            result.updated += 1
    return result


def _invalid(card: dict[str, Any]) -> str | None:
    from pydantic import ValidationError

    from dlcards.deck import _MODELS

    model = _MODELS.get(card.get("type", "basic"))
    if model is None:
        return f"unknown card type {card.get('type')!r}"
    try:
        model.model_validate(card)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "card"
        return f"not a valid card ({where}: {first['msg']})"
    return None


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


def dump_deck(data: dict[str, Any]) -> str:
    """``[deck]`` then one ``[[cards]]`` block per card, as a person writes a deck.

    tomli-w alone writes short cards as one inline array and puts ``[deck]`` after
    it; here tomli-w formats the values and this function lays out the blocks.
    """
    chunks = ["[deck]\n" + _pairs(data["deck"], "deck")]
    if data.get("notetypes"):
        import tomli_w

        chunks.append(
            "\n" + tomli_w.dumps({"notetypes": data["notetypes"]}, multiline_strings=True)
        )
    for card in data.get("cards", []):
        chunks.append("\n[[cards]]\n" + _pairs(card, "cards"))
    return "".join(chunks)


def _pairs(table: dict[str, Any], name: str) -> str:
    """``key = value`` lines; runs of scalars go to tomli-w in one call (it is the slow part)."""
    import tomli_w

    lines: list[str] = []
    sections: list[str] = []
    run: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, str) and not run and "\n" not in value:
            lines.append(f"{_literal_key(key)} = {_string(value)}\n")
            continue
        if not isinstance(value, list | dict):
            run[key] = value
            continue
        if run:
            lines.append(tomli_w.dumps(run, multiline_strings=True))
            run = {}
        if isinstance(value, list):
            lines.append(_line(key, value))
        elif all(_plain(v) for v in value.values()) and len(_inline(value)) <= 100:
            lines.append(f"{_literal_key(key)} = {_inline(value)}\n")
        elif all(_plain(v) for v in value.values()):
            # [cards.params] after a [[cards]] header belongs to that card.
            sections.append(
                f"[{name}.{_literal_key(key)}]\n" + "".join(_line(k, v) for k, v in value.items())
            )
        else:
            sections.append(tomli_w.dumps({name: {key: value}}, multiline_strings=True))
    if run:
        lines.append(tomli_w.dumps(run, multiline_strings=True))
    return "".join(lines + sections)


def _line(key: str, value: Any) -> str:
    """``key = value``; a list of plain values on one line when it fits, as people write tags."""
    import tomli_w

    if isinstance(value, list) and all(_plain(v) for v in value):
        items = [_literal(v) for v in value]
        one_line = f"{_literal_key(key)} = [{', '.join(items)}]\n"
        if len(one_line) <= 100:
            return one_line
        return f"{_literal_key(key)} = [\n" + "".join(f"    {i},\n" for i in items) + "]\n"
    return str(tomli_w.dumps({key: value}, multiline_strings=True))


def _inline(table: dict[str, Any]) -> str:
    return "{ " + ", ".join(f"{_literal_key(k)} = {_literal(v)}" for k, v in table.items()) + " }"


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, str | int | float | bool)


def _literal(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, str) and len(value) > 40:
        return _string(value)
    return _scalar(value)


@functools.lru_cache(maxsize=4096, typed=True)
def _scalar(value: str | int | float | bool) -> str:
    # Tags and small numbers repeat from card to card: format each once.
    import tomli_w

    return str(tomli_w.dumps({"v": value})).split(" = ", 1)[1].rstrip("\n")


@functools.lru_cache(maxsize=256)
def _literal_key(key: str) -> str:
    import tomli_w

    return str(tomli_w.dumps({key: 0})).rsplit(" = ", 1)[0]


def render(data: dict[str, Any], target: Path) -> bytes:
    """The deck as TOML bytes, parsed back by the deck parser before anything is written."""
    from dlcards.deck import DeckError, parse_deck

    raw = dump_deck(data).encode("utf-8")
    try:
        parse_deck(target, raw)
    except DeckError as exc:
        raise UserError(
            f"the imported deck would not be valid: {exc.messages[0]}",
            "report this; nothing was changed",
        ) from exc
    return raw


def write(target: Path, raw: bytes, *, private: bool) -> None:
    from dlcards.fileutil import atomic_write_bytes

    # An existing deck keeps its permissions; a new one in <home> is private like the
    # rest; elsewhere (-o) a new file gets the umask's mode (None).
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o600 if private else None
    try:
        atomic_write_bytes(
            target,
            raw,
            mode=mode,
            dangling_ok=False,
            todo="point the link at an existing file or remove it; nothing was written",
        )
    except OSError as exc:
        raise UserError(
            f"{target}: cannot be written ({exc.strerror})", "check the folder; nothing was changed"
        ) from exc
