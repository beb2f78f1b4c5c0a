"""What an import does besides merging cards: its report, the media files, the
content-change times, and the mark that answers an unchanged re-import at once."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class ImportReport:
    target: Path
    deck_id: str
    deck_name: str
    created: bool
    fmt: str
    notes: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    media: int = 0
    remarks: list[str] = field(default_factory=list)
    written: bool = True  # False when the deck already held exactly these cards
    media_files: int = 0  # media files copied into media_dir
    media_dir: Path | None = None


def unchanged_report(known: dict[str, Any], fmt: str) -> ImportReport:
    """The report of a re-import of a file already imported, its deck untouched since."""
    return ImportReport(
        target=Path(known["target"]),
        deck_id=known["deck_id"],
        deck_name=known["deck_name"],
        created=False,
        fmt=fmt,
        notes=known["notes"],
        unchanged=known["cards"],
        skipped=[(str(w), str(r)) for w, r in known["skipped"]],
        media=known["media"],
        # What the first import had to say (filters dlcards does not render, media not in
        # the package) is as true now; its media are already in their folder.
        remarks=[str(r) for r in known.get("remarks", [])],
        written=False,
        media_dir=Path(known["media_dir"]) if known.get("media_dir") else None,
    )


def remember(conn: sqlite3.Connection, key: str, report: ImportReport) -> None:
    from dlcards.interchange import import_marks

    summary = {
        "target": str(report.target),
        "deck_id": report.deck_id,
        "deck_name": report.deck_name,
        "notes": report.notes,
        "cards": report.imported + report.updated + report.unchanged,
        "skipped": report.skipped,
        "media": report.media,
        "remarks": report.remarks,
        "media_dir": str(report.media_dir) if report.media_dir else None,
    }
    import_marks.remember(conn, key, report.target, summary, report.media_dir, report.media_files)


def media_map_of(source: Path) -> dict[str, tuple[str, bool]]:
    from dlcards.interchange.apkg_media import media_map
    from dlcards.interchange.limits import open_zip

    with open_zip(source) as archive:
        return media_map(source, archive)


def copy_media_of(
    source: Path,
    names: list[str],
    mapping: dict[str, tuple[str, bool]],
    media_root: Path,
    deck_id: str,
    report: ImportReport,
) -> None:
    """Copy the media the notes use into the deck's folder; remarks for what was not."""
    from dlcards.interchange.apkg_media import copy_media
    from dlcards.media import deck_media_dir

    folder = deck_media_dir(media_root, deck_id)
    copied = copy_media(source, list(dict.fromkeys(names)), mapping, folder)
    report.media_files, report.media_dir = copied.files, folder
    if copied.missing:
        report.remarks.append(
            f"{len(copied.missing)} media file(s) the notes use are not in the package "
            f"(e.g. {copied.missing[0]!r})"
        )
    if copied.refused:
        report.remarks.append(
            f"{len(copied.refused)} media file(s) were not copied: unsafe name, too big or "
            f"broken (e.g. {copied.refused[0]!r})"
        )


def stamp_times(
    conn: sqlite3.Connection,
    deck_id: str,
    cards: list[dict[str, Any]],
    known: dict[str, int],
    now: datetime,
    spooled: dict[str, str] | None = None,
) -> None:
    """Record when each card's content changed: ``cards`` as tables, ``spooled`` as the
    hashes of the new cards written straight to the deck file."""
    from dlcards.content_times import card_hash, stamp

    hashes = {c["id"]: card_hash(c) for c in cards if isinstance(c.get("id"), str)}
    hashes.update(spooled or {})
    stamp(conn, deck_id, hashes, now, known=known)
