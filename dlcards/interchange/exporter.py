"""``dlcards export``: one deck → TOML, an Anki text file (TSV/CSV) or an .apkg."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dlcards.errors import UserError

EXPORT_FORMATS = ("toml", "tsv", "csv", "apkg")
_BY_SUFFIX = {
    ".toml": "toml",
    ".tsv": "tsv",
    ".txt": "tsv",
    ".tab": "tsv",
    ".csv": "csv",
    ".apkg": "apkg",
}


@dataclass
class ExportReport:
    target: Path
    fmt: str
    notes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)


_WHAT = {
    "toml": "a TOML deck",
    "tsv": "an Anki text file",
    "csv": "an Anki text file",
    "apkg": "an Anki package",
}


def export_format(out: Path, fmt: str | None) -> str:
    found = _BY_SUFFIX.get(out.suffix.lower())
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise UserError(
                f"unknown export format {fmt!r}", f"use one of: {', '.join(EXPORT_FORMATS)}"
            )
        # An Anki package named .toml breaks the deck folder that holds it, and a TOML deck
        # named .apkg cannot be imported: the name must say what is in the file.
        if found is not None and _WHAT[found] != _WHAT[fmt]:
            raise UserError(
                f"--format {fmt} writes {_WHAT[fmt]}, but {out.name} is named as {_WHAT[found]}",
                f"name it {out.stem}.{fmt}",
            )
        return fmt
    if found is None:
        raise UserError(
            f"cannot tell the format of {out.name} from its extension",
            "name it .toml, .tsv, .csv or .apkg, or pass --format",
        )
    return found


def export_deck(
    deck_path: Path,
    out: Path,
    *,
    fmt: str | None = None,
    force: bool = False,
    instances: int = 5,
    now: datetime,
    times_db: sqlite3.Connection | None = None,
    media_root: Path | None = None,
) -> ExportReport:
    """Write the deck at ``deck_path`` to ``out``; an existing file only with ``force``.

    Each Anki note's modification time is when its content last changed in dlcards
    (``times_db``, the progress database, which the CLI always passes), not the export
    time: Anki's "update if newer" then keeps edits made in Anki. The images and sounds
    of notes from Anki, kept in ``media_root/<deck id>/``, go back under their own names.
    """
    from dlcards.deck import DeckError, parse_deck
    from dlcards.fileutil import atomic_write_bytes

    if out.is_dir():
        example = out / f"{deck_path.stem}.{fmt or 'toml'}"
        raise UserError(f"{out} is a folder", f"give a file name in it, e.g. {example}")
    fmt = export_format(out, fmt)
    if out.exists() and not force:
        raise UserError(f"{out} already exists", "pass --force to overwrite it")
    if instances < 0:
        raise UserError("--instances must be 0 or more", "e.g. --instances 5")
    raw = deck_path.read_bytes()
    try:
        parsed = parse_deck(deck_path, raw)
    except DeckError as exc:
        raise UserError(
            f"cannot export: {exc.messages[0]}", "fix the deck (dlcards validate) first"
        ) from exc
    report = ExportReport(out, fmt)
    if fmt == "toml":
        data = raw  # the deck as written, comments and all
        report.notes = len(parsed.cards)
        report.counts = {"card": len(parsed.cards)}
    else:
        from dlcards.interchange import export_write
        from dlcards.interchange.export_notes import render_cards
        from dlcards.interchange.md2html import to_html

        header = parsed.header
        rendered = render_cards(
            header.id,
            parsed.cards,
            instances=instances,
            notetypes=parsed.notetypes,
            deck_tags=list(header.tags),
            anki_notes=fmt == "apkg",
        )
        report.counts, report.skipped = rendered.counts, rendered.skipped
        report.notes = len(rendered.notes)
        if fmt == "apkg":
            marker = {"deck": header.id, "name": header.name, "tags": list(header.tags)}
            changed = _content_times(deck_path, header.id, parsed.cards, now, times_db)
            for note in rendered.notes:
                note.modified = max((changed[c] for c in note.card_ids), default=None)
            data = export_write.apkg_bytes(
                rendered.notes,
                header.id,
                header.name,
                to_html(header.description or ""),
                now.timestamp(),
                marker,
                _media(rendered.notes, media_root, header.id) if media_root else None,
            )
        else:
            from dlcards.interchange.export_notes import anki_tags

            data = export_write.text_bytes(
                rendered.notes,
                header.id,
                header.name,
                "\t" if fmt == "tsv" else ",",
                anki_tags(list(header.tags)),
            )
    try:
        atomic_write_bytes(out, data, mode=None, dangling_ok=force)
    except OSError as exc:
        raise UserError(f"{out}: cannot be written ({exc.strerror})", "check the folder") from exc
    return report


def _content_times(
    deck_path: Path,
    deck_id: str,
    cards: list[Any],
    now: datetime,
    times_db: sqlite3.Connection | None,
) -> dict[str, int]:
    """Card id → when its content last changed (Unix seconds)."""
    if times_db is None:  # no progress database (tests, library use): the export time
        seconds = int(now.timestamp())
        return {card.id: seconds for card in cards}
    from dlcards.cards import card_to_dict
    from dlcards.content_times import card_hash, stamp

    return stamp(times_db, deck_id, {c.id: card_hash(card_to_dict(c)) for c in cards}, now)


def _media(notes: list[Any], media_root: Path, deck_id: str) -> list[tuple[str, Path]]:
    """(original name, stored file) for each media file the Anki notes refer to."""
    from dlcards.media import deck_media_dir, field_references, inside

    folder = deck_media_dir(media_root, deck_id)
    if not folder.is_dir():
        return []
    found: dict[str, Path] = {}
    for note in notes:
        for value in note.anki.fields if note.anki is not None else ():
            for name in field_references(value) if ("<" in value or "[sound:" in value) else ():
                path = inside(folder, name)
                if name not in found and path is not None and path.is_file():
                    found[name] = path
    return list(found.items())
