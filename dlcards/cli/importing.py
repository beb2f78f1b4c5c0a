"""``dlcards import``'s work and report, without Typer (DESIGN §7).

The Typer command (``dlcards.cli.transfer``) and the entry point's fast path
(``dlcards.cli.fast``) both run it: importing typer and building the Typer app cost
about 45 ms of the start of every import, before any note is read (issue 12; 2026-12-08,
on the 10,000-note bench package's 1.05 s). Its output is written as ``typer.echo``
writes it (``dlcards.cli.state.echo``).
"""

from __future__ import annotations

from pathlib import Path

from dlcards.cli.state import CliState, echo
from dlcards.textsafe import one_line


def grouped(skipped: list[tuple[str, str]], limit: int = 3) -> list[str]:
    """'N × reason (where, where, …)' lines, most frequent reason first."""
    by_reason: dict[str, list[str]] = {}
    for where, reason in skipped:
        by_reason.setdefault(reason, []).append(where)
    lines = []
    for reason, places in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        shown = ", ".join(places[:limit]) + (", …" if len(places) > limit else "")
        lines.append(f"  {len(places)} × {reason} ({shown})")
    return lines


def run_import(
    state: CliState,
    file: Path,
    fmt: str,
    deck_id: str | None,
    name: str | None,
    out: Path | None,
) -> int:
    """Import ``file`` as ``dlcards import`` does and print its report; the exit code."""
    from dlcards.errors import UserError
    from dlcards.interchange.importer import import_deck

    if file.exists() and not file.is_file() and not file.is_dir():
        # A pipe (<(…)) or a device is read more than once, and its size is not known
        # before: /dev/zero filled the memory past every cap.
        raise UserError(
            f"{file}: not a regular file (a pipe or a device)",
            "save it to a file and import that; nothing was changed",
        )
    ctx = state.app_context()
    ctx.home.ensure()

    def locate(wanted: str) -> tuple[Path, bool] | None:
        from dlcards.collection import may_hold_deck

        if not may_hold_deck(ctx.home.decks_dir, ctx.deck_paths, wanted):
            return None
        deck = ctx.collection.deck(wanted)
        return (deck.path, deck.shipped) if deck is not None else None

    from dlcards.cli.progress_bar import progress_bar

    with progress_bar("Importing") as progress:
        report = import_deck(
            file,
            decks_dir=ctx.home.decks_dir,
            fmt=fmt,
            deck_id=deck_id,
            name=name,
            out=out,
            progress=progress,
            locate=locate,
            times_db=ctx.store.conn,
            now=ctx.now(),
            media_root=ctx.home.root / "media",
        )
    verb = "Created" if report.created else "Updated" if report.written else "No change to"
    echo(
        f"{verb} deck '{report.deck_id}' ({one_line(report.deck_name)}) in {report.target}: "
        f"{report.imported} imported, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped."
    )
    if report.skipped:
        echo("Skipped:")
        for line in grouped(report.skipped):
            echo(one_line(line))
    if report.media_files:
        echo(
            one_line(
                f"Copied {report.media_files} image/sound file(s) to {report.media_dir}; "
                "in the review, o opens a card's files in your viewer."
            )
        )
    elif report.media and report.media_dir is None:
        echo(
            f"Note: {report.media} card(s) refer to images or sounds; dlcards shows their "
            "file names as text (this file carries no media files)."
        )
    for remark in report.remarks:
        echo(f"Note: {one_line(remark)}.")
    return 0
