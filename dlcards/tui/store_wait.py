"""Store writes from the TUI that may wait for another dlcards process (issue 11).

A write waits as long as another process holds the database's write lock (DESIGN §5).
The CLI says so on stderr, which a full-screen TUI hides. Here the write runs in a
worker thread, so the screen stays drawn and shows a line saying what it waits for;
the line goes once the write has gone through. The screen's keys wait meanwhile (the
action that writes is still running), so nothing is graded twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from dlcards.store_schema import Database

T = TypeVar("T")


class WaitLine(Static):
    """The line shown while a write waits for another process's lock."""

    DEFAULT_CSS = """
    WaitLine {
        dock: top;
        height: auto;
        padding: 0 1;
        background: $warning 30%;
        color: $text;
    }
    """


async def write(screen: Screen[Any], store: Database, action: Callable[[], T]) -> T:
    """Run ``action`` (a write through ``store``), saying on screen if it has to wait."""
    app = screen.app
    shown: list[WaitLine] = []

    def show(path: Path | None) -> None:
        line = WaitLine(
            Text(
                "Waiting for another dlcards process to finish writing to "
                f"{path or 'the database'} … (your grade is kept and saved as soon as it can)"
            )
        )
        shown.append(line)
        screen.mount(line)

    def on_wait(path: Path | None) -> None:  # called in the worker thread
        app.call_from_thread(show, path)

    previous = store.on_wait
    store.on_wait = on_wait
    try:
        return await asyncio.to_thread(action)
    finally:
        store.on_wait = previous
        for line in shown:
            await line.remove()
