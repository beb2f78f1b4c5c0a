"""``dlcards sync [DIR]``: merge this profile's log with other machines' through a folder.

Only typer and the standard library are imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dlcards.cli.shared import app_context

if TYPE_CHECKING:
    from dlcards.interchange.sync import SyncReport


def report_lines(report: SyncReport) -> list[str]:
    machines = len(report.machines)
    return [
        f"Synced with {report.folder}: {report.added} rows merged from {machines} other "
        f"machine(s), {report.written} rows written to {report.machine}.jsonl."
    ]


def sync(
    cli: typer.Context,
    folder: Annotated[
        str | None,
        typer.Argument(
            metavar="DIR",
            help="The shared folder (default: sync_dir in config.toml).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Sync this profile's progress with other machines through a shared folder."""
    from pathlib import Path

    from dlcards.errors import UserError
    from dlcards.interchange.sync import sync as run_sync

    ctx = app_context(cli)
    where = folder or ctx.settings.sync_dir
    if not where:
        raise UserError("no folder to sync with", "give one: dlcards sync DIR, or set sync_dir")
    report = run_sync(ctx.store, ctx.profile, Path(where).expanduser(), ctx.now())
    for line in report_lines(report):
        typer.echo(line)
    for skipped in report.skipped:
        typer.echo(f"dlcards: skipped {skipped} (tried again at the next sync)", err=True)


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
