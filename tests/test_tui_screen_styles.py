"""Issue 13: an app opened on Review parses only Review's rules before its first card
(dlcards.tcss); the other screens' rules (screens/screens.tcss) are read after that card
is painted, or when another screen is shown first. Every screen is styled either way."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.css.scalar import Scalar, Unit

from dlcards.tui.screens.help import HelpScreen
from dlcards.tui.screens.home import HomeScreen

from .test_tui_fixtures import SIZE, make_world

# As screens.tcss writes them: the dialog's width, Home's padding.
DIALOG_WIDTH = Scalar(76, Unit.CELLS, Unit.WIDTH)
HOME_PADDING = (1, 2, 0, 2)


async def test_help_opened_by_a_key_typed_while_the_review_starts_is_styled(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    app.post_message(events.Key("question_mark", "?"))  # typed before the first paint
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        dialog = app.screen.query_one("#help-dialog")
        assert dialog.styles.width == DIALOG_WIDTH
        assert dialog.styles.border.top[0] == "round"


async def test_home_after_a_review_is_styled(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#home-body").styles.padding == HOME_PADDING


async def test_home_opened_first_is_styled(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#home-body").styles.padding == HOME_PADDING


def test_every_screen_but_review_names_the_screens_stylesheet() -> None:
    # A screen without it would be unstyled when shown before the first card's paint.
    import importlib
    import pkgutil

    from textual.screen import Screen

    import dlcards.tui.screens as screens
    from dlcards.tui.screens import SCREENS_CSS

    found = []
    for module in pkgutil.iter_modules(screens.__path__):
        loaded = importlib.import_module(f"dlcards.tui.screens.{module.name}")
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, Screen)
                and value.__module__ == loaded.__name__
            ):
                found.append(value)
                if value.__name__ != "ReviewScreen":
                    assert value.CSS_PATH == SCREENS_CSS, value.__name__
    assert len(found) >= 11  # Review, Home, and the nine others
