"""Issue 11 #9 (found again by the new-user pass): text from decks and problems reaches the
TUI as text, never as Rich markup — notifications quoting a card id, worked-solution steps."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from dlcards.tui.screens.review import ReviewScreen

from .conftest import write_deck
from .test_tui_fixtures import LARGE, make_world

BRACKETED = [
    '''[[cards]]
    id = "[red]x"
    front = "A card whose id looks like markup"
    back = "Its id must be shown as written."''',
    '''[[cards]]
    id = "next"
    front = "A second card, so that the review goes on after the bury"
    back = "."''',
]


def toasts(app) -> str:  # noqa: ANN001
    """The text of the toasts on screen, as shown."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_a_notification_shows_a_card_id_as_written(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "odd", BRACKETED, name="Odd")
    app = world.app(start="review")
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("b")  # bury: the toast quotes the card id
        await pilot.pause(0.1)
        assert "“[red]x”" in toasts(app)


async def test_worked_steps_keep_their_brackets(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="none")
    deck = [
        """[[cards]]
        id = "pe"
        type = "compute"
        problem = "positional_encoding"
        level = 2""",
    ]
    write_deck(world.deck_dir, "pe", deck, name="PE")
    app = world.app(start="review")
    async with app.run_test(size=LARGE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item is not None
        from dlcards.problems import get_problem

        instance = screen.item.instance
        assert instance is not None
        steps = get_problem("positional_encoding").explain(instance)
        bracketed = [step for step in steps if "[" in step]
        await pilot.press(*"0", "enter")
        await pilot.pause()
        shown = screen.query_one(".solution", Static)
        import io

        from rich.console import Console

        console = Console(width=200, record=True, color_system=None, file=io.StringIO())
        console.print(shown.content)
        text = console.export_text()
        assert bracketed, "the positional-encoding steps name PE[pos]"
        assert "PE[pos + k] is a linear function" in text and "of PE[pos]." in text
