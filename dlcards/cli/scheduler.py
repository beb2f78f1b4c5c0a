"""``dlcards scheduler``: which scheduler a profile uses (SM-2 or FSRS), and fitting FSRS.

Switching replays the profile's log with the other scheduler: the log never
changes, so switching back gives exactly the states it had (issue 17).
Only typer and the standard library are imported here.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dlcards.cli.shared import app_context

NAMES = {"sm2": "SM-2", "fsrs": "FSRS"}


def scheduler_show(cli: typer.Context) -> None:
    """Show the profile's scheduler (or switch it, fit it, compare the two)."""
    if cli.invoked_subcommand is not None:
        return
    ctx = app_context(cli)
    settings = ctx.settings
    line = f"{ctx.profile}: {NAMES[settings.scheduler]}"
    if settings.scheduler == "fsrs":
        fitted = "fitted" if settings.fsrs_parameters else "default"
        line += f" (desired retention {settings.desired_retention:.2f}, {fitted} parameters)"
    typer.echo(line)


def scheduler_use(
    cli: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="sm2 or fsrs.", show_default=False)],
) -> None:
    """Schedule this profile with SM-2 (the default) or FSRS; its log replays either way."""
    from dlcards import config
    from dlcards.errors import UserError

    ctx = app_context(cli)
    if name not in config.SCHEDULERS:
        raise UserError(f"no scheduler '{name}'", "use sm2 or fsrs")
    profile = ctx.profile
    store = ctx.store
    config.save_profile_setting(ctx.home, profile, "scheduler", name)
    ctx.forget_settings()
    store.rebuild_states(profile)
    cards = len(store.state_table(profile))
    typer.echo(
        f"{profile} now schedules with {NAMES[name]}: {cards} cards' schedules replayed "
        "from the log (nothing in it changed)."
    )


def scheduler_optimize(cli: typer.Context) -> None:
    """Fit FSRS's parameters to this profile's own reviews (needs dlcards[optimizer])."""
    from dlcards import config
    from dlcards.errors import UserError
    from dlcards.review_history import (
        MIN_OPTIMIZER_REVIEWS,
        OPTIMIZER_REVIEWS_PER_CARD,
        counted_reviews,
        histories,
    )

    ctx = app_context(cli)
    profile = ctx.profile
    cards = histories(ctx.store.rows(profile))
    counted = counted_reviews(cards, OPTIMIZER_REVIEWS_PER_CARD)
    if counted < MIN_OPTIMIZER_REVIEWS:
        raise UserError(
            f"{profile} has {counted} reviews FSRS can learn from, "
            f"{MIN_OPTIMIZER_REVIEWS - counted} more are needed to fit its parameters",
            "keep studying; the defaults are used until then",
        )
    import importlib

    try:
        # The extra's own dependencies: without them py-fsrs's Optimizer is a stub.
        for module in ("torch", "pandas", "tqdm"):
            importlib.import_module(module)
    except ImportError:
        raise UserError(
            "the FSRS optimizer is not installed",
            "install it with: pip install 'dlcards[optimizer]'",
        ) from None
    from dlcards.review_history import fit_parameters

    # Minutes on a large log (about 10 ms a review on one core): say so before starting.
    typer.echo(f"Fitting FSRS to {counted} reviews of {profile} (this can take minutes)…")
    parameters = fit_parameters(cards, progress=sys.stderr.isatty())
    config.save_profile_setting(ctx.home, profile, "fsrs_parameters", parameters)
    ctx.forget_settings()
    if ctx.settings.scheduler == "fsrs":
        ctx.store.rebuild_states(profile)
        note = "its schedules replayed with them"
    else:
        note = "used once you run 'dlcards scheduler use fsrs'"
    typer.echo(f"Fitted FSRS to {counted} reviews of {profile}; parameters saved, {note}.")


def scheduler_compare(
    cli: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Replay your history through SM-2 and FSRS: which predicted your recall better."""
    import json

    from dlcards.deck_counting import count_decks
    from dlcards.fsrs_scheduler import FsrsScheduler
    from dlcards.scheduler_compare import TooFewReviews, as_json, compare

    ctx = app_context(cli)
    settings = ctx.settings
    fsrs = FsrsScheduler(settings.desired_retention, settings.fsrs_parameters)
    store, profile, today = ctx.store, ctx.profile, ctx.today()
    suspended = store.suspended(profile)
    # The workload forecast starts the cards not seen yet at the profile's new_per_day.
    counts = count_decks(store, ctx.collection, profile, today, suspended)
    new_cards = sum(deck.new for deck in counts)
    try:
        result = compare(
            store.rows(profile), fsrs, today, new_cards, settings.new_per_day, suspended
        )
    except TooFewReviews as exc:
        if json_out:
            data = {"profile": ctx.profile, "reviews": exc.tests, "more_needed": exc.more_needed}
            typer.echo(json.dumps(data, indent=2))
        else:
            typer.echo(
                f"{ctx.profile} has {exc.tests} reviews to compare the schedulers on; "
                f"{exc.more_needed} more are needed."
            )
        return
    data = as_json(result, ctx.profile, settings.scheduler)
    if json_out:
        typer.echo(json.dumps(data, indent=2))
        return
    from dlcards.cli.compare_view import chart_lines, summary_lines

    for line in summary_lines(result, settings.desired_retention):
        typer.echo(line)
    if sys.stdout.isatty():
        for line in chart_lines(result):
            typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add the ``scheduler`` group to the main app."""
    group = typer.Typer(
        help="Show or switch the profile's scheduler (SM-2 or FSRS); fit FSRS.",
        invoke_without_command=True,
    )
    group.callback()(scheduler_show)
    group.command("use")(scheduler_use)
    group.command("optimize")(scheduler_optimize)
    group.command("compare")(scheduler_compare)
    app.add_typer(group, name="scheduler")
