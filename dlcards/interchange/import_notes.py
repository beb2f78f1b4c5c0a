"""The notes of an Anki package or a text file, as a stream of cards to merge.

What the deck needs before its cards (id, name, description, tags) is read first;
the cards then come one note at a time while the merge consumes them, so a
100,000-note package is never held whole: a note is read, converted, merged,
written to the spool and let go. What only the whole file tells (the skipped notes,
the note types used, the media) fills in as the stream is consumed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlcards.errors import UserError
from dlcards.interchange.notes import Incoming, RawNote, valid_id
from dlcards.textsafe import strip_controls

Progress = Callable[[str, int, int], None]
MARKER = re.compile(r"<!--\s*dlcards\s+(\{[^<>]{0,20000}?\})\s*-->")


@dataclass
class Gathered:
    """What an import file gives: ``stream`` the cards; the rest known before it or
    (skipped, modified, media, notetypes, unsupported, produced) filled as it is read."""

    stream: Iterator[Incoming]
    skipped: list[tuple[str, str]] = field(default_factory=list)
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
    produced: int = 0  # cards the stream has given so far
    # Set before the stream is read when the deck is new: (deck id, whether content
    # hashes are kept); the notes may then be converted ahead, in worker processes.
    ahead: tuple[str, bool] | None = None


def gather(source: Path, fmt: str, progress: Progress | None, stack: ExitStack) -> Gathered:
    """The notes of ``source`` (any format but TOML); an open package stays open on
    ``stack`` while the stream is read."""
    notes: Iterable[RawNote]
    notetypes: dict[int, Any] = {}
    gathered = Gathered(iter(()))
    if fmt == "apkg":
        from dlcards.interchange import import_after
        from dlcards.interchange.apkg_read import open_package
        from dlcards.interchange.html2md import convert

        package = stack.enter_context(open_package(source))
        notes, deck_names, total = package.notes, package.deck_names, package.count
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
        notes, deck_names = text.notes, Counter(text.deck_names)
        total, gathered.remarks = text.count, text.warnings
        if text.deck_id and valid_id(text.deck_id):
            gathered.deck_id = text.deck_id
        if text.deck_tags:
            gathered.header["tags"] = text.deck_tags
    if not total:
        raise UserError(f"{source}: no notes to import", "check the file; nothing was changed")
    named = {n for n in deck_names if n}
    if len(named) > 1:
        gathered.remarks.append(
            f"the file holds {len(named)} Anki decks; "
            "their cards were imported into one dlcards deck"
        )
    common = Counter({n: c for n, c in deck_names.items() if n}).most_common(1)
    if common and not gathered.name:
        gathered.name = strip_controls(common[0][0].split("::")[-1]).strip() or None
    gathered.stream = _cards(gathered, notes, notetypes, total, progress)
    return gathered


def _cards(
    gathered: Gathered,
    notes: Iterable[RawNote],
    notetypes: dict[int, Any],
    total: int,
    progress: Progress | None,
) -> Iterator[Incoming]:
    from dlcards.interchange.note_cards import NoteCards, NoteConverter

    # An export by dlcards puts the deck's tags on every note: they go back to the deck.
    deck_tags = set(gathered.header.get("tags", []))
    converter = NoteConverter(notetypes, deck_tags, gathered.unsupported)
    results: Iterable[NoteCards] = map(converter.convert, notes)
    if gathered.ahead is not None:  # a new deck: its notes may be converted on every core
        from dlcards.interchange import import_pool

        workers = import_pool.processes(total)
        if workers > 1:
            results = import_pool.converted(notes, converter, gathered.ahead, workers)
    used: set[int] = set()
    try:
        for done, result in enumerate(results, start=1):
            if result.notetype_id is not None and result.notetype_id not in used:
                used.add(result.notetype_id)
                gathered.notetypes.append(notetypes[result.notetype_id].as_table())
            gathered.modified.update(result.modified)
            if result.skipped:
                gathered.skipped.append((result.where, result.skipped))
            gathered.media_names.extend(result.refs)
            gathered.media += result.media
            if progress is not None and (done % 200 == 0 or done == total):
                progress("converting", done, total)
            for incoming in result.cards:
                gathered.produced += 1
                yield incoming
    finally:
        # A refusal stops the stream midway: the workers stop with it, not when the
        # error and the frames it holds are let go.
        close = getattr(results, "close", None)
        if close is not None:
            close()
    gathered.notetypes.sort(key=lambda table: table["id"])


def _apply_marker(gathered: Gathered, text: str) -> None:
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
