"""``dlcards study``, ``practice`` and ``stats``: the TUI on a terminal, else line mode.

The study and practice commands parse their options and hand them to
``dlcards.cli.sessions`` (which the fast start calls too, without Typer). Only typer
and the standard library are imported here: the TUI (textual, ~150 ms) and everything
else load inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dlcards.cli import sessions
from dlcards.cli.shared import (
    DeckOption,
    TagOption,
    app_context,
    cli_state,
    report_deck_errors,
    require_decks,
)

PlainOption = Annotated[bool, typer.Option("--plain", help="Line mode, even on a terminal.")]


def study(
    cli: typer.Context,
    deck: DeckOption = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", metavar="TAG", help="Only cards with this tag (repeatable)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", metavar="N", min=1, help="At most N cards this session."),
    ] = None,
    plain: PlainOption = False,
) -> None:
    """Study what is due, then new cards, then re-drills."""
    state = cli_state(cli)
    code = sessions.run_study(
        state, deck=deck, tag=tag, limit=limit, plain=plain, home_screen=False
    )
    raise typer.Exit(code)


def practice(
    cli: typer.Context,
    deck: DeckOption = None,
    tag: TagOption = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            "--minutes", metavar="M", min=0.1, help="Stop after M minutes.", show_default=False
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", metavar="N", min=1, help="Stop after N cards.", show_default=False),
    ] = None,
    compute_only: Annotated[
        bool, typer.Option("--compute-only", help="Endless compute drills, fresh numbers.")
    ] = False,
    interview: Annotated[
        bool, typer.Option("--interview", help="A clock per card, no hints.")
    ] = False,
    plain: PlainOption = False,
) -> None:
    """Practise regardless of the schedule, weakest cards first; the schedule is unchanged."""
    code = sessions.run_practice(
        cli_state(cli),
        deck=deck,
        tag=tag,
        minutes=minutes,
        count=count,
        compute_only=compute_only,
        interview=interview,
        plain=plain,
    )
    raise typer.Exit(code)


def stats(
    cli: typer.Context,
    deck: DeckOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Reviews, retention, streak and what is due."""
    from dlcards.stats import summary

    ctx = app_context(cli)
    report_deck_errors(ctx.collection.errors)
    deck_ids = require_decks(ctx, deck)
    data = summary(ctx.store, ctx.collection, ctx.profile, ctx.today(), deck_ids)
    if json_out:
        import json

        typer.echo(json.dumps(data, indent=2))
        return
    if sys.stdout.isatty():
        # On a terminal: the same numbers drawn (heatmap, forecast, hardest cards).
        from rich.console import Console

        from dlcards.views.stats_view import gather, render_stats

        view = gather(ctx.store, ctx.collection, ctx.profile, ctx.today(), deck_ids, data)
        Console().print(render_stats(view))
        return
    from dlcards.textsafe import one_line
    from dlcards.wording import plural

    retention = f"{data['retention']:.0%}" if data["retention"] is not None else "—"
    # With --deck the numbers are that deck's: the line says so, or it reads as all decks'.
    scope = f", {'deck' if len(deck_ids) == 1 else 'decks'} {one_line(', '.join(deck_ids))}"
    typer.echo(
        f"Profile {data['user']} ({'FSRS' if data['scheduler'] == 'fsrs' else 'SM-2'})"
        f"{scope if deck_ids else ''}: "
        f"{data['reviews_today']} reviews today, "
        f"{data['reviews_total']} in all (and {plural(data['redrills_total'], 're-drill')}), "
        f"{data['cards_seen']} cards seen, "
        f"{data['due_today']} due today, retention {retention} (30 days), "
        f"streak {data['streak_days']} day(s)."
    )
