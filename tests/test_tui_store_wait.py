"""Issue 11: while another process holds the database's write lock, the TUI says so on
screen (the CLI's stderr line is hidden by a full-screen app), never crashes, and clears
the line once the grade is written. A real SQLite file, a real second connection."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from dlcards.store import Store
from dlcards.tui.app import DlcardsApp
from dlcards.tui.screens.card import CardScreen
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.store_wait import WaitLine

from .test_tui_fixtures import World, make_world


def _world_on_a_file(tmp_path: Path) -> tuple[World, sqlite3.Connection]:
    """The basics deck with its store on a real SQLite file, and a second connection to
    it: the other "process" that will hold the write lock."""
    world = make_world(tmp_path, decks="basics")
    world.store = Store.open(tmp_path / "home" / "progress.sqlite3")
    other = sqlite3.connect(
        tmp_path / "home" / "progress.sqlite3", isolation_level=None, check_same_thread=False
    )
    return world, other


async def press_while_locked(
    app: DlcardsApp,
    pilot: Pilot[None],
    other: sqlite3.Connection,
    key: str,
    probe: Callable[[], str],
) -> list[tuple[str, int, str]]:
    """Press ``key`` while ``other`` holds the write lock; let go once a WaitLine shows.
    Gives what was seen then: the line's text, its height and ``probe()`` at that moment."""
    other.execute("BEGIN IMMEDIATE")  # another "process" is writing
    seen: list[tuple[str, int, str]] = []

    def line_on_screen() -> tuple[str, int, str] | None:  # run on the app's loop
        lines = list(app.screen.query(WaitLine))  # the screen shown when it waits
        if not lines:
            return None
        return str(lines[0].render()), lines[0].region.height, probe()

    release_lock = threading.Lock()

    def release() -> None:
        with release_lock:
            if other.in_transaction:
                other.execute("COMMIT")

    def release_when_shown() -> None:
        # Pilot's press returns only once the write is done, so the watching is done
        # from here: until the line is on screen, then the lock is let go.
        try:
            for _ in range(100):
                shown = app.call_from_thread(line_on_screen)
                if shown:
                    seen.append(shown)
                    break
                time.sleep(0.05)
        finally:
            release()

    # Without the fix the app's thread itself blocks on the lock and can show nothing:
    # this lets go after a while, so the test fails instead of hanging.
    safety = threading.Timer(8.0, release)
    safety.start()
    watcher = threading.Thread(target=release_when_shown)
    watcher.start()
    await pilot.press(key)
    while watcher.is_alive():  # not join(): its call_from_thread needs this loop
        await pilot.pause(0.05)
    safety.cancel()
    await pilot.pause()
    return seen


async def test_a_grade_waits_for_the_lock_with_a_visible_line_then_goes_through(
    tmp_path: Path,
) -> None:
    world, other = _world_on_a_file(tmp_path)
    app = world.app(start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item is not None
        first = screen.item.ref.card_id
        await pilot.press("space")
        await pilot.pause()
        seen = await press_while_locked(app, pilot, other, "4", lambda: screen.item.ref.card_id)  # type: ignore[union-attr]
        assert seen, "no line on screen while waiting"
        text, height, card_then = seen[0]
        assert (
            "Waiting for another dlcards process" in text
            and str(tmp_path / "home" / "progress.sqlite3") in text
        )
        assert height > 0 and card_then == first  # shown, and the grade not yet written
        assert not list(screen.query(WaitLine)), "the line stays after the write"
        assert screen.item is not None and screen.item.ref.card_id != first  # moved on
    rows = world.store.conn.execute(
        "SELECT card_id, grade FROM reviews WHERE kind = 'review'"
    ).fetchall()
    assert [tuple(r) for r in rows] == [(first, 4)]
    other.close()


async def test_the_card_screens_writes_wait_with_the_same_line(tmp_path: Path) -> None:
    # Suspend from the card browser wrote on the app's own thread: the screen froze,
    # with no word of why, for as long as the other process held the lock.
    world, other = _world_on_a_file(tmp_path)
    app = world.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "enter")
        screen = app.screen
        assert isinstance(screen, CardScreen)
        card = screen.ref.card_id
        seen = await press_while_locked(app, pilot, other, "s", lambda: card)
        assert seen and "Waiting for another dlcards process" in seen[0][0]
        assert not list(screen.query(WaitLine)), "the line stays after the write"
        assert world.store.is_suspended("alice", "neural", card)
    other.close()


async def test_switching_to_a_new_profile_waits_with_the_same_line(tmp_path: Path) -> None:
    world, other = _world_on_a_file(tmp_path)
    app = world.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p", "tab", *"carol")
        seen = await press_while_locked(app, pilot, other, "enter", lambda: app.profile)
        assert seen and "Waiting for another dlcards process" in seen[0][0]
        assert seen[0][2] == "alice"  # still the old profile while it waits
        assert app.profile == "carol" and not list(app.screen.query(WaitLine))
    assert "carol" in [name for name, _, _ in world.store.profiles()]
    other.close()


class _ThreadsSeen:
    """The store's connection, noting the thread of every statement run through it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.threads: set[str] = set()

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    def execute(self, *args: object) -> sqlite3.Cursor:
        self.threads.add(threading.current_thread().name)
        return self._conn.execute(*args)  # type: ignore[arg-type]

    def executemany(self, *args: object) -> sqlite3.Cursor:
        self.threads.add(threading.current_thread().name)
        return self._conn.executemany(*args)  # type: ignore[arg-type]


async def test_waiting_writes_never_share_the_connection_with_another_thread(
    tmp_path: Path,
) -> None:
    # The write used to run on the store's own connection in a worker thread while
    # the screen went on reading through it: a read during the wait for the lock once
    # ended the write's transaction unseen, and the profile switch failed with
    # "cannot commit - no transaction is active". Only the waiting leaves the app's
    # thread now, on a connection of its own.
    world, other = _world_on_a_file(tmp_path)
    seen_by = _ThreadsSeen(world.store.conn)
    world.store.conn = seen_by  # type: ignore[assignment]
    app = world.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p", "tab", *"carol")
        # While it waits, Home is back on screen and reads its counts.
        seen = await press_while_locked(
            app, pilot, other, "enter", lambda: str(app.store.profiles())
        )
        assert seen and "Waiting for another dlcards process" in seen[0][0]
        assert app.profile == "carol"
        # A rename in the dialog waits the same way (it froze the app, unexplained).
        await pilot.press("p", "f2", *"cara")
        seen = await press_while_locked(app, pilot, other, "enter", lambda: app.profile)
        assert seen and "Waiting for another dlcards process" in seen[0][0]
        assert seen[0][2] == "carol" and app.profile == "cara"
    assert seen_by.threads == {threading.main_thread().name}
    assert "cara" in [name for name, _, _ in world.store.profiles()]
    other.close()
