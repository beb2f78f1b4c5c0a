"""``dlcards import``: any supported file → a validated TOML deck, merged by id and guid."""

from __future__ import annotations

import contextlib
import gc
import re
import sqlite3
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from dlcards.errors import UserError
from dlcards.fileutil import reading
from dlcards.interchange import IMPORT_FORMATS as FORMATS
from dlcards.interchange import deckfile, import_after
from dlcards.interchange.import_after import ImportReport
from dlcards.interchange.import_notes import Gathered, Progress, gather
from dlcards.interchange.notes import Incoming, valid_id

_EXTENSIONS = {
    ".apkg": "apkg",
    ".colpkg": "apkg",
    ".toml": "toml",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "anki-text",
}


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
        return "apkg"  # not a zip: open_package says so clearly
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


# New objects between two collections while a deck is imported (Python's default: 700).
COLLECT_EVERY = 50_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage every :data:`COLLECT_EVERY` new objects, then as the caller did.

    An import's objects (trees, cards, blocks) hold no cycles and are freed by reference
    counts: on the 10,000-note bench package the importing process's collections went
    from 26 ms to 4 ms of CPU, and the pool's workers, forked with these settings,
    spent 4 % less (2026-12-08).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(COLLECT_EVERY)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@fewer_collections()
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
    if progress is not None:
        progress("reading", 0, 0)
    with contextlib.ExitStack() as stack:  # an open package, until its notes are read
        if fmt == "toml":
            gathered = _from_toml(source)
        else:
            gathered = gather(source, fmt, progress, stack)
            # Closed however the block ends: a stream stopped by a refusal stops its workers.
            stack.callback(getattr(gathered.stream, "close", lambda: None))
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
        existing = deckfile.load_existing(target)
        old_text = target.read_text("utf-8") if existing is not None else ""
        if existing is not None and existing["deck"]["id"] != deck_id:
            raise UserError(
                f"{target} holds deck '{existing['deck']['id']}', not '{deck_id}'",
                f"pass --deck-id {existing['deck']['id']} to merge into it, or another -o",
            )
        # A first import into a shipped deck's id starts the user's copy from the shipped
        # cards (as editing one does): it updates them, and keeps every other card.
        base = existing
        if existing is None and overrides is not None:
            base = deckfile.load_existing(overrides)
        if base is None:  # nothing to match but the file's own cards: convert ahead
            gathered.ahead = (deck_id, bool(times_db))
        header = {"id": deck_id, "name": name or gathered.name or source.stem, **gathered.header}
        spool = stack.enter_context(contextlib.closing(deckfile.Spool(hashes=bool(times_db))))
        merged = deckfile.merge(
            base,
            header,
            gathered.stream,  # each note read, converted, spooled and let go in turn
            deck_id,
            rename=name if base is not None else None,
            notetypes=gathered.notetypes,  # filled while the stream is read
            spool=spool,
        )
        if not gathered.produced:
            reasons = Counter(reason for _, reason in gathered.skipped).most_common(1)
            why = f": {reasons[0][1]} × {reasons[0][0]}" if reasons else ""
            raise UserError(
                f"{source}: none of its {len(gathered.skipped)} note(s) can be imported{why}",
                "nothing was written",
            )
        # A shipped deck's copy is written only when the file changes one of its cards
        # or its header: a copy equal to the shipped deck would hide the shipped deck's
        # later fixes and new cards for nothing.
        compared = existing if existing is not None else (base if overrides else None)
        changed = (
            compared is None
            or merged.imported
            or merged.updated
            or merged.data["deck"] != compared["deck"]
            or merged.data.get("notetypes") != compared.get("notetypes")
        )
        if not changed and existing is None and overrides is not None:
            target = overrides
        if changed:  # an unchanged deck is neither rendered nor written (a fast re-import)
            deckfile.write_deck(
                target,
                merged.data,
                private=target.parent == decks_dir,
                progress=progress,
                spool=spool,
            )
    notes = gathered.produced + len(gathered.skipped)
    if times_db is not None:
        when = now if now is not None else datetime.now(UTC)
        import_after.stamp_times(
            times_db, deck_id, merged.data["cards"], gathered.modified, when, spool.hashes
        )
    report = ImportReport(
        target=target,
        deck_id=deck_id,
        deck_name=merged.data["deck"]["name"],
        created=existing is None and bool(changed),
        fmt=fmt,
        notes=notes,
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
    if overrides is not None and existing is None and not changed:
        report.remarks.append(
            f"the shipped deck '{deck_id}' already holds every card: no copy of it was written"
        )
    elif overrides is not None and existing is None:
        report.remarks.append(
            f"it overrides the shipped deck '{deck_id}' (delete {target.name} "
            "to get the shipped one back)"
        )
    if changed and existing is not None and deckfile.has_comments(old_text):
        report.remarks.append(f"comments in {target.name} were not kept (the deck was rewritten)")
    if times_db is not None and key is not None:
        import_after.remember(times_db, key, report)
    return report


def _from_toml(source: Path) -> Gathered:
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
    return Gathered(
        iter(incoming), [], parsed.header.id, parsed.header.name, header, produced=len(incoming)
    )
