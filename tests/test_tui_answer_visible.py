"""Issue 13 #1: the answer box and its live preview stay in view while typing, at every size
down to 60×16, also when the tall compute card is not the first of the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widget import Widget

from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.answer_box import AnswerBox

from .conftest import write_deck
from .test_tui_fixtures import make_world

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
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "tall", TALL, name="Tall")
    app = world.app(start="review")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("space", "4")  # the basic card: now the tall one is second
        await pilot.pause()
        assert screen.item is not None and screen.item.ref.card_id == "pool-7x7"
        scroll = screen.query_one("#card-scroll", VerticalScroll)
        box = screen.query_one(AnswerBox)
        assert box.has_focus
        await pilot.pause()
        assert inside(box, scroll), "the focused answer box is below the fold"
        await pilot.press(*"6 6 8; 9 8 8; 9 8 8")
        await pilot.pause()
        assert box.value == "6 6 8; 9 8 8; 9 8 8"
        assert inside(box, scroll)
        preview = screen.query_one(".preview")
        assert preview.region.height > 0 and inside(preview, scroll), "the preview is hidden"
