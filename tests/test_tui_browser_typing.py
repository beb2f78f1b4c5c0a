"""Issue 13 #5: nothing typed into the browser's search is lost, however fast it comes;
and in every text box (search, answer, profile name) editing keys typed among characters
act in the order typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from dlcards.tui.screens.browser import BrowserScreen
from dlcards.tui.screens.profiles import ProfileScreen
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.answer_box import AnswerBox

from .test_tui_fixtures import SIZE, make_world

# The character each named key carries (None: a key that types nothing).
NAMED = {"slash": "/", "space": " ", "backspace": "\x7f", "enter": "\r"}


def burst_keys(app, keys: list[str]) -> None:  # noqa: ANN001
    """Keys posted at once, as a fast typist or a paste delivers them (no wait between):
    characters, and named keys (``backspace``, ``left`` …) among them."""
    for key in keys:
        app.post_message(events.Key(key, NAMED.get(key, None if len(key) > 1 else key)))


def burst(app, text: str) -> None:  # noqa: ANN001
    """The characters of ``text``, as :func:`burst_keys` posts them."""
    names = {character: name for name, character in NAMED.items()}
    burst_keys(app, [names.get(character, character) for character in text])


async def test_keys_typed_right_after_slash_on_home_all_reach_the_box(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, "/softmax")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.query_one(Input).value == "softmax"


@pytest.mark.parametrize("first", ["/", ""])
async def test_keys_right_after_slash_or_on_the_list_all_reach_the_box(
    tmp_path: Path, first: str
) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")  # the browser, its list focused
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        burst(app, first + "softmax")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "softmax"


async def test_slash_replaces_the_old_query(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"relu", "down")
        assert app.screen.query_one(Input).value == "relu"
        burst(app, "/gelu")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "gelu"


# Textual 8 ran an Input's own bindings (backspace, the arrows …) only once the key had
# bubbled up to the app, after the characters that came with it were inserted: "12",
# backspace, "3" read together gave "12" (Textualize/textual#6605).
EDITS = ["backspace", "3", "left", "left", "home", "-"]  # "12" → "13" → "-13"


async def test_editing_keys_in_a_burst_act_in_order_in_the_answer_box(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        box = app.screen.query_one(AnswerBox)
        await pilot.press("1", "2")
        assert box.has_focus and box.value == "12"
        burst_keys(app, EDITS)
        await pilot.pause()
        assert box.value == "-13"


async def test_editing_keys_in_a_burst_act_in_order_in_search_and_profile_boxes(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "1", "2")
        assert isinstance(app.screen, BrowserScreen)
        burst_keys(app, EDITS)
        await pilot.pause()
        assert app.screen.query_one(Input).value == "-13"
        await pilot.press("escape", "escape", "p", "tab", "1", "2")
        assert isinstance(app.screen, ProfileScreen)
        burst_keys(app, EDITS)
        await pilot.pause()
        assert app.screen.query_one(Input).value == "-13"


async def test_down_then_enter_typed_together_studies_the_deck_moved_to(tmp_path: Path) -> None:
    # Enter was a priority binding on Home: it ran as its key arrived, before the Down
    # typed just ahead of it had moved the table's cursor, and studied the deck
    # highlighted before (seen in tmux: send-keys Down Enter).
    world = make_world(tmp_path, decks="both")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst_keys(app, ["down", "enter"])
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item is not None
        assert screen.item.ref.deck_id == "neural"  # the second row: Neural Basics


# Issue 13: ``dlcards study`` opens on Review itself, whose first card is built once the
# app runs; keys read before then (typed during the start-up) wait for that card.


async def test_keys_typed_while_the_app_starts_reach_the_first_cards_answer_box(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    burst(app, "s1")  # read before the first card exists: "s" is not Suspend here
    app.post_message(events.Paste(" 2"))
    burst(app, ";")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one(AnswerBox)
        assert box.has_focus and box.value == "s1 2;"
        assert world.store.suspended("alice") == {}


async def test_keys_typed_while_the_app_starts_reveal_and_grade_the_first_card(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    burst_keys(app, ["space", "4"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item is not None
        assert screen.item.ref.card_id == "vanishing"  # the second card: the first graded
    assert [(row.card_id, row.grade) for row in world.store.rows("alice")] == [("relu", 4)]
