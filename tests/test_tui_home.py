"""Home, profiles, theme, stats, help and the command palette, driven with the pilot."""

from __future__ import annotations

import io
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from dlcards.config import Settings
from dlcards.tui.app import DlcardsApp
from dlcards.tui.screens.help import HelpScreen
from dlcards.tui.screens.home import HomeScreen
from dlcards.tui.screens.profiles import ProfileScreen
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.screens.stats import StatsScreen
from dlcards.tui.widgets.deck_table import DeckTable
from dlcards.tui.widgets.title_bar import TitleBar

from .test_tui_fixtures import NOW, SIZE, make_world

ANSI = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def shown(widget: Static) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(widget.content)
    return " ".join(console.export_text().split())


def learned(app) -> dict[str, int]:  # noqa: ANN001
    table = app.screen.query_one(DeckTable)
    return {c.deck.id: c.learned for c in table._counts}  # noqa: SLF001


def first_frame_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of each frame the app would write to the terminal, in order (Textual
    renders frames inside its start-up batch too, and drops those)."""
    frames: list[str] = []
    display = DlcardsApp._display  # noqa: SLF001

    def spy(app: DlcardsApp, screen: Screen, update: Any) -> None:  # noqa: ANN401
        if update is not None and not app._batch_count:  # noqa: SLF001
            painted = ANSI.sub(" ", update.render_segments(app.console))
            frames.append(" ".join(painted.split()))
        display(app, screen, update)

    monkeypatch.setattr(DlcardsApp, "_display", spy)
    return frames


async def test_home_lists_decks_with_counts_and_studies_the_highlighted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(tmp_path)
    yesterday = NOW.replace(day=1)
    world.store.record("alice", "neural", "relu", "review", 4, yesterday, date(2026, 3, 1))
    frames = first_frame_spy(monkeypatch)
    widths: list[int] = []
    rebuild = DeckTable._rebuild  # noqa: SLF001

    def spy_rebuild(table: DeckTable) -> None:
        rebuild(table)
        widths.append(table._width)  # noqa: SLF001

    monkeypatch.setattr(DeckTable, "_rebuild", spy_rebuild)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        table = screen.query_one(DeckTable)
        # Issue 13: the first frame written already shows the counts, each deck's row
        # and the line of what to study (the footer's keys may come a frame later),
        # and the table is built once, at the width it is laid out at.
        assert "5 cards to study now (1 due for review)" in frames[0]
        assert "Compute Drills 2 2 0 0" in frames[0]
        assert "Neural Basics 3 2 1 1" in frames[0]
        assert widths == [table.size.width]
        assert [table.get_row_at(i)[1].plain for i in range(2)] == ["2", "3"]  # cards
        counts = {c.deck.id: (c.cards, c.new, c.due, c.learned) for c in table._counts}  # noqa: SLF001
        assert counts == {"drills": (2, 2, 0, 0), "neural": (3, 2, 1, 1)}
        today = shown(screen.query_one("#today", Static))
        assert "5 cards to study now (1 due for review)" in today
        await pilot.press("down", "enter")  # Neural Basics
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert {r.deck_id for r in review.session.refs} == {"neural"}


async def test_nothing_due_says_when_and_where_to_add_decks(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for card in ("relu", "vanishing", "activations"):
        world.store.record("alice", "neural", card, "review", 5, NOW, date(2026, 3, 2))
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        text = shown(app.screen.query_one("#today", Static))
        assert "All caught up" in text
        assert "Next review: Tue 3 Mar (tomorrow)" in text
        assert f"{world.home.decks_dir}/" in text and "--deck-path" in text
        await pilot.press("a")  # nothing to study: Home stays, with a note
        assert isinstance(app.screen, HomeScreen)


async def test_new_cards_off_says_so_and_points_to_practice_not_to_more_decks(
    tmp_path: Path,
) -> None:
    # Known issue 36: "Today's 0 new cards are done" and "add .toml decks" while every
    # card waited unseen.
    world = make_world(tmp_path, decks="basics")
    world.settings = Settings(new_per_day=0)
    app = world.app()
    async with app.run_test(size=SIZE):
        text = shown(app.screen.query_one("#today", Static))
        assert "New cards are off (new_per_day = 0 in config.toml)" in text
        assert "3 cards not seen yet" in text and "dlcards practice" in text
        assert "0 new cards" not in text and "add .toml decks" not in text


async def test_a_deck_that_fails_to_load_is_shown_with_its_error(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    (world.deck_dir / "broken.toml").write_text('[deck]\nid = "broken"\nname = 3\n', "utf-8")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        errors = shown(screen.query_one("#load-errors", Static))
        assert "1 deck failed to load" in errors and "broken.toml:3" in errors
        await pilot.press("down")
        detail = shown(screen.query_one("#deck-detail", Static))
        assert "broken.toml:3" in detail
        await pilot.press("enter")  # cannot study it: stays Home
        assert isinstance(app.screen, HomeScreen)


async def test_r_reloads_the_decks_after_a_fix_without_a_restart(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    broken = world.deck_dir / "broken.toml"
    broken.write_text('[deck]\nid = "broken"\nname = 3\n', "utf-8")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        errors = shown(screen.query_one("#load-errors", Static))
        assert "press r to reload" in errors and "restart" not in errors
        broken.write_text(
            '[deck]\nid = "broken"\nname = "Fixed"\n\n[[cards]]\nid = "a"\n'
            'front = "Q?"\nback = "A."\n',
            "utf-8",
        )
        await pilot.press("r")
        await pilot.pause()
        assert not screen.query_one("#load-errors", Static).display
        assert app.collection.deck("broken") is not None
        assert "1 deck failed" not in shown(screen.query_one("#today", Static))


async def test_switching_profile_changes_whose_progress_is_shown(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    for card in ("relu", "vanishing"):
        world.store.record("bob", "neural", card, "review", 4, NOW, date(2026, 3, 2))
    world.store.ensure_profile("alice", NOW)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        assert learned(app) == {"drills": 0, "neural": 0}
        await pilot.press("p")
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("down", "enter")  # alice is highlighted; bob is next
        assert isinstance(app.screen, HomeScreen) and app.profile == "bob"
        assert learned(app) == {"drills": 0, "neural": 2}
        assert app.screen.query_one(TitleBar).info.startswith("bob · 2 reviews today")
        # A new profile by name: a bad name is refused in place, a good one switches.
        await pilot.press("p", "tab", *"Carol", "enter")
        dialog = app.screen
        assert isinstance(dialog, ProfileScreen)
        assert "invalid profile name" in shown(dialog.query_one("#profile-error", Static))
        dialog.query_one(Input).value = ""
        await pilot.press(*"carol", "enter")
        assert app.profile == "carol" and learned(app) == {"drills": 0, "neural": 0}
    assert "carol" in [name for name, _, _ in world.store.profiles()]


async def test_theme_toggle_is_saved_and_applied_at_start(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "dlcards-dark"
        await pilot.press("t")
        assert app.theme == "dlcards-light"
    saved = tomllib.loads(world.home.config_file.read_text("utf-8"))
    assert saved["theme"] == "light"
    world.settings = Settings(theme="light")
    again = world.app()
    async with again.run_test(size=SIZE):
        assert again.theme == "dlcards-light"


async def test_stats_screen_per_deck_and_for_all(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.record("alice", "neural", "relu", "review", 1, NOW, date(2026, 3, 2))
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert "reviews today" in shown(screen.query_one("#stats-tiles", Static))
        hardest = shown(screen.query_one("#stats-hardest", Static))
        assert "What does ReLU compute" in hardest and "Neural Basics" in hardest
        assert screen.query_one("#stats-decks").display
        await pilot.press("right")  # Compute Drills
        assert "No reviews yet" in shown(screen.query_one("#stats-hardest", Static))
        assert not screen.query_one("#stats-decks").display
        assert "Compute Drills" in screen.query_one(TitleBar).info
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_help_opens_and_closes(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_command_palette_offers_the_main_actions(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles == [
            "Study all due",
            "Stats",
            "Practice",
            "Browse cards",
            "Switch profile",
            "Toggle theme",
            "Help",
            "Quit",
        ]
        await pilot.press("ctrl+p", *"stats")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


async def test_profile_list_marks_the_current_profile(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.ensure_profile("alice", NOW)
    world.store.ensure_profile("zed", NOW)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2 and options.highlighted == 0
        await pilot.press("escape")
        assert app.profile == "alice"


async def test_clicking_a_deck_row_studies_that_deck(tmp_path: Path) -> None:
    # The table lost its own Enter (Home's Enter acts in the order typed); a click on the
    # highlighted row still selects it, and Home studies the deck clicked.
    world = make_world(tmp_path, decks="both")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DeckTable)
        second_row = (2, table.header_height + 1)
        await pilot.click(DeckTable, offset=second_row)  # highlights it
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and table.cursor_row == 1
        await pilot.click(DeckTable, offset=second_row)  # selects it
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item is not None
        assert screen.item.ref.deck_id == "neural"


@pytest.mark.parametrize("keys", [["enter", "enter"], ["a", "a"], ["enter", "a"]])
async def test_study_pressed_twice_at_once_opens_one_review(
    tmp_path: Path, keys: list[str]
) -> None:
    """A double Enter (or `a`) on Home asked for two reviews before the first was shown;
    the second one crashed the app ("a widget already exists with that ID")."""
    from .test_tui_browser_typing import burst_keys

    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        burst_keys(app, keys)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["ReviewScreen"]
