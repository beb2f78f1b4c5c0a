"""Issue 13 #5: nothing typed into the browser's search is lost, however fast it comes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from dlcards.tui.screens.browser import BrowserScreen

from .test_tui_fixtures import SIZE, make_world


def burst(app, keys: str) -> None:  # noqa: ANN001
    """Keys posted at once, as a fast typist or a paste delivers them (no wait between)."""
    for key in keys:
        name = {"/": "slash", " ": "space"}.get(key, key)
        app.post_message(events.Key(name, key))


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
