"""The ``dlcards`` command (DESIGN §7): the Typer app, its global options, and ``main``.

Each command lives in a module of this package and only parses, calls the core,
prints and exits. Importing the package loads neither textual nor numpy (nor
pydantic): those load inside the commands that need them, so ``dlcards --help``
stays fast.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Annotated, NoReturn

import typer

from dlcards import __version__
from dlcards.cli import cards, decks, goal, scheduler, study, sync, transfer, users
from dlcards.cli.shared import CliState, cli_state
from dlcards.errors import UserError
from dlcards.textsafe import one_line

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
        study.run_study(ctx, deck=None, tag=None, limit=None, plain=False, home_screen=True)


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


def _log_crash(state: CliState, exc: BaseException) -> str | None:
    """Write the traceback under ``<home>/logs/`` and return the file's path."""
    import os
    import traceback
    from datetime import datetime

    try:
        logs = state.app_context().home.logs_dir
        logs.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = logs / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
        # 0600 like every file under <home> (DESIGN §5): a traceback may show card text.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return str(path)
    except Exception:
        return None


def main(argv: list[str] | None = None) -> None:
    """Console entry point: one-line errors, tracebacks to a log file."""
    # This invocation's state, handed to Typer as the root context's obj.
    state = CliState()
    try:
        app(args=argv, prog_name="dlcards", obj=state)
    except UserError as exc:
        typer.echo(f"dlcards: {one_line(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except (sqlite3.Error, OSError) as exc:
        problem = _database_problem(state, exc)
        if problem is None:
            _unexpected(state, exc)
        typer.echo(f"dlcards: {problem}", err=True)
        sys.exit(1)
    except Exception as exc:
        _unexpected(state, exc)
    finally:
        state.close()


def _database_problem(state: CliState, exc: BaseException) -> UserError | None:
    """The progress database's situation (locked, full, read-only, damaged) as one
    line, or None for an error that is none of these."""
    from dlcards.store_errors import classify, problem_error

    if isinstance(exc, OSError):
        if classify(exc) != "full":
            return None  # a file of the user's: not the database's situation
        return UserError(f"the disk is full ({exc})", "free some space and run this again")
    if classify(exc) == "other":
        return None
    try:
        database = state.app_context().home.database
    except Exception:
        return None
    return problem_error(database, exc)


def _unexpected(state: CliState, exc: BaseException) -> NoReturn:
    if state.debug:
        raise exc
    where = _log_crash(state, exc)
    hint = f"details in {where}" if where else "run again with --debug for details"
    # MemoryError and others may carry no message: name the type then.
    what = one_line(str(exc)) or type(exc).__name__
    typer.echo(f"dlcards: unexpected error: {what} — {hint}", err=True)
    sys.exit(1)
