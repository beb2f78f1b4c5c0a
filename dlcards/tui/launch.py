"""Running the TUI for the command line: one launcher for Home, study and practice.

An unexpected error inside the app must end like one anywhere else in the CLI:
one line on the terminal and the traceback in ``<home>/logs/`` (DESIGN §7). So
the launcher re-raises the error Textual caught, for ``dlcards.cli.main`` to log;
with one launcher no entry point can forget to (``practice`` once exited 1 in silence).
"""

from __future__ import annotations

import io
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # textual loads with the app, after preload_numpy has started
    from dlcards.tui.app import DlcardsApp


def launch(app: DlcardsApp) -> int:
    """Run ``app`` on the terminal; its exit code, or the unexpected error that ended it."""
    # Textual prints an unhandled error on exit as a traceback with locals (card text,
    # paths): keep what it prints aside, raise the error for main() to log instead, and
    # pass anything else it had to say on to stderr (nothing is hidden).
    from rich.console import Console

    kept = io.StringIO()
    app.error_console = Console(file=kept, markup=False, highlight=False, width=100)
    app.run()
    error = app.unhandled_error()
    if error is not None:
        raise error
    if kept.getvalue():
        sys.stderr.write(kept.getvalue())
    return app.return_code or 0


def preload_numpy() -> None:
    """Import numpy (~100 ms) and the problem kernels in a background thread.

    For a session whose first card may be a compute card: most of numpy's import is
    spent loading its extension modules, which overlaps Textual starting up, so the
    first compute card does not wait for it. Python's import lock makes the card's own
    import wait for this one rather than import twice.
    """

    def load() -> None:
        try:
            import dlcards.kernels  # noqa: F401  (numpy with it)
        except Exception:  # the card's own import reports whatever is wrong
            pass

    threading.Thread(target=load, name="preload-numpy", daemon=True).start()
