"""Store writes from the TUI that may wait for another dlcards process (issue 11).

A write waits as long as another process holds the database's write lock (DESIGN §5).
The CLI says so on stderr, which a full-screen TUI hides. Here the waiting is done in
a worker thread, so the screen stays drawn and shows a line saying what it waits for;
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
    """Run ``action`` (writes through ``store``) as one transaction, saying on screen if
    it has to wait for another process's lock first.

    The action runs on the app's thread, once the lock is held: the connection is
    never used by two threads. Only the waiting is done in a worker thread, on a
    connection of its own, so the screen stays drawn (and may read) meanwhile.
    """
    if store.read_only:  # nothing to wait for: the action says why it cannot write
        return action()
    shown: list[WaitLine] = []
    try:
        while not store.begin_write_now():
            if not shown:
                shown.append(_waiting_line(store.path))
                await screen.mount(shown[0])
            await asyncio.to_thread(store.wait_until_writable)
        try:
            result = action()
        except BaseException:
            store.end_write(commit=False)
            raise
        store.end_write(commit=True)
        return result
    finally:
        for line in shown:
            await line.remove()


def _waiting_line(path: Path | None) -> WaitLine:
    return WaitLine(
        Text(
            "Waiting for another dlcards process to finish writing to "
            f"{path or 'the database'} … (your grade is kept and saved as soon as it can)"
        )
    )
