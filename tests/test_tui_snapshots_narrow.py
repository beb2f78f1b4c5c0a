"""Snapshots at 60×16, the smallest size dlcards promises to read well at (issue 13).

Known issues 9, 10 and 29: Home's footer ran off the edge ("… p P▏^p palettel"), the
Stats heatmap wrapped and shifted every row, and a tall compute card opened scrolled
down to its answer box with the question above the fold. Update with
``pytest tests/test_tui_snapshots_narrow.py --snapshot-update`` and look at each SVG.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from .conftest import write_deck
from .test_tui_answer_visible import TALL
from .test_tui_fixtures import make_world
from .test_tui_snapshots import history, settle

NARROW = (60, 16)


def test_home(snap_compare, tmp_path: Path) -> None:
    world = make_world(tmp_path)
    history(world)
    assert snap_compare(world.app(), terminal_size=NARROW, run_before=settle)


def test_stats(snap_compare, tmp_path: Path) -> None:
    world = make_world(tmp_path)
    history(world)

    async def open_stats(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("pagedown")  # down to the heatmap
        await settle(pilot)

    assert snap_compare(world.app(), terminal_size=NARROW, run_before=open_stats)


def test_tall_compute_card_opens_at_its_question(snap_compare, tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "tall", TALL[1:], name="Tall")
    assert snap_compare(world.app(start="review"), terminal_size=NARROW, run_before=settle)


def test_tall_compute_card_while_typing(snap_compare, tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "tall", TALL[1:], name="Tall")

    async def type_answer(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*"6 6 8; 9 8")
        await settle(pilot)

    assert snap_compare(world.app(start="review"), terminal_size=NARROW, run_before=type_answer)
