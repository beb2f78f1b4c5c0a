"""Snapshots of each screen at 80×24 and 120×40 (regression guards, checked by eye).

Deterministic: the decks are written here, the day is fixed, compute instances
are seeded, the session's timer is frozen and the cursor does not blink.
Update with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and look
at every changed SVG before committing it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dlcards.tui.widgets.answer_box import AnswerBox

from .test_tui_fixtures import LARGE, NOW, SIZE, World, make_world

SIZES = pytest.mark.parametrize("size", [SIZE, LARGE], ids=["80x24", "120x40"])


def history(world: World) -> None:
    """Four weeks of a made-up study habit, so stats and Home have something to show."""
    cards = [("neural", "relu"), ("neural", "vanishing"), ("drills", "conv-size")]
    pattern = [5, 4, 2, 4, 3, 5, 4]
    for offset in range(28, 0, -1):
        if offset % 5 == 0:
            continue  # a few days off
        day = date(2026, 3, 2) - timedelta(days=offset)
        moment = NOW - timedelta(days=offset)
        for index, (deck, card) in enumerate(cards[: 1 + offset % 3]):
            grade = pattern[(offset + index) % len(pattern)]
            world.store.record(world.profile, deck, card, "review", grade, moment, day)


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


class TestHome:
    @SIZES
    def test_home(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path)
        history(world)
        (world.deck_dir / "broken.toml").write_text('[deck]\nid = "broken"\nname = 3\n', "utf-8")
        assert snap_compare(world.app(), terminal_size=size, run_before=settle)


class TestReview:
    @SIZES
    def test_front(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path, decks="basics")
        assert snap_compare(world.app(start="review"), terminal_size=size, run_before=settle)

    @SIZES
    def test_back(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path, decks="basics")

        async def reveal(pilot: Pilot) -> None:
            await pilot.press("space")
            await settle(pilot)

        assert snap_compare(world.app(start="review"), terminal_size=size, run_before=reveal)

    @SIZES
    def test_choice_answered(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path, decks="basics")
        for card in ("relu", "vanishing"):
            world.store.bury(world.profile, "neural", card, date(2026, 3, 2))

        async def answer(pilot: Pilot) -> None:
            await pilot.press("1", "2", "enter")
            await settle(pilot)

        assert snap_compare(world.app(start="review"), terminal_size=size, run_before=answer)

    @SIZES
    def test_compute_wrong_answer(
        self, snap_compare, tmp_path: Path, size: tuple[int, int]
    ) -> None:
        world = make_world(tmp_path, decks="compute")

        async def answer(pilot: Pilot) -> None:
            # Set as typed into the card shown: Review, the screen the app opens on, builds
            # its card once the app is running (keys typed before then wait for it).
            await pilot.pause()
            pilot.app.screen.query_one(AnswerBox).value = "2.5 2; 2.25 1.75"
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(world.app(start="review"), terminal_size=size, run_before=answer)

    def test_compute_typing(self, snap_compare, tmp_path: Path) -> None:
        world = make_world(tmp_path, decks="compute")

        async def answer(pilot: Pilot) -> None:
            await pilot.press(*"4 5; 6")  # typed: the live preview explains the ragged rows
            await settle(pilot)

        assert snap_compare(world.app(start="review"), terminal_size=SIZE, run_before=answer)


class TestSummary:
    @SIZES
    def test_summary(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path, decks="basics")

        async def study(pilot: Pilot) -> None:
            await pilot.press("space", "5", "space", "2", "1", "3", "enter", "enter")
            world.timer.now += 372
            await pilot.press("space", "4")
            await settle(pilot)

        assert snap_compare(world.app(start="review"), terminal_size=size, run_before=study)


class TestStats:
    @SIZES
    def test_stats(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path)
        history(world)

        async def open_stats(pilot: Pilot) -> None:
            await pilot.press("s")
            await settle(pilot)

        assert snap_compare(world.app(), terminal_size=size, run_before=open_stats)


class TestHelp:
    @SIZES
    def test_help(self, snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
        world = make_world(tmp_path)

        async def open_help(pilot: Pilot) -> None:
            await pilot.press("question_mark")
            await settle(pilot)

        assert snap_compare(world.app(), terminal_size=size, run_before=open_help)
