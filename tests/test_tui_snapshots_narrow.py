"""Snapshots at 60×16, the smallest size dlcards promises to read well at (issue 13).

Known issues 9, 10 and 29: Home's footer ran off the edge ("… p P▏^p palettel"), the
Stats heatmap wrapped and shifted every row, and a tall compute card opened scrolled
down to its answer box with the question above the fold. Then 9, 10, 11, 29, 41 and
42: deck names cut on Home ("Compute Dri…") and in the Stats tabs ("LLM I"), a card
browser with a 7-cell Card column, the grade note and labels cut ("wrong, the answer
reco…"), the practice menu cut at the bottom with its descriptions out of line, and
a scrollbar thumb drawn as two. Update with
``pytest tests/test_tui_snapshots_narrow.py --snapshot-update`` and look at each SVG.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from .conftest import write_deck
from .test_tui_answer_visible import TALL
from .test_tui_fixtures import POOL_ANSWER, World, make_world
from .test_tui_snapshots import history, settle

NARROW = (60, 16)


def long_named_deck(world: World) -> None:
    """A third deck, with the longest shipped deck's name: the names no longer fit as
    they are in the Stats tabs at 60 columns."""
    write_deck(world.deck_dir, "interview", 2, name="Deep Learning Interview")


def test_home(snap_compare, tmp_path: Path) -> None:
    world = make_world(tmp_path)
    history(world)
    long_named_deck(world)
    assert snap_compare(world.app(), terminal_size=NARROW, run_before=settle)


def test_stats(snap_compare, tmp_path: Path) -> None:
    world = make_world(tmp_path)
    history(world)
    long_named_deck(world)

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


def test_practice_menu(snap_compare, tmp_path: Path) -> None:
    # Known issue 41: each description indented under its title, the note and the key
    # hint on screen.
    world = make_world(tmp_path)

    async def open_menu(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(world.app(), terminal_size=NARROW, run_before=open_menu)


def test_compute_card_checked(snap_compare, tmp_path: Path) -> None:
    # Known issues 29 and 42: the grade note and the six labels whole (short forms),
    # one scrollbar thumb, "Your answer" and "Expected" as "Expected:" is written.
    world = make_world(tmp_path, decks="compute")

    async def answer_wrong(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*POOL_ANSWER[:-1], "1", "enter")  # the last entry wrong
        await settle(pilot)

    assert snap_compare(world.app(start="review"), terminal_size=NARROW, run_before=answer_wrong)


def test_card_browser(snap_compare, tmp_path: Path) -> None:
    # Known issue 11: a Card column to read, EF/Ivl/Lapses given way, a whole placeholder.
    world = make_world(tmp_path)
    history(world)

    async def browse(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)

    assert snap_compare(world.app(), terminal_size=NARROW, run_before=browse)
