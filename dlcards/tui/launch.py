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

if TYPE_CHECKING:  # textual loads with the app
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

    Python's import lock makes a card's own import wait for this one rather than
    import twice. Started before the first paint, on 2 cores this thread competed
    with Textual's start (the GIL is held for much of an import): study starts it
    once the first card is painted (``screens.review_after_paint``), when the first card did
    not need numpy (a card that only counts shows without it, issue 13).
    """

    def load() -> None:
        try:
            import numpy.random  # noqa: F401  (a seeded draw's generator)

            from dlcards import kernels

            for name in kernels.__all__:  # each kernel module (they load on first use)
                getattr(kernels, name)
        except Exception:  # the card's own import reports whatever is wrong
            pass

    threading.Thread(target=load, name="preload-numpy", daemon=True).start()
