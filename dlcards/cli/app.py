"""The ``dlcards`` command (DESIGN §7): the Typer app, its global options, and its ``main``.

The console entry point is ``dlcards.cli.main`` (``dlcards.cli.entry``): it starts the
TUI without Typer when it can (``dlcards.cli.fast``) and calls ``main`` here otherwise.

Each command lives in a module of this package and only parses, calls the core,
prints and exits. Importing the package loads neither textual nor numpy (nor
pydantic): those load inside the commands that need them, so ``dlcards --help``
stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from dlcards import __version__
from dlcards.cli import cards, decks, goal, scheduler, sessions, study, sync, transfer, users
from dlcards.cli.guard import run_guarded
from dlcards.cli.shared import CliState, cli_state

app = typer.Typer(
    name="dlcards",
    help="Flashcards for deep-learning interviews: SM-2 reviews and live-checked compute drills.",
    invoke_without_command=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich help formatting costs ~250 ms at every --help.
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlcards {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        str | None,
        typer.Option(
            "--home",
            metavar="PATH",
            help="Folder for progress, settings and your decks.",
            show_default=False,
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="NAME", help="Profile to study as.", show_default=False),
    ] = None,
    deck_path: Annotated[
        list[str] | None,
        typer.Option(
            "--deck-path",
            metavar="PATH",
            help="Extra deck file or folder (repeatable).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")
    ] = False,
) -> None:
    """Open the TUI on the shipped decks (line mode when not on a terminal)."""
    state = cli_state(ctx)
    state.home, state.user, state.debug = home, user, debug
    state.deck_paths = list(deck_path or [])
    # The store and the deck cache close when this invocation ends, however it ends.
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        code = sessions.run_study(
            state, deck=None, tag=None, limit=None, plain=False, home_screen=True
        )
        raise typer.Exit(code)


# In this order in --help.
decks.register(app)
app.command("study")(study.study)
app.command("stats")(study.stats)
transfer.register(app)
app.command("practice")(study.practice)
cards.register(app)
users.register(app)
scheduler.register(app)
goal.register(app)
sync.register(app)


class _ReadableUsage(TyperCommand):
    """Typer 0.2x writes a required argument as ``{FILE}`` in the usage line, which reads
    as a set of choices; click's own form, ``FILE``, is what people know."""

    # ctx is the Context of the click Typer vendors (a private module): Any here.
    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [
            piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
            for piece in super().collect_usage_pieces(ctx)
        ]


def _readable_usage(group: typer.Typer) -> None:
    for command in group.registered_commands:
        if command.cls in (None, TyperCommand):  # Typer's default, not a class of our own
            command.cls = _ReadableUsage
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _readable_usage(sub.typer_instance)


_readable_usage(app)


def main(argv: list[str] | None = None) -> None:
    """The Typer app under the entry point's error handling (``dlcards.cli.guard``)."""
    # This invocation's state, handed to Typer as the root context's obj.
    state = CliState()
    run_guarded(state, lambda: app(args=argv, prog_name="dlcards", obj=state))
