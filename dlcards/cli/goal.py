"""``dlcards goal``: an interview date that paces new cards and reviews until that day.

The goal lives in the profile's ``[profiles.NAME]`` table of config.toml; it changes
which day a card is shown, never the log. Only typer and the standard library here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dlcards.cli.shared import DeckOption, app_context, require_decks


def goal(
    cli: typer.Context,
    on: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="The interview date, YYYY-MM-DD.", show_default=False
        ),
    ] = None,
    deck: DeckOption = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the goal.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Set an interview date (--date), remove it (--clear), or show its plan."""
    from datetime import date

    from dlcards import config
    from dlcards.errors import UserError

    ctx = app_context(cli)
    profile = ctx.profile
    if clear:
        if on is not None or deck:
            raise UserError("--clear takes no --date or --deck", "run 'dlcards goal --clear' alone")
        config.save_profile_setting(ctx.home, profile, "goal_date", None)
        config.save_profile_setting(ctx.home, profile, "goal_decks", None)
        typer.echo(f"Goal removed for {profile}: the normal schedule is back.")
        return
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise UserError(
                f"--date {on!r} is not a date", "use YYYY-MM-DD, e.g. 2027-01-15"
            ) from None
        if day <= ctx.today():
            raise UserError(f"--date {on} is not after today", "give a date still to come")
        decks = require_decks(ctx, deck)
        config.save_profile_setting(ctx.home, profile, "goal_date", day.isoformat())
        config.save_profile_setting(ctx.home, profile, "goal_decks", decks or None)
        ctx.forget_settings()
    elif deck:
        raise UserError("--deck needs --date", "e.g. dlcards goal --date 2027-01-15 --deck ID")
    from dlcards.study.session import StudySession

    if ctx.settings.goal_date is None:
        if json_out:
            typer.echo("null")
            return
        raise UserError(f"{profile} has no goal", "set one with 'dlcards goal --date YYYY-MM-DD'")
    session = StudySession(ctx.store, ctx.collection, profile, ctx.settings, clock=ctx.now)
    plan = session.goal
    assert plan is not None
    if json_out:
        import json

        typer.echo(json.dumps(plan.as_json(), indent=2))
    else:
        typer.echo(plan.describe())


def register(app: typer.Typer) -> None:
    app.command("goal")(goal)
