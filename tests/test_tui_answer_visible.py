"""Issue 13 #1: the answer box and its live preview stay in view while typing, at every size
down to 60×16, also when the tall compute card is not the first of the session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.containers import VerticalScroll
from textual.widget import Widget

from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.answer_box import AnswerBox

from .conftest import write_deck
from .test_tui_fixtures import make_world

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp

TALL = [
    """
    [[cards]]
    id = "first"
    front = "A basic card first"
    back = "so that the tall compute card is the second of the session."
    """,
    """
    [[cards]]
    id = "pool-7x7"
    type = "compute"
    problem = "pool2d"
    front = "The classic max-pooling example: a 3×3 window slid with stride 2."
    back = "Pooling keeps the strongest response in each window."
    [cards.params]
    x = [[1, 0, 2, 3, 1, 0, 2], [3, 4, 1, 6, 0, 5, 1], [0, 2, 3, 1, 2, 3, 0],
         [2, 6, 0, 6, 1, 8, 3], [1, 3, 2, 0, 3, 1, 2], [0, 9, 1, 8, 2, 8, 0],
         [2, 1, 3, 2, 0, 1, 3]]
    kernel_size = 3
    stride = 2
    mode = "max"
    """,
]


def inside(widget: Widget, scroll: VerticalScroll) -> bool:
    """Whether the widget is shown whole inside the scroll's visible window."""
    seen, region = scroll.content_region, widget.region
    return region.height > 0 and seen.y <= region.y and region.bottom <= seen.bottom


@pytest.mark.parametrize("size", [(60, 16), (80, 24), (120, 40)])
async def test_box_and_preview_stay_visible_while_typing(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = _tall_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = _review(app)
        await pilot.press("space", "4")  # the basic card: now the tall one is second
        await pilot.pause()
        assert screen.item is not None and screen.item.ref.card_id == "pool-7x7"
        scroll = screen.query_one("#card-scroll", VerticalScroll)
        box = screen.query_one(AnswerBox)
        await pilot.pause()
        if box.has_focus:
            assert inside(box, scroll), "the focused answer box is below the fold"
        else:  # too tall to show whole: it opens at its question (see test_tall_card_…)
            assert scroll.scroll_y == 0 and inside(screen.query_one(".front"), scroll)
        await pilot.press(*"6 6 8; 9 8 8; 9 8 8")
        await pilot.pause()
        assert box.value == "6 6 8; 9 8 8; 9 8 8"
        assert inside(box, scroll)
        preview = screen.query_one(".preview")
        assert preview.region.height > 0 and inside(preview, scroll), "the preview is hidden"


def _tall_app(folder: Path, cards: list[str] = TALL) -> DlcardsApp:
    """A study session of the Tall deck: a basic card, then the 7×7 pooling card."""
    world = make_world(folder, decks="none")
    write_deck(world.deck_dir, "tall", cards, name="Tall")
    return world.app(start="review")


def _review(app: DlcardsApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def _tall_card_open(pilot: object, screen: ReviewScreen) -> None:
    await pilot.press("space", "4")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert screen.item is not None and screen.item.ref.card_id == "pool-7x7"


@pytest.mark.parametrize("size", [(60, 16), (80, 24)])
async def test_tall_card_opens_at_its_question_and_enter_or_a_digit_starts_the_answer(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    for key in ("enter", "6"):
        app = _tall_app(tmp_path / key)
        async with app.run_test(size=size) as pilot:
            screen = _review(app)
            await _tall_card_open(pilot, screen)
            scroll = screen.query_one("#card-scroll", VerticalScroll)
            box = screen.query_one(AnswerBox)
            # The question is what you see first, not the box below the grid.
            assert scroll.scroll_y == 0
            assert inside(screen.query_one(".front"), scroll)
            assert not box.has_focus and not inside(box, scroll)
            # Reading it: the arrows scroll the card (the box does not swallow them).
            await pilot.press("down")
            await pilot.pause()
            assert scroll.scroll_y > 0
            await pilot.press(key)
            await pilot.pause()
            assert box.has_focus and inside(box, scroll)
            assert box.value == ("" if key == "enter" else "6")


async def test_a_card_that_fits_focuses_its_box_at_once(tmp_path: Path) -> None:
    app = _tall_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = _review(app)
        await _tall_card_open(pilot, screen)
        scroll = screen.query_one("#card-scroll", VerticalScroll)
        assert screen.query_one(AnswerBox).has_focus and scroll.scroll_y == 0
        assert inside(screen.query_one(".front"), scroll)


@pytest.mark.parametrize(
    ("keys", "typed"),
    [
        # The first key starts the answer; the rest of a fast burst (or a paste) arrives
        # before the box has focus: commas and spaces were dropped ("[[4,6, 1" → "[[461").
        (list("[[4,6, 1"), "[[4,6, 1"),
        # After Enter, a labelled answer: its letters were taken as the screen's keys
        # (`e` opened the editor, `b` buried the card, `s` suspended it).
        (["enter", *"be=1e-3, s=2"], "be=1e-3, s=2"),
    ],
)
async def test_a_fast_answer_on_a_tall_card_loses_no_key(
    tmp_path: Path, keys: list[str], typed: str
) -> None:
    from .test_tui_browser_typing import burst_keys

    app = _tall_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _review(app)
        await _tall_card_open(pilot, screen)
        box = screen.query_one(AnswerBox)
        assert not box.has_focus  # too tall at 80×24: it opens at its question
        burst_keys(app, [" " if k == " " else k for k in keys])
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen and screen.item is not None
        assert screen.item.ref.card_id == "pool-7x7"  # not buried, suspended, left
        assert box.has_focus and box.value == typed
        # Escape leaves the box: letters are the screen's keys again, not the answer's.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert box.value == typed


async def test_a_paste_on_a_tall_card_goes_into_its_box(tmp_path: Path) -> None:
    """A paste before the box has the focus (the box below the fold at 80×24) was lost."""
    from textual import events

    app = _tall_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _review(app)
        await _tall_card_open(pilot, screen)
        box = screen.query_one(AnswerBox)
        assert not box.has_focus
        app.post_message(events.Paste("6 6 8; 9 8 8; 9 8 8\n"))
        await pilot.pause()
        await pilot.pause()
        assert box.has_focus and box.value == "6 6 8; 9 8 8; 9 8 8"
        scroll = screen.query_one("#card-scroll", VerticalScroll)
        await pilot.pause()
        assert inside(box, scroll)
        preview = screen.query_one(".preview")
        assert preview.region.height > 1 and inside(preview, scroll), "the preview is hidden"


@pytest.mark.parametrize("leave", ["u", "b", "s"])
async def test_a_compute_card_left_at_once_does_not_crash(tmp_path: Path, leave: str) -> None:
    """Grade, then undo (or bury, suspend) in the same burst: the compute card shown in
    between was gone when its opening scroll ran ("No nodes match '.answer'")."""
    from .test_tui_browser_typing import burst_keys

    app = _tall_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        _review(app)
        await pilot.pause()
        burst_keys(app, ["space", "4", leave])
        for _ in range(4):
            await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize("typed", ["", "6 6"])
async def test_the_first_card_when_tall_opens_at_its_question_or_at_what_was_typed(
    tmp_path: Path, typed: str
) -> None:
    # The app's first card gives its box the focus before it is laid out (keys typed
    # during the start-up go there); once laid out it opens as any card when nothing
    # was typed, and keeps the box in view when something was.
    from textual import events

    app = _tall_app(tmp_path, TALL[1:])
    for character in typed:
        app.post_message(events.Key("space" if character == " " else character, character))
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = _review(app)
        scroll = screen.query_one("#card-scroll", VerticalScroll)
        box = screen.query_one(AnswerBox)
        assert box.value == typed
        if typed:
            assert box.has_focus and inside(box, scroll)
        else:
            assert not box.has_focus and scroll.scroll_y == 0
            assert inside(screen.query_one(".front"), scroll)
