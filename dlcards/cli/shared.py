"""What every Typer command shares: the invocation's state, option types, tables.

The state (``dlcards.cli.state.CliState``) lives in the root Typer context's ``obj``,
one per invocation; the helpers that need no Typer live in ``dlcards.cli.state`` and
are re-exported here for the commands.

Only typer and the standard library are imported here, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from dlcards.cli.state import CliState, on_terminal, report_deck_errors, require_decks

if TYPE_CHECKING:
    from dlcards.context import AppContext

__all__ = [
    "CliState",
    "DeckOption",
    "TagOption",
    "aligned_lines",
    "app_context",
    "cli_state",
    "on_terminal",
    "report_deck_errors",
    "require_decks",
]


def cli_state(cli: typer.Context) -> CliState:
    """The invocation's state: the root context's ``obj`` (made there if none was given)."""
    root = cli.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def app_context(cli: typer.Context) -> AppContext:
    """The command's context, built once per invocation from the global options."""
    return cli_state(cli).app_context()


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
