"""``dlcards decks`` and ``dlcards validate``: what decks there are, and whether they are right.

Only typer and the standard library are imported here: everything else loads
inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import re
from typing import Annotated

import typer

from dlcards.cli.shared import aligned_lines, app_context, report_deck_errors
from dlcards.textsafe import one_line

# "path:line: " at the start of a located message; a warning says so after it.
_LOCATION = re.compile(r"^(.*?:\d+: )")


def decks(
    cli: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the decks with their cards, new and due counts."""
    from dlcards.deck_counting import count_decks

    ctx = app_context(cli)
    collection = ctx.collection
    report_deck_errors(collection.errors)
    today = ctx.today()
    if json_out:
        import json

        # The JSON counts are DESIGN §7's, to the letter: a suspended card that was never
        # reviewed is still "new". The table below, like Home, leaves suspended cards out.
        counts = count_decks(ctx.store, collection, ctx.profile, today)
        typer.echo(json.dumps([c.as_json() for c in counts], indent=2, ensure_ascii=False))
        return
    counts = count_decks(
        ctx.store, collection, ctx.profile, today, ctx.store.suspended(ctx.profile)
    )
    if not counts:
        typer.echo(f"No decks found. Put .toml decks in {ctx.home.decks_dir} or pass --deck-path.")
        return
    rows = [("deck", "name", "cards", "new", "due", "")]
    for c in counts:
        note = (
            "overrides shipped" if c.deck.overrides_shipped else "shipped" if c.deck.shipped else ""
        )
        rows.append((c.deck.id, one_line(c.deck.name), str(c.cards), str(c.new), str(c.due), note))
    for line in aligned_lines(rows, right=(2, 3, 4)):
        typer.echo(line)


def validate(
    cli: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Deck files or folders of them (default: every deck).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check decks: format, ids, and every compute card generated, solved and re-parsed."""
    from pathlib import Path

    from dlcards.collection import discover, shipped_decks_dir, tomls_in
    from dlcards.errors import UserError
    from dlcards.validate import validate_files

    ctx = app_context(cli)
    if paths:
        files = []
        for given in map(Path, paths):
            if given.is_dir():
                # A folder: its decks as --deck-path finds them.
                found = tomls_in(given)
                if not found:
                    raise UserError(
                        f"{given}: no .toml deck files in this folder", "check the path"
                    )
                files += found
            elif given.is_file():
                files.append(given)
            else:
                raise UserError(f"{given}: no such file or folder", "check the path")
        shipped_dir = shipped_decks_dir().resolve()
        shipped = [p for p in files if p.resolve().parent == shipped_dir]
    else:
        sources, problems = discover(ctx.home.decks_dir, ctx.deck_paths)
        report_deck_errors(problems)
        files = [s.path for s in sources]
        shipped = [s.path for s in sources if s.shipped]
    report = validate_files(files, shipped)
    for line in report.errors:
        typer.echo(one_line(line))  # path:line: message (DESIGN §3)
    for line in report.warnings:
        located = _LOCATION.match(line)
        typer.echo(
            one_line(
                f"{located[1]}warning: {line[located.end() :]}" if located else f"warning: {line}"
            )
        )
    typer.echo(
        f"{report.decks} deck(s), {report.cards} card(s), {report.compute_checks} compute "
        f"instance(s) checked: {len(report.errors)} error(s), {len(report.warnings)} warning(s)."
    )
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("decks")(decks)
    app.command("validate")(validate)
