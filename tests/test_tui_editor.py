"""Editing a card's deck from Review (`e`): the editor command, the shipped-deck copy, reload."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.coordinate import Coordinate

from dlcards.collection import load_collection
from dlcards.config import Home
from dlcards.errors import UserError
from dlcards.tui.editor import editor_argv, user_copy
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.deck_table import DeckTable

from .conftest import write_deck
from .test_tui_fixtures import BASICS, SIZE, make_world

DECK = Path("/decks/neural.toml")


@pytest.mark.parametrize(
    ("configured", "env", "expected"),
    [
        ("vim", {}, ["vim", "+12", str(DECK)]),
        (None, {"VISUAL": "nvim -p", "EDITOR": "nano"}, ["nvim", "-p", "+12", str(DECK)]),
        (None, {"EDITOR": "/usr/bin/emacs -nw"}, ["/usr/bin/emacs", "-nw", "+12", str(DECK)]),
        (None, {"EDITOR": "code --wait"}, ["code", "--wait", "--goto", f"{DECK}:12"]),
        (None, {"EDITOR": "hx"}, ["hx", f"{DECK}:12"]),
        ("ed", {"EDITOR": "vim"}, ["ed", str(DECK)]),  # config wins; unknown editors get the file
    ],
)
def test_editor_command_opens_the_card_line(
    configured: str | None, env: dict[str, str], expected: list[str]
) -> None:
    assert editor_argv(configured, DECK, 12, env) == expected


def test_without_any_editor_the_user_is_told_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dlcards.tui.editor.shutil.which", lambda name: None)
    monkeypatch.setattr("dlcards.tui.editor.sys.platform", "linux")
    with pytest.raises(UserError, match="no editor found"):
        editor_argv(None, DECK, 3, {})


def test_fallback_editor_is_found_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "dlcards.tui.editor.shutil.which", lambda name: "/bin/vi" if name == "vi" else None
    )
    assert editor_argv(None, DECK, 3, {}) == ["vi", "+3", str(DECK)]


def test_user_copy_never_overwrites(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    shipped = write_deck(tmp_path / "shipped", "neural", 2)
    first = user_copy(home, shipped, "neural")
    second = user_copy(home, shipped, "neural")
    assert first == home.decks_dir / "neural.toml"
    assert second == home.decks_dir / "neural-2.toml"
    assert first.read_bytes() == shipped.read_bytes()


def screen_text(app) -> str:  # noqa: ANN001
    console = Console(width=200, record=True, file=io.StringIO())
    for markdown in app.screen.query("Markdown"):
        console.print(markdown.source)
    return console.export_text()


async def test_edit_reloads_the_deck_and_shows_the_new_text(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    calls: list[list[str]] = []

    def fake_editor(argv: list[str]) -> bool:
        calls.append(argv)
        path = Path(argv[-1])
        path.write_text(path.read_text("utf-8").replace("max(0, x)", "max(x, 0)"), "utf-8")
        return True

    app.run_editor = fake_editor  # type: ignore[method-assign]
    app.settings = type(app.settings)(editor="vim")  # config.toml's editor wins
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "relu"
        assert screen.phase == "back"  # a revealed card stays revealed
        assert "max(x, 0)" in screen_text(app)
        line = screen.item.ref.line
        await pilot.press("4")
    assert calls == [["vim", f"+{line}", str(world.deck_dir.resolve() / "neural.toml")]]
    assert world.store.state("alice", "neural", "relu") is not None


async def test_editing_a_shipped_deck_edits_a_copy_that_overrides_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped_dir = tmp_path / "shipped"
    shipped = write_deck(shipped_dir, "neural", BASICS, name="Neural Basics")
    monkeypatch.setattr("dlcards.collection.shipped_decks_dir", lambda: shipped_dir)
    world = make_world(tmp_path, decks="none")
    world.home.ensure()
    collection = load_collection(world.home.decks_dir, (), None)
    assert collection.decks[0].shipped
    app = world.app(start="review", collection=collection, reload=None)
    edited: list[Path] = []

    def fake_editor(argv: list[str]) -> bool:
        path = Path(argv[-1])
        edited.append(path)
        path.write_text(path.read_text("utf-8").replace("ReLU", "Rectifier"), "utf-8")
        return True

    app.run_editor = fake_editor  # type: ignore[method-assign]
    app.settings = type(app.settings)(editor="vi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert "Rectifier" in screen_text(app)
        deck = app.collection.deck("neural")
        assert deck is not None and deck.overrides_shipped and not deck.shipped
        # The file name on a line of its own: a narrow toast broke the path mid-word
        # ("…/deep-learning-in" / "terview.toml", known issue 32).
        told = [n.message for n in app._notifications if n.title == "Editing your copy"]
        assert told and "neural.toml" in told[0].splitlines()
        assert f"{world.home.decks_dir}/" in told[0].splitlines()
        await pilot.press("escape")  # Home, narrow: the name gives way, never "(your copy)"
        table = app.screen.query_one(DeckTable)
        for width, mark in ((60, "  (your copy)"), (52, " (copy)")):
            await pilot.resize_terminal(width, 16)
            await pilot.pause()
            name = table.get_cell_at(Coordinate(0, 0))
            assert name.plain.endswith(mark) and name.plain.startswith("Neural")
            assert name.cell_len <= table.columns["deck"].width
    assert edited == [world.home.decks_dir / "neural.toml"]
    assert "ReLU" in shipped.read_text("utf-8")  # the shipped file is untouched
