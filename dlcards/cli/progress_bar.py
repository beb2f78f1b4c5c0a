"""The progress bar of a long import: on a terminal only, once it has run a second.

The core reports ``progress(phase, done, total)`` (``total`` 0: not known yet) for
each phase of an import — reading the file, converting its notes, writing the
deck. The bar appears when the job passes ``PROGRESS_BAR_AFTER`` seconds, even in
the middle of a phase that reports nothing for a while (a timer shows it), and is
erased when the job ends. Piped or redirected, nothing is drawn.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

PROGRESS_BAR_AFTER = 1.0  # seconds: a job done sooner never shows a bar

PHASES = {"reading": "Reading", "converting": "Converting", "writing": "Writing"}


class PhaseBar:
    """``progress(phase, done, total)`` drawing one rich bar whose label is the phase."""

    def __init__(self, label: str, console: Any, after: float) -> None:
        self.label = label
        self.console = console
        self.after = after
        self.state: tuple[str, int, int] = ("reading", 0, 0)
        self.bar: Any = None
        self.task: Any = None
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.timer: threading.Timer | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        with self.lock:
            self.state = (phase, done, total)
            if self.bar is None and time.monotonic() - self.start >= self.after:
                self._show()
            if self.bar is not None:
                self._update()

    def begin(self) -> None:
        if not self.console.is_terminal:
            return
        self.timer = threading.Timer(self.after, self._on_timer)
        self.timer.daemon = True
        self.timer.start()

    def end(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        with self.lock:
            if self.bar is not None:
                self.bar.stop()
                self.bar = None

    def _on_timer(self) -> None:
        with self.lock:
            if self.bar is None:
                self._show()
                self._update()

    def _show(self) -> None:
        if not self.console.is_terminal:
            return
        from rich.progress import Progress

        self.bar = Progress(console=self.console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=None)

    def _update(self) -> None:
        phase, done, total = self.state
        description = f"{self.label}: {PHASES.get(phase, phase).lower()}"
        changed = description != self.bar.tasks[0].description
        # A new phase is drawn at once; counts wait for the bar's own refresh.
        self.bar.update(
            self.task, description=description, completed=done, total=total or None, refresh=changed
        )


@contextmanager
def progress_bar(label: str, console: Any = None) -> Iterator[Callable[[str, int, int], None]]:
    """A :class:`PhaseBar` on stderr (or ``console``) for the length of the block."""
    if console is None:
        import sys

        if not sys.stderr.isatty():  # piped: no bar, and no rich to import
            yield _nothing
            return
        from rich.console import Console

        console = Console(stderr=True)
    bar = PhaseBar(label, console, PROGRESS_BAR_AFTER)
    bar.begin()
    try:
        yield bar
    finally:
        bar.end()


def _nothing(phase: str, done: int, total: int) -> None:
    return None
