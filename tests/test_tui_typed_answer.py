"""Issue 12: {{type:Field}} cards imported from Anki are typed and compared in the TUI too.

The answer is typed in a box; Enter shows "You typed" over "Expected" with the differing
characters marked (as Anki's type-answer does), then the back; right suggests 4, wrong 1.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.answer_box import AnswerBox
from dlcards.tui.widgets.typed_card import TypedCardView
from dlcards.typed_answer import Piece, compare, is_right

from .conftest import write_deck
from .test_tui_fixtures import make_world

TYPED = [
    """
    [[cards]]
    id = "dog"
    front = "dog (in German)"
    back = "*der Hund*, plural *die Hunde*"
    answer = "Hund"
    """,
]


def _verdict_text(screen: ReviewScreen) -> str:
    from rich.console import Console

    console = Console(width=80, record=True, color_system=None)
    static = screen.query_one(".verdict", Static)
    console.print(static.content)
    return console.export_text()


async def _review(tmp_path: Path, answer: str) -> tuple[str, int | None, list[tuple]]:
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "german", TYPED, name="German")
    app = world.app(start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.pause()
        await pilot.pause()
        view = screen.query_one(TypedCardView)
        box = screen.query_one(AnswerBox)
        assert box.has_focus and screen.phase == "typing"
        assert not screen.query_one(".back").display  # the back waits for the answer
        await pilot.press(*answer, "enter")
        await pilot.pause()
        assert view.checked and screen.phase == "back"
        assert screen.query_one(".back").display
        verdict = _verdict_text(screen)
        suggested = screen.suggested
        await pilot.press("enter")  # accept the suggested grade
        await pilot.pause()
    rows = world.store.conn.execute(
        "SELECT grade, answer FROM reviews WHERE kind = 'review'"
    ).fetchall()
    return verdict, suggested, [tuple(r) for r in rows]


async def test_a_right_answer_ignoring_case_and_spacing_suggests_4(tmp_path: Path) -> None:
    verdict, suggested, rows = await _review(tmp_path, "  hund ")
    assert "✓ Right." in verdict and "Expected  Hund" in verdict
    assert suggested == 4
    assert [tuple(r) for r in rows] == [(4, "  hund ")]


async def test_a_wrong_answer_shows_yours_over_the_expected_and_suggests_1(
    tmp_path: Path,
) -> None:
    verdict, suggested, rows = await _review(tmp_path, "Hunt")
    assert "✗ Wrong." in verdict
    assert "You typed Hunt" in verdict and "Expected  Hund" in verdict
    assert suggested == 1
    assert [tuple(r) for r in rows] == [(1, "Hunt")]


def test_compare_marks_what_differs() -> None:
    assert is_right(" Der  HUND", "der Hund") and not is_right("Hunde", "Hund")
    yours, theirs = compare("Hunt", "Hund")
    assert yours == [Piece("Hun", "same"), Piece("t", "wrong")]
    assert theirs == [Piece("Hun", "same"), Piece("d", "missing")]
    yours, theirs = compare("", "Hund")
    assert yours == [] and theirs == [Piece("Hund", "missing")]
    yours, theirs = compare("hund", "Hund")  # case is forgiven: all of it matches
    assert yours == [Piece("hund", "same")] and theirs == [Piece("Hund", "same")]
