"""Commands that move data in and out: ``import``, ``export``, ``progress``, ``backup``.

Only typer and the standard library are imported here: everything else loads
inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dlcards.cli.importing import grouped, run_import
from dlcards.cli.shared import app_context, cli_state


class ImportFormat(StrEnum):
    auto = "auto"
    apkg = "apkg"
    anki_text = "anki-text"
    csv = "csv"
    tsv = "tsv"
    toml = "toml"


class ExportFormat(StrEnum):
    toml = "toml"
    tsv = "tsv"
    csv = "csv"
    apkg = "apkg"


# --- import / export ---------------------------------------------------------------------


def import_command(
    cli: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="An .apkg, Anki text export, CSV, TSV or TOML deck.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        ImportFormat, typer.Option("--format", help="Read the file as this format.")
    ] = ImportFormat.auto,
    deck_id: Annotated[
        str | None,
        typer.Option(
            "--deck-id",
            metavar="ID",
            help="Id of the deck to create or update (default: from the file).",
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="Deck name.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write the deck here instead of <home>/decks/ID.toml.",
        ),
    ] = None,
) -> None:
    """Import cards into a TOML deck; importing again updates them instead of duplicating."""
    run_import(cli_state(cli), file, fmt.value, deck_id, name, out)


def export_command(
    cli: typer.Context,
    deck: Annotated[
        str, typer.Argument(metavar="DECK", help="Id of the deck to export.", show_default=False)
    ],
    out: Annotated[
        Path,
        typer.Option("-o", "--output", metavar="FILE", help="File to write.", show_default=False),
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", help="Format (default: from the file extension).", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    instances: Annotated[
        int,
        typer.Option("--instances", metavar="N", min=0, help="Frozen instances per compute card."),
    ] = 5,
) -> None:
    """Export a deck for Anki (.apkg, or a TSV/CSV Anki imports with no settings) or as TOML."""
    from dlcards.errors import UserError
    from dlcards.interchange.exporter import export_deck

    ctx = app_context(cli)
    found = ctx.collection.deck(deck)
    if found is None:
        raise UserError(f"no deck with id '{deck}'", "run 'dlcards decks' to list them")
    report = export_deck(
        found.path,
        out,
        fmt=fmt.value if fmt else None,
        force=force,
        instances=instances,
        now=ctx.now(),
        times_db=ctx.store.conn,
        media_root=ctx.home.root / "media",
    )
    labels = {"compute": "compute instance(s)"}
    kinds = ", ".join(f"{n} {labels.get(kind, kind)}" for kind, n in sorted(report.counts.items()))
    unit = "card(s)" if report.fmt == "toml" else "note(s)"
    typer.echo(
        f"Exported {report.notes} {unit} of deck '{deck}' to {report.target}"
        + (f" ({kinds})." if kinds and report.fmt != "toml" else ".")
    )
    if report.skipped:
        typer.echo("Not exported:")
        for line in grouped(report.skipped):
            typer.echo(line)


# --- progress ----------------------------------------------------------------------------


def progress_export(
    cli: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="FILE", help="The .jsonl file to write.", show_default=False
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write this profile's review log (undo rows included) to a JSON Lines file."""
    from dlcards.interchange.progress import export_progress

    ctx = app_context(cli)
    count = export_progress(ctx.store, ctx.profile, out, force=force)
    typer.echo(f"Wrote {count} row(s) of profile '{ctx.profile}' to {out}.")


def progress_import(
    cli: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A file from 'dlcards progress export'.", show_default=False
        ),
    ],
) -> None:
    """Merge a review log into this profile (rows already here are skipped)."""
    from dlcards.cli.progress_bar import progress_bar
    from dlcards.interchange.progress import import_progress

    ctx = app_context(cli)
    known = {(d.id, ref.card_id) for d in ctx.collection.decks for ref in d.cards}
    with progress_bar("Importing progress") as progress:
        result = import_progress(
            ctx.store, ctx.profile, file, ctx.now(), known=known, progress=progress
        )
    typer.echo(
        f"Merged {file} into profile '{ctx.profile}': {result.added} new row(s), "
        f"{result.present} already here."
    )
    if result.unknown_rows:
        typer.echo(
            f"Note: {result.unknown_rows} row(s) are for {result.unknown_cards} card(s) "
            "not in your decks; they were kept and count once those decks are here."
        )
    if result.other_profile:
        typer.echo(
            f"Note: {result.other_profile} row(s) already belong to another profile "
            "on this machine and were not added again; to give a profile a copy of "
            "another's progress, use 'dlcards progress copy FROM TO'."
        )
    if result.differing:
        typer.echo(
            f"Note: {result.differing} row(s) have the id of a different row here; "
            "this machine's rows were kept."
        )


def progress_copy(
    cli: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="The profile to copy from.")],
    target: Annotated[
        str, typer.Argument(metavar="TO", help="A new profile, or one with no progress yet.")
    ],
) -> None:
    """Copy one profile's progress to another on this machine (FROM is kept as it is)."""
    from dlcards.config import check_profile_name
    from dlcards.errors import UserError

    ctx = app_context(cli)
    store = ctx.database
    check_profile_name(source)
    check_profile_name(target)
    counts = {name: reviews for name, reviews, _ in store.profiles()}
    if source not in counts:
        raise UserError(f"no profile '{source}'", "run 'dlcards users' to list them")
    if source == target:
        raise UserError("FROM and TO are the same profile", "name two profiles")
    if target in counts and next(store.iter_rows(target), None) is not None:
        # Copying into a profile with its own log would mix two histories of one card.
        raise UserError(
            f"profile '{target}' already has progress",
            f"copy into a new profile ('dlcards users delete {target}' first, if you mean it)",
        )
    added = store.copy_profile(source, target, ctx.now())
    typer.echo(
        f"Copied {added} row(s) of profile '{source}' to '{target}'; "
        f"study as it with 'dlcards --user {target}'."
    )


# --- backup ------------------------------------------------------------------------------


def backup_list(cli: typer.Context) -> None:
    """List the backups of the progress database."""
    from dlcards.backup import list_backups

    ctx = app_context(cli)
    backups = list_backups(ctx.home)
    if not backups:
        typer.echo(f"No backups yet in {ctx.home.backups_dir} (one is made each study day).")
        return
    for b in backups:
        note = f"  (made {b.kind.replace('-', ' ', 1)})" if b.kind != "daily" else ""
        typer.echo(f"{b.name}  {b.size / 1024:.0f} KiB{note}")


def backup_restore(
    cli: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="BACKUP", help="A backup name from 'dlcards backup list'.", show_default=False
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the progress database (every profile) with a backup; the current one is saved."""
    from dlcards.backup import find_backup, restore_backup
    from dlcards.config import now
    from dlcards.errors import UserError

    ctx = app_context(cli)
    find_backup(ctx.home, name)
    if not yes:
        try:
            confirmed = typer.confirm(
                f"Replace the progress of every profile in {ctx.home.root} with {name}?",
                default=False,
            )
        except typer.Abort as exc:
            raise UserError("restore cancelled", "pass --yes to restore without asking") from exc
        if not confirmed:
            raise UserError("restore cancelled", "nothing was changed")
    saved = restore_backup(ctx.home, name, now())
    typer.echo(
        f"Restored {name}."
        + (f" The previous database was saved as {saved.name}." if saved else "")
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    progress = typer.Typer(
        help="Move your review log between machines, or copy it to another profile.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    progress.command("export")(progress_export)
    progress.command("import")(progress_import)
    progress.command("copy")(progress_copy)
    app.add_typer(progress, name="progress")
    backup = typer.Typer(
        help="Backups of your progress (one a day, the last 7 kept).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    backup.command("list")(backup_list)
    backup.command("restore")(backup_restore)
    app.add_typer(backup, name="backup")
