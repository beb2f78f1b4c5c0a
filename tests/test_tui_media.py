"""Issue 12 #6: a card's images and sounds open in the system viewer with o."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import write_deck
from .test_tui_fixtures import SIZE, World, make_world

DECK = [
    '''[[cards]]
    id = "cell"
    front = "What is this? [image: cell diagram.png]"
    back = "A cell [sound:say.mp3]"''',
]


def _bio_world(folder: Path, *files: str) -> tuple[World, Path]:
    """A home whose only deck is the bio card, with these media files in its folder."""
    world = make_world(folder, decks="basics")
    for old in world.deck_dir.glob("*.toml"):
        old.unlink()
    write_deck(world.deck_dir, "bio", DECK)
    media = world.home.root / "media" / "bio"
    if files:
        media.mkdir(parents=True)
    for name in files:
        (media / name).write_bytes(name.encode())
    return world, media


async def test_o_opens_the_cards_media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dlcards.media

    opened: list[Path] = []
    monkeypatch.setattr(dlcards.media, "open_in_viewer", opened.append)
    world, folder = _bio_world(tmp_path, "cell diagram.png", "say.mp3")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert opened == [folder / "cell diagram.png"]  # the front only: the back is hidden
        await pilot.press("space", "o")
        assert opened[1:] == [folder / "cell diagram.png", folder / "say.mp3"]


async def test_o_says_which_file_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dlcards.media

    opened: list[Path] = []
    monkeypatch.setattr(dlcards.media, "open_in_viewer", opened.append)
    world, _ = _bio_world(tmp_path)
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        assert any("cell diagram.png" in str(n.message) for n in app._notifications)


async def test_o_without_a_system_viewer_says_where_the_file_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine without xdg-open (a server, a container): `o` ended the review with a
    crash; it now says so and names the file, and the review goes on."""
    world, folder = _bio_world(tmp_path, "cell diagram.png")
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no xdg-open (nor open) to be found
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any(str(folder / "cell diagram.png") in m for m in messages), messages
        await pilot.press("space")  # the review goes on: the answer shows
        await pilot.pause()
        assert app.screen.phase == "back"
