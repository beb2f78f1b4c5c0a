"""What the TUI does before its first paint (issue 13): the theme once, screens on demand."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color

from dlcards.config import Settings
from dlcards.tui import themes
from dlcards.tui.app import DlcardsApp

from .conftest import python_output
from .test_tui_fixtures import SIZE, make_world


@pytest.mark.parametrize("setting", ["dark", "light"])
async def test_the_configured_theme_is_painted_first_without_a_second_css_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    # Setting the theme the usual way queues a full CSS reparse right after Textual's
    # first parse (done with the default theme's colours): the first paint must come
    # in the configured theme with the CSS parsed once.
    reparses: list[str] = []
    monkeypatch.setattr(DlcardsApp, "refresh_css", lambda self, animate=True: reparses.append("x"))
    world = make_world(tmp_path)
    world.settings = Settings(theme=setting)
    app = world.app()
    theme = themes.THEMES[setting]
    async with app.run_test(size=SIZE):
        assert app.theme == theme.name
        assert app.has_class(f"-theme-{theme.name}")
        assert app.has_class("-dark-mode") is theme.dark
        assert app.has_class("-light-mode") is not theme.dark
        assert app.screen.styles.background == Color.parse(theme.background or "")
        assert reparses == []


async def test_the_theme_key_still_switches_and_repaints(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == themes.LIGHT.name and app.has_class("-light-mode")
        assert app.screen.styles.background == Color.parse(themes.LIGHT.background or "")


def test_each_screen_loads_with_its_first_use() -> None:
    # `dlcards study` paints a card without Home's table (and its stats); Home paints
    # without Review's card views and Markdown (issue 13: ~50 ms of imports each).
    code = (
        "import sys\n"
        "import dlcards.tui.app\n"
        "print(sorted(m for m in ('dlcards.tui.screens.home', 'dlcards.tui.screens.review',"
        " 'dlcards.tui.widgets.basic_card', 'textual.widgets._markdown',"
        " 'textual.widgets._data_table', 'dlcards.study.practice') if m in sys.modules))\n"
    )
    assert python_output(code).strip() == "[]"


def test_a_plain_first_card_and_home_import_no_markdown_parser_nor_the_sync() -> None:
    # Issue 13: a face of plain sentences is drawn without markdown-it or Textual's
    # Markdown widget (~50 ms), and Home's "Synced:" line without the sync's reader.
    code = (
        "import sys\n"
        "import dlcards.tui.widgets.basic_card, dlcards.tui.widgets.compute_card\n"
        "import dlcards.tui.screens.home\n"
        "from dlcards.tui.widgets.card_text import card_markdown\n"
        "from dlcards.interchange.sync_status import describe_synced\n"
        "print(type(card_markdown('What is deep learning?', classes='front')).__name__)\n"
        "print(sorted(m for m in ('markdown_it', 'textual.widgets._markdown', 'pygments',"
        " 'dlcards.interchange.sync') if m in sys.modules))\n"
    )
    assert python_output(code).split() == ["FaceText", "[]"]
