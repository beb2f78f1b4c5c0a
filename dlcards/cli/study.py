"""``dlcards study``, ``practice`` and ``stats``: the TUI on a terminal, else line mode.

Only typer and the standard library are imported here: the TUI (textual, ~150 ms)
and everything else load inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from dlcards.cli.shared import (
    DeckOption,
    TagOption,
    app_context,
    on_terminal,
    report_deck_errors,
    require_decks,
)

if TYPE_CHECKING:
    from dlcards.context import AppContext

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
    run_study(cli, deck=deck, tag=tag, limit=limit, plain=plain, home_screen=False)


def run_study(
    cli: typer.Context,
    *,
    deck: list[str] | None,
    tag: list[str] | None,
    limit: int | None,
    plain: bool,
    home_screen: bool,
) -> None:
    """Study in the TUI on a terminal, else (pipes, ``--plain``) in line mode."""
    ctx = app_context(cli)
    deck_ids = require_decks(ctx, deck)
    _auto_sync(ctx)
    if not plain and on_terminal():
        # Imported here: textual costs ~150 ms and `dlcards --help` must stay fast.
        from dlcards.tui.launch import launch, preload_numpy

        if not home_screen and any(
            r.type == "compute" for r in ctx.collection.all_refs(deck_ids or None)
        ):
            preload_numpy()
        from dlcards.tui.app import make_app

        # The decks' card index (100k tuples for a big collection) lives as long as the
        # app: keep it out of the garbage collector's way while Textual allocates.
        ctx.collection.freeze()

        tui = make_app(
            store=ctx.store,
            collection=ctx.collection,
            settings=ctx.settings,
            profile=ctx.profile,
            home=ctx.home,
            clock=ctx.now,
            start="home" if home_screen else "review",
            deck_ids=deck_ids,
            tags=tag or (),
            limit=limit,
            deck_paths=ctx.deck_paths,
            before_session=ctx.before_session,
            after_session=ctx.auto_sync,
        )
        code = launch(tui)  # an unexpected error: main() prints one line and logs it
        _auto_sync(ctx)
        # Home shows decks that failed to load; repeat them on the terminal afterwards.
        report_deck_errors(ctx.collection.errors)
        raise typer.Exit(code)

    from dlcards.plain import PlainStudy
    from dlcards.study.session import StudySession

    report_deck_errors(ctx.collection.errors)
    ctx.before_session()
    session = StudySession(
        ctx.store,
        ctx.collection,
        ctx.profile,
        ctx.settings,
        clock=ctx.now,
        deck_ids=deck_ids,
        tags=tag or (),
        limit=limit,
    )
    code = PlainStudy(session, sys.stdin, sys.stdout, ctx.home.decks_dir).run()
    _auto_sync(ctx)
    raise typer.Exit(code)


def _auto_sync(ctx: AppContext) -> None:
    """config.toml's sync_dir, synced at start and after a session; a problem is one line."""
    warning = ctx.auto_sync()
    if warning:
        typer.echo(f"dlcards: {warning}", err=True)


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
    from dlcards.study.practice import PracticeOptions, PracticeSession

    ctx = app_context(cli)
    deck_ids = require_decks(ctx, deck)
    options = PracticeOptions(
        deck_ids=tuple(deck_ids),
        tags=tuple(tag or ()),
        compute_only=compute_only,
        interview=interview,
        minutes=minutes,
        count=count,
    )
    if not plain and on_terminal():
        from dlcards.tui.launch import launch, preload_numpy

        preload_numpy()  # practice soon shows a compute card (compute-only: at once)
        from dlcards.tui.app import make_app

        tui = make_app(
            store=ctx.store,
            collection=ctx.collection,
            settings=ctx.settings,
            profile=ctx.profile,
            home=ctx.home,
            clock=ctx.now,
            start="practice",
            practice=options,
            deck_paths=ctx.deck_paths,
            before_session=ctx.before_session,
            after_session=ctx.auto_sync,
        )
        code = launch(tui)
        report_deck_errors(ctx.collection.errors)
        raise typer.Exit(code)

    from dlcards.plain_practice import PlainPractice

    report_deck_errors(ctx.collection.errors)
    ctx.before_session()  # the daily backup, as before studying
    session = PracticeSession(
        ctx.store, ctx.collection, ctx.profile, ctx.settings, clock=ctx.now, options=options
    )
    raise typer.Exit(PlainPractice(session, sys.stdin, sys.stdout).run())


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
