"""What every CLI command shares: the invocation's state, deck checks, option types, tables.

The state lives in the root Typer context's ``obj``, one per invocation, never in a
module-level cache: the tests run many invocations in one process (Typer's
``CliRunner``) and each must start afresh, as a new ``dlcards`` process would.

Only typer and the standard library are imported here, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

import typer

from dlcards.textsafe import one_line

if TYPE_CHECKING:
    from dlcards.context import AppContext


@dataclass
class CliState:
    """The global options of one invocation, and the context built from them on first use."""

    home: str | None = None
    user: str | None = None
    deck_paths: list[str] = field(default_factory=list)
    debug: bool = False
    context: AppContext | None = None

    def app_context(self) -> AppContext:
        if self.context is None:
            from dlcards.config import resolve_home
            from dlcards.context import AppContext

            self.context = AppContext(
                resolve_home(self.home),
                self.user,
                self.deck_paths,
                self.debug,
                confirm_new_profile=_ask_new_profile if on_terminal() else None,
            )
        return self.context

    def close(self) -> None:
        if self.context is not None:
            try:
                # The session's end: the daily backup's check, told once if it failed.
                if message := self.context.after_session():
                    typer.echo(f"dlcards: {message}", err=True)
            finally:
                self.context.close()
                self.context = None


def _ask_new_profile(name: str, others: list[str]) -> bool:
    """On a terminal, ``--user NAME`` for a new profile asks first (a typo is likely)."""
    question = f"No profile '{name}' here (profiles: {', '.join(others)}). Create it?"
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:  # end of input: a no
        typer.echo()
        return False


def cli_state(cli: typer.Context) -> CliState:
    """The invocation's state: the root context's ``obj`` (made there if none was given)."""
    root = cli.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def app_context(cli: typer.Context) -> AppContext:
    """The command's context, built once per invocation from the global options."""
    return cli_state(cli).app_context()


def report_deck_errors(errors: list[str]) -> None:
    """One stderr line per deck that failed to load: its first error (DESIGN §7)."""
    from dlcards.collection import errors_by_file

    for path, messages in errors_by_file(errors).items():
        first = messages[0].splitlines()[0] if messages[0] else path
        more = len(messages) - 1
        if more:
            first += f" (and {more} more: 'dlcards validate {path}' lists them)"
        typer.echo(f"dlcards: {one_line(first)}", err=True)


def require_decks(ctx: AppContext, ids: list[str] | None) -> list[str]:
    """Check ``--deck`` ids against the loaded decks."""
    from dlcards.errors import UserError

    ids = list(ids or [])
    known = {d.id for d in ctx.collection.decks}
    for deck_id in ids:
        if deck_id not in known:
            raise UserError(f"no deck with id '{deck_id}'", "run 'dlcards decks' to list them")
    return ids


def on_terminal() -> bool:
    """Whether both stdin and stdout are a terminal: the TUI, else line mode (DESIGN §7)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def aligned_lines(rows: Sequence[Sequence[str]], right: Collection[int] = ()) -> list[str]:
    """``rows`` as plain aligned columns, two spaces apart; columns in ``right`` right-aligned.

    The last column is never padded (it is free text), and trailing spaces are cut.
    Plain text rather than a rich table: importing rich for one table costs ~100 ms.
    """
    if not rows:
        return []
    columns = len(rows[0]) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(columns)]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row[:columns])
        ]
        lines.append("  ".join([*cells, row[columns]]).rstrip())
    return lines


DeckOption = Annotated[
    list[str] | None,
    typer.Option("--deck", metavar="DECK", help="Deck id (repeatable).", show_default=False),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", metavar="TAG", help="Only cards with this tag (repeatable).", show_default=False
    ),
]
