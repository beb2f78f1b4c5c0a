"""Compute-problem grids (matrices, vectors) as Rich tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.box import Box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from dlcards.problems import Grid

# Brackets only, like a matrix written by hand: no lines between the cells.
MATRIX = Box("┌  ┐\n│  │\n│  │\n│  │\n│  │\n│  │\n│  │\n└  ┘\n")


def grid_table(grid: Grid, *, style: str = "") -> RenderableType:
    """One grid: its label on a line of its own, cells right-aligned between brackets.

    The label is not the table's title: a title wraps to the table's width, so a 2×2
    grid showed "your / answer / (2×2)" on three lines at any terminal width.
    """
    from rich.console import Group

    ncols = max((len(row) for row in grid.rows), default=0)
    table = Table(
        show_header=False,
        box=MATRIX,
        border_style="grey50",
        padding=(0, 1),
        expand=False,
        style=style,
    )
    for _ in range(ncols):
        table.add_column(justify="right", no_wrap=True)
    for row in grid.rows:
        table.add_row(*row, *[""] * (ncols - len(row)))
    label = Text(grid.label, style="dim", no_wrap=True, overflow="ellipsis")
    return Group(label, table)


def grids_row(grids: Sequence[Grid]) -> RenderableType:
    """Several grids side by side (they wrap under each other when the width runs out)."""
    from rich.columns import Columns

    if not grids:
        return Text("")
    return Columns([grid_table(g) for g in grids], padding=(0, 3))
