"""Studying and practising: the TUI on a terminal, else line mode; the exit code.

Shared by the Typer commands (``dlcards.cli.study``) and the fast start that skips
Typer (``dlcards.cli.fast``), so it imports no Typer: the TUI (textual, ~150 ms) and
everything else load inside the functions, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

from dlcards.cli.state import CliState, echo_err, on_terminal, report_deck_errors, require_decks

if TYPE_CHECKING:
    from dlcards.context import AppContext


def run_study(
    state: CliState,
    *,
    deck: list[str] | None,
    tag: list[str] | None,
    limit: int | None,
    plain: bool,
    home_screen: bool,
) -> int:
    """Study in the TUI on a terminal, else (pipes, ``--plain``) in line mode."""
    on_tui = not plain and on_terminal()
    if on_tui:
        # No cyclic garbage collection until the app's first frame is written (the app
        # enables it again then, DlcardsApp.on_ready): the ~120 collections that loading
        # Textual and the core set off were ~5–8 % of the CPU time to the first card
        # (issue 13), and freed under a thousand objects (RSS at the first card unchanged).
        gc.disable()
    ctx = state.app_context()
    deck_ids = require_decks(ctx, deck)
    _auto_sync(ctx)
    if on_tui:
        # Imported here: textual costs ~150 ms and `dlcards --help` must stay fast.
        # numpy is not preloaded here: a thread importing it would compete with Textual's
        # start for the 2 cores and the GIL. The Review screen starts it once the first
        # card is painted; a first card that needs numpy imports it itself (issue 13).
        from dlcards.tui.app import make_app
        from dlcards.tui.launch import launch

        # What is loaded lives as long as the app: keep it out of the garbage
        # collector's way while Textual allocates.
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
        return code

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
    return code


def _auto_sync(ctx: AppContext) -> None:
    """config.toml's sync_dir, synced at start and after a session; a problem is one line."""
    warning = ctx.auto_sync()
    if warning:
        echo_err(f"dlcards: {warning}")


def run_practice(
    state: CliState,
    *,
    deck: list[str] | None,
    tag: list[str] | None,
    minutes: float | None,
    count: int | None,
    compute_only: bool,
    interview: bool,
    plain: bool,
) -> int:
    """Practise in the TUI on a terminal, else in line mode; the schedule is unchanged."""
    from dlcards.study.practice import PracticeOptions, PracticeSession

    ctx = state.app_context()
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
        return code

    from dlcards.plain_practice import PlainPractice

    report_deck_errors(ctx.collection.errors)
    ctx.before_session()  # the daily backup, as before studying
    session = PracticeSession(
        ctx.store, ctx.collection, ctx.profile, ctx.settings, clock=ctx.now, options=options
    )
    return PlainPractice(session, sys.stdin, sys.stdout).run()
