"""``dlcards import``: any supported file → a validated TOML deck, merged by id and guid."""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlcards.errors import UserError
from dlcards.fileutil import reading
from dlcards.interchange import deckfile, import_after
from dlcards.interchange.import_after import ImportReport
from dlcards.interchange.notes import Incoming, RawNote, convert_note, valid_id
from dlcards.textsafe import strip_controls

FORMATS = ("auto", "apkg", "anki-text", "csv", "tsv", "toml")
Progress = Callable[[int, int], None]
MARKER = re.compile(r"<!--\s*dlcards\s+(\{[^<>]{0,20000}?\})\s*-->")
_EXTENSIONS = {
    ".apkg": "apkg",
    ".colpkg": "apkg",
    ".toml": "toml",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "anki-text",
}


@dataclass
class _Gathered:
    incoming: list[Incoming]
    skipped: list[tuple[str, str]]
    deck_id: str | None = None
    name: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    media: int = 0
    remarks: list[str] = field(default_factory=list)
    notetypes: list[dict[str, Any]] = field(default_factory=list)
    modified: dict[str, int] = field(default_factory=dict)  # card id → Anki note mtime
    media_names: list[str] = field(default_factory=list)  # files the notes refer to
    unsupported: set[str] = field(default_factory=set)  # template features not rendered
    media_map: dict[str, tuple[str, bool]] = field(default_factory=dict)


def detect_format(path: Path, fmt: str = "auto") -> str:
    """The format to read ``path`` as: the one asked for, else from its bytes and name."""
    if fmt != "auto":
        if fmt not in FORMATS:
            raise UserError(f"unknown format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
        return fmt
    with reading(path), open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "apkg"
    suffix = path.suffix.lower()
    if suffix in (".apkg", ".colpkg"):
        return "apkg"  # not a zip: read_package says so clearly
    if suffix == ".toml":
        return "toml"  # a deck's comment line ("# Notes: …") is not an Anki header
    text = head.decode("utf-8-sig", "replace")
    if text.startswith("tags:") or _ANKI_HEADER.match(text):
        return "anki-text"
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if "[deck]" in text:
        return "toml"
    first = text.split("\n", 1)[0]
    return "tsv" if "\t" in first else "csv"


# The header lines Anki writes (and dlcards' own): "#separator:tab", "#tags column:3", …
_ANKI_HEADER = re.compile(
    r"#(separator|html|tags|columns|notetype|deck|dlcards deck|[a-z ]+ column):", re.IGNORECASE
)


def deck_file_name(deck_id: str) -> str:
    """The file in ``<home>/decks/`` for a deck id: the id itself when it is a safe file
    name, else a safe form of it plus a short hash (ids may hold '/', '..', ':')."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", deck_id):
        return f"{deck_id}.toml"
    import hashlib

    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", deck_id).strip(".-_")[:80] or "deck"
    return f"{safe}-{hashlib.blake2b(deck_id.encode(), digest_size=4).hexdigest()}.toml"


def slug(text: str) -> str:
    """A deck id made from a file or deck name."""
    candidate = re.sub(r"[^\w]+", "-", text.lower()).strip("-_")[:64]
    return candidate if candidate and valid_id(candidate) else "imported"


def import_deck(
    source: Path,
    *,
    decks_dir: Path,
    fmt: str = "auto",
    deck_id: str | None = None,
    name: str | None = None,
    out: Path | None = None,
    progress: Progress | None = None,
    locate: Callable[[str], tuple[Path, bool] | None] | None = None,
    times_db: sqlite3.Connection | None = None,
    now: datetime | None = None,
    media_root: Path | None = None,
) -> ImportReport:
    """Read ``source``, merge its cards into the target deck, write it; nothing on error.

    ``locate(deck_id)`` gives (path, shipped) of a loaded deck with that id: a user
    deck found elsewhere (``--deck-path``) is updated where it is, rather than
    shadowed by a second file of the same id; a shipped deck is overridden by a
    copy in ``decks_dir``, as editing one does. ``times_db`` (the progress database)
    records when each card's content changed: for a note from Anki, Anki's own time.
    The images and sounds the notes use go to ``media_root/<deck id>/``.
    """
    if out is not None and not out.is_dir() and out.suffix.lower() != ".toml":
        # Deck folders are searched for *.toml: a deck under any other name is never loaded.
        raise UserError(
            f"{out}: a deck not named .toml is never loaded", f"name it {out.stem}.toml"
        )
    fmt = detect_format(source, fmt)
    if deck_id is not None and not valid_id(deck_id):
        raise UserError(
            f"invalid deck id {deck_id!r}", "use 1–128 printable characters without spaces"
        )
    key = None
    if times_db is not None:
        from dlcards.interchange import import_marks

        options = {"fmt": fmt, "deck_id": deck_id, "name": name, "out": out, "dir": decks_dir}
        with reading(source):
            key = import_marks.mark_key(source.read_bytes(), options)
        known = import_marks.recall(times_db, key)
        if known is not None:
            return import_after.unchanged_report(known, fmt)
    if fmt == "toml":
        gathered = _from_toml(source)
    else:
        gathered = _from_notes(source, fmt, progress)
    deck_id = deck_id or gathered.deck_id or slug(source.stem)
    target = out if out is not None else decks_dir / deck_file_name(deck_id)
    found = locate(deck_id) if locate is not None and out is None else None
    overrides = None
    if found is not None and found[0] != target:
        if found[1]:
            overrides = found[0]
        else:
            target = found[0]
    if target.is_dir():
        raise UserError(f"{target} is a folder", "give a file name ending in .toml")
    if not gathered.incoming:
        reasons = Counter(reason for _, reason in gathered.skipped).most_common(1)
        why = f": {reasons[0][1]} × {reasons[0][0]}" if reasons else ""
        raise UserError(
            f"{source}: none of its {len(gathered.skipped)} note(s) can be imported{why}",
            "nothing was written",
        )
    existing = deckfile.load_existing(target)
    old_text = target.read_text("utf-8") if existing is not None else ""
    if existing is not None and existing["deck"]["id"] != deck_id:
        raise UserError(
            f"{target} holds deck '{existing['deck']['id']}', not '{deck_id}'",
            f"pass --deck-id {existing['deck']['id']} to merge into it, or another -o",
        )
    # A first import into a shipped deck's id starts the user's copy from the shipped
    # cards (as editing one does): it updates them, and keeps every other card.
    base = (
        existing if existing is not None or overrides is None else deckfile.load_existing(overrides)
    )
    header = {"id": deck_id, "name": name or gathered.name or source.stem, **gathered.header}
    merged = deckfile.merge(
        base,
        header,
        gathered.incoming,
        deck_id,
        rename=name if base is not None else None,
        notetypes=gathered.notetypes,
    )
    changed = (
        existing is None
        or merged.imported
        or merged.updated
        or merged.data["deck"] != existing["deck"]
        or merged.data.get("notetypes") != existing.get("notetypes")
    )
    if changed:  # an unchanged deck is neither rendered nor written (a fast re-import)
        raw = deckfile.render(merged.data, target)
        deckfile.write(target, raw, private=target.parent == decks_dir)
    if times_db is not None:
        when = now if now is not None else datetime.now(UTC)
        import_after.stamp_times(times_db, deck_id, merged.data["cards"], gathered.modified, when)
    report = ImportReport(
        target=target,
        deck_id=deck_id,
        deck_name=merged.data["deck"]["name"],
        created=existing is None,
        fmt=fmt,
        notes=len(gathered.incoming) + len(gathered.skipped),
        imported=merged.imported,
        updated=merged.updated,
        unchanged=merged.unchanged,
        skipped=gathered.skipped + merged.skipped,
        media=gathered.media,
        remarks=gathered.remarks,
        written=bool(changed),
    )
    for what in sorted(gathered.unsupported):
        report.remarks.append(f"some notes use {what}, which dlcards does not render")
    if media_root is not None and gathered.media_names:
        import_after.copy_media_of(
            source, gathered.media_names, gathered.media_map, media_root, deck_id, report
        )
    if overrides is not None and existing is None:
        report.remarks.append(
            f"it overrides the shipped deck '{deck_id}' (delete {target.name} "
            "to get the shipped one back)"
        )
    if changed and existing is not None and deckfile.has_comments(old_text):
        report.remarks.append(f"comments in {target.name} were not kept (the deck was rewritten)")
    if times_db is not None and key is not None:
        import_after.remember(times_db, key, report)
    return report


def _from_toml(source: Path) -> _Gathered:
    from dlcards.deck import DeckError, parse_deck
    from dlcards.interchange.text_read import read_bytes

    raw = read_bytes(source)
    try:
        parsed = parse_deck(source, raw)
    except DeckError as exc:
        raise UserError(
            f"cannot import: {exc.messages[0]}",
            "fix the deck (dlcards validate) first; nothing was changed",
        ) from exc
    data = tomllib.loads(raw.decode("utf-8"))
    incoming = []
    for card_data, card in zip(data.get("cards", []), parsed.cards, strict=False):
        card_data = {**card_data, "id": card.id}
        incoming.append(Incoming(card_data, f"card '{card.id}'", exact=True, whole=True))
    header = {k: v for k, v in data["deck"].items() if k in ("description", "tags", "format")}
    return _Gathered(incoming, [], parsed.header.id, parsed.header.name, header)


def _from_notes(source: Path, fmt: str, progress: Progress | None) -> _Gathered:
    notes: list[RawNote]
    deck_names: list[str]
    notetypes: dict[int, Any] = {}
    remarks: list[str] = []
    gathered = _Gathered([], [])
    if fmt == "apkg":
        from dlcards.interchange.apkg_read import read_package
        from dlcards.interchange.html2md import convert

        package = read_package(source)
        notes, deck_names = package.notes, package.deck_names
        notetypes = package.notetypes
        gathered.media_map = import_after.media_map_of(source)
        marker = MARKER.search(package.description)
        if marker:
            _apply_marker(gathered, marker.group(1))
        description = convert(MARKER.sub("", package.description)).markdown
        if description:
            gathered.header["description"] = description
    else:
        from dlcards.interchange.text_read import read_text

        text = read_text(source, fmt)
        notes, deck_names, remarks = text.notes, text.deck_names, text.warnings
        if text.deck_id and valid_id(text.deck_id):
            gathered.deck_id = text.deck_id
        if text.deck_tags:
            gathered.header["tags"] = text.deck_tags
    if not notes:
        raise UserError(f"{source}: no notes to import", "check the file; nothing was changed")
    if len(set(deck_names) - {""}) > 1:
        remarks.append(
            f"the file holds {len(set(deck_names) - {''})} Anki decks; "
            "their cards were imported into one dlcards deck"
        )
    common = Counter(n for n in deck_names if n).most_common(1)
    if common and not gathered.name:
        gathered.name = strip_controls(common[0][0].split("::")[-1]).strip() or None
    total = len(notes)
    media_cards = 0
    from dlcards.interchange.anki_cards import convert_templated, usable

    used: set[int] = set()
    for done, note in enumerate(notes, start=1):
        notetype = notetypes.get(note.notetype_id) if note.notetype_id is not None else None
        if notetype is not None and (_from_dlcards(note) or not usable(notetype)):
            notetype = None  # read field by field, as before
        if notetype is not None:
            converted = convert_templated(note, notetype, gathered.unsupported)
            if converted.cards:
                used.add(notetype.id)
            for item in converted.cards:
                gathered.modified[item.card["id"]] = note.modified
        else:
            converted = convert_note(note)
        if converted.skipped:
            gathered.skipped.append((note.where, converted.skipped))
        refs: list[str] = []
        if converted.cards:
            from dlcards.media import field_references

            for value in note.fields:
                if "<img" in value or "<IMG" in value or "[sound:" in value:
                    refs.extend(field_references(value))
        gathered.media_names.extend(refs)
        for incoming in converted.cards:
            _drop_controls(incoming.card)
            if incoming.fill is not None:  # rendered later: stripped then
                incoming.fill = _stripping(incoming.fill, incoming.card)
        gathered.incoming.extend(converted.cards)
        media_cards += bool(refs or converted.media)
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)
    deck_tags = set(gathered.header.get("tags", []))
    if deck_tags:
        # An export by dlcards puts the deck's tags on every note: they go back to the deck.
        for item in gathered.incoming:
            if "tags" in item.card:
                item.card["tags"] = [t for t in item.card["tags"] if t not in deck_tags]
    gathered.media = media_cards
    gathered.notetypes = [notetypes[i].as_table() for i in sorted(used)]
    gathered.remarks = remarks
    return gathered


def _from_dlcards(note: RawNote) -> bool:
    """A note dlcards exported in its own note type: read by its dlcards fields."""
    from dlcards.interchange.notes import ID_FIELD

    return ID_FIELD in note.field_names


def _drop_controls(card: dict[str, Any]) -> None:
    """Control characters (ESC sequences included) never enter a deck from a file."""
    for key, value in card.items():
        if key in ("front", "back", "source", "answer") and isinstance(value, str):
            card[key] = strip_controls(value)
        elif key in ("tags", "choices", "source") and isinstance(value, list):
            card[key] = [strip_controls(v) if isinstance(v, str) else v for v in value]


def _stripping(fill: Callable[[], str | None], card: dict[str, Any]) -> Callable[[], str | None]:
    def run() -> str | None:
        reason = fill()
        _drop_controls(card)
        return reason

    return run


def _apply_marker(gathered: _Gathered, text: str) -> None:
    """Deck id and tags an export by dlcards left in the Anki deck's description."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # a crafted marker may nest thousands deep
        return
    if not isinstance(data, dict):
        return
    deck_id = data.get("deck")
    if isinstance(deck_id, str) and valid_id(deck_id):
        gathered.deck_id = deck_id
    name = data.get("name")
    if isinstance(name, str) and strip_controls(name).strip():
        gathered.name = strip_controls(name)
    tags = data.get("tags")
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags) and tags:
        gathered.header["tags"] = tags
