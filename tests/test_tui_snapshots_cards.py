"""Snapshots of the card browser, a card's history and the practice screens (checked by eye).

Deterministic like tests/test_tui_snapshots.py: decks written here, a fixed day,
seeded instances, a frozen timer. Update with ``--snapshot-update`` and look at
every changed SVG.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dlcards.deck_cache import DeckCache
from dlcards.study.practice import PracticeOptions

from .test_tui_fixtures import LARGE, NOW, POOL_ANSWER, SIZE, World, make_world
from .test_tui_snapshots import history, settle

SIZES = pytest.mark.parametrize("size", [SIZE, LARGE], ids=["80x24", "120x40"])
TODAY = date(2026, 3, 2)


def with_states(world: World) -> None:
    """A leech (eight lapses, a month ago), a history, a suspended card."""
    for days in range(40, 32, -1):
        world.store.record(
            world.profile,
            "drills",
            "pool",
            "review",
            1,
            NOW - timedelta(days),
            TODAY - timedelta(days),
            answer="1 2; 3 4",
            duration_ms=1000 * (60 - days),
        )
    history(world)
    world.store.suspend(world.profile, "neural", "activations", NOW, TODAY)


class TestBrowser:
    @SIZES
    def test_browser(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path)
        world.cache = DeckCache(tmp_path / "cache.sqlite3")
        with_states(world)

        async def browse(pilot: Pilot) -> None:
            await pilot.press("slash")
            await settle(pilot)

        assert snap_compare(world.app(), terminal_size=size, run_before=browse)

    def test_browser_search(self, snap_compare, tmp_path: Path) -> None:
        world = make_world(tmp_path)
        world.cache = DeckCache(tmp_path / "cache.sqlite3")
        with_states(world)

        async def browse(pilot: Pilot) -> None:
            await pilot.press("slash", "slash", *"relu is:learning", "down")
            await settle(pilot)

        assert snap_compare(world.app(), terminal_size=SIZE, run_before=browse)

    @SIZES
    def test_card_history(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path)
        with_states(world)

        async def open_card(pilot: Pilot) -> None:
            await pilot.press("slash", "enter")  # drills:pool, the leech
            await settle(pilot)

        assert snap_compare(world.app(), terminal_size=size, run_before=open_card)


class TestPractice:
    def test_setup(self, snap_compare, tmp_path: Path) -> None:
        world = make_world(tmp_path)

        async def open_setup(pilot: Pilot) -> None:
            await pilot.press("c")
            await settle(pilot)

        assert snap_compare(world.app(), terminal_size=SIZE, run_before=open_setup)

    @SIZES
    def test_interview(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path, decks="compute")
        app = world.app(start="practice", practice=PracticeOptions(interview=True, count=2))

        async def wait(pilot: Pilot) -> None:
            world.timer.now += 42
            pilot.app.screen._tick()  # noqa: SLF001  (the clock, as its timer would)
            await settle(pilot)

        assert snap_compare(app, terminal_size=size, run_before=wait)

    @SIZES
    def test_summary(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path)
        app = world.app(start="practice", practice=PracticeOptions())

        async def practise(pilot: Pilot) -> None:
            # All unseen: one card of each topic in turn (drills has no tags: its deck).
            world.timer.now += 20
            await pilot.press(*POOL_ANSWER, "enter", "enter")  # pool, right
            world.timer.now += 8
            await pilot.press("space", "5")  # relu
            world.timer.now += 31
            await pilot.press("space", "2")  # vanishing
            world.timer.now += 12
            await pilot.press("1", "3", "enter", "enter")  # activations, right
            world.timer.now += 95
            await pilot.press("enter", "0")  # conv-size, blank
            await settle(pilot)

        assert snap_compare(app, terminal_size=size, run_before=practise)
