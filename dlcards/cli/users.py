"""``dlcards users``: list the profiles on this machine; add, rename or delete one.

Only typer and the standard library are imported here: everything else loads
inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dlcards.cli.shared import app_context

if TYPE_CHECKING:
    from dlcards.context import AppContext


def users_list(cli: typer.Context) -> None:
    """List the profiles on this machine (or add, rename, delete one)."""
    if cli.invoked_subcommand is not None:
        return
    ctx = app_context(cli)
    current = ctx.profile
    profiles = ctx.store.profiles()
    if current not in {p[0] for p in profiles}:
        # The profile in use is stored with its first grade (reading never writes).
        profiles = sorted([*profiles, (current, 0, None)])
    from dlcards.wording import plural

    for name, reviews, last_day in profiles:
        mark = "*" if name == current else " "
        last = f", last studied {last_day}" if last_day else ""
        typer.echo(f"{mark} {name}  ({plural(reviews, 'review')}{last})")


NameArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="A profile name: a–z, 0–9, '_', '-' (1–32).", show_default=False
    ),
]


def _existing(ctx: AppContext, name: str) -> str:
    from dlcards.config import check_profile_name
    from dlcards.errors import UserError

    check_profile_name(name)
    if name == ctx.profile:
        # The profile in use exists for the user (`users` lists it) even before its
        # first grade stores its row: renaming or deleting it stores it first.
        ctx.database.ensure_profile(name, ctx.now())
    if not ctx.database.has_profile(name):
        raise UserError(f"no profile '{name}'", "run 'dlcards users' to list them")
    return name


def _fresh(ctx: AppContext, name: str) -> str:
    from dlcards.config import check_profile_name
    from dlcards.errors import UserError

    check_profile_name(name)
    if ctx.database.has_profile(name):
        raise UserError(f"profile '{name}' already exists", "choose another name")
    return name


def users_add(cli: typer.Context, name: NameArg) -> None:
    """Create a profile (its progress starts empty)."""
    ctx = app_context(cli)
    ctx.database.ensure_profile(_fresh(ctx, name), ctx.now())
    typer.echo(f"Added profile {name}; study as it with 'dlcards --user {name}'.")


def users_rename(
    cli: typer.Context,
    old: Annotated[
        str, typer.Argument(metavar="OLD", help="The profile to rename.", show_default=False)
    ],
    new: Annotated[
        str,
        typer.Argument(
            metavar="NEW", help="Its new name: a–z, 0–9, '_', '-' (1–32).", show_default=False
        ),
    ],
) -> None:
    """Rename a profile, keeping every review and state it has."""
    from dlcards import config

    ctx = app_context(cli)
    ctx.database.rename_profile(_existing(ctx, old), _fresh(ctx, new))
    note = ""
    named = ctx.settings.user == old
    # The profile a plain 'dlcards' opens (config.toml's user, or the login name's):
    # point config.toml at the new name, or the next start opens an empty 'old'.
    if config.follow_rename(ctx.home, ctx.settings, old, new):
        note = (
            " (config.toml's user updated)"
            if named
            else f' (config.toml now has user = "{new}", so dlcards keeps opening it)'
        )
    typer.echo(f"Renamed profile {old} to {new}{note}.")


def users_delete(
    cli: typer.Context,
    name: NameArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a profile and all its progress (a backup of the database is made first)."""
    from dlcards import backup, config
    from dlcards.errors import UserError
    from dlcards.wording import plural

    ctx = app_context(cli)
    config.check_profile_name(name)
    if name == ctx.profile:
        # Deleted, it would come back empty at once: every command opens the profile in use.
        raise UserError(
            f"profile '{name}' is the one in use, so any command would open it again at once",
            f"to delete it, use another: dlcards --user OTHER users delete {name}",
        )
    _existing(ctx, name)
    reviews = plural(next((n for p, n, _ in ctx.database.profiles() if p == name), 0), "review")
    if not yes:
        question = f"Delete profile '{name}' and its {reviews}?"
        try:
            confirmed = typer.confirm(question, default=False)
        except typer.Abort:  # end of input: a no
            typer.echo()
            confirmed = False
        if not confirmed:
            raise UserError(
                f"profile '{name}' was not deleted", "answer y to delete it, or pass --yes"
            )
    # A copy that 'dlcards backup list' shows and rotation never deletes.
    saved = backup.save_copy(ctx.home, ctx.now(), f"delete-{name}")
    if saved is None:
        raise UserError(
            "the progress database could not be backed up",
            "nothing was deleted; check the home folder",
        )
    ctx.database.delete_profile(name)
    typer.echo(
        f"Deleted profile {name} and its {reviews}. A copy of the database was saved first: {saved}"
    )
    # The profile a plain 'dlcards' opens: point config.toml at the one in use, or the
    # next start would bring the deleted one back, empty.
    if config.follow_rename(ctx.home, ctx.settings, name, ctx.profile):
        typer.echo(f'config.toml now has user = "{ctx.profile}", so dlcards opens it from now on.')


def register(app: typer.Typer) -> None:
    """Add the ``users`` group to the main app."""
    users = typer.Typer(
        help="List the profiles; add, rename or delete one.", invoke_without_command=True
    )
    users.callback()(users_list)
    users.command("add")(users_add)
    users.command("rename")(users_rename)
    users.command("delete")(users_delete)
    app.add_typer(users, name="users")
