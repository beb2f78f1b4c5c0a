"""Running the TUI for the command line: one launcher for Home, study and practice.

An unexpected error inside the app must end like one anywhere else in the CLI:
one line on the terminal and the traceback in ``<home>/logs/`` (DESIGN §7). So
the launcher re-raises the error Textual caught, for ``dlcards.cli.main`` to log;
with one launcher no entry point can forget to (``practice`` once exited 1 in silence).
"""

from __future__ import annotations

import io
import sys

from rich.console import Console

from dlcards.tui.app import DlcardsApp


def launch(app: DlcardsApp) -> int:
    """Run ``app`` on the terminal; its exit code, or the unexpected error that ended it."""
    # Textual prints an unhandled error on exit as a traceback with locals (card text,
    # paths): keep what it prints aside, raise the error for main() to log instead, and
    # pass anything else it had to say on to stderr (nothing is hidden).
    kept = io.StringIO()
    app.error_console = Console(file=kept, markup=False, highlight=False, width=100)
    app.run()
    error = app.unhandled_error()
    if error is not None:
        raise error
    if kept.getvalue():
        sys.stderr.write(kept.getvalue())
    return app.return_code or 0
