"""The ``dlcards`` command line (DESIGN §7); ``main`` is the console entry point.

``main`` (``dlcards.cli.fast``) starts the TUI without building the Typer app when
the command line is one of its plain ways in, and hands everything else to the Typer
app in ``dlcards.cli.app``; importing this package loads no Typer.
"""

from __future__ import annotations

from dlcards.cli.fast import main

__all__ = ["main"]
