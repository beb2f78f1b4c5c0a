"""Deck text is text: no escape sequence or Rich markup in it reaches a terminal (issue 11 #9)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from dlcards.collection import load_collection
from dlcards.textsafe import one_line, safe_text
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.screens.stats import StatsScreen

from .conftest import run_cli, write_deck
from .test_tui_fixtures import World, make_world

CLEAR = "\x1b[2J"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"  # OSC 52: write the clipboard
TITLE = "\x1b]0;pwned\x1b\\"  # OSC 0: set the window title
HOSTILE = f"{CLEAR}{CLIPBOARD}{TITLE}[link=https://evil.example]click[/link] [/oops]"


def toml_str(value: str) -> str:
    """A TOML basic string: JSON's escapes (\\u001b, \\\\, \\") are TOML's too."""
    return json.dumps(value)


def hostile_deck(folder: Path, deck_id: str = "evil") -> Path:
    blocks = [
        f'[[cards]]\nid = "c1"\nfront = {toml_str("Front " + HOSTILE)}\n'
        f"back = {toml_str('Back ' + HOSTILE)}\ntags = [{toml_str('t' + HOSTILE)}]\n",
        f'[[cards]]\nid = "c2"\ntype = "choice"\nfront = {toml_str("Pick " + HOSTILE)}\n'
        f'choices = [{toml_str("one " + HOSTILE)}, "two"]\ncorrect = [0]\n',
    ]
    path = write_deck(folder, deck_id, blocks, name="placeholder")
    raw = path.read_text("utf-8").replace(
        'name = "placeholder"', f"name = {toml_str('Deck ' + HOSTILE)}"
    )
    path.write_text(raw, "utf-8")
    return path


def assert_safe(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output


def test_the_helpers() -> None:
    assert safe_text("a\x1b[2Jb\n\tc\x07\x9b") == "a␛[2Jb\n\tc␇\ufffd"
    assert one_line("x\ny\tz\r") == "x\\ny\\tz\\r"
    same = "plain text"
    assert safe_text(same) is same


def test_the_deck_file_really_holds_escape_sequences(tmp_path: Path) -> None:
    path = hostile_deck(tmp_path / "decks")
    loaded = load_collection(tmp_path / "decks")
    assert not loaded.errors, loaded.errors
    import tomllib

    assert CLIPBOARD in tomllib.loads(path.read_text("utf-8"))["cards"][0]["front"]


def test_cli_decks_cards_list_and_plain_study(tmp_path: Path) -> None:
    home = tmp_path / "home"
    hostile_deck(home / "decks")
    listed = run_cli(home, "decks")
    assert listed.returncode == 0 and "Deck ␛[2J" in listed.stdout, listed.stderr
    assert_safe(listed.stdout + listed.stderr)
    cards = run_cli(home, "cards", "list")
    assert cards.returncode == 0 and "␛]52;c;" in cards.stdout, cards.stderr
    assert_safe(cards.stdout + cards.stderr)
    study = run_cli(home, "study", "--deck", "evil", "--plain", input="\n4\n1\n\nq\n")
    assert "Front ␛[2J" in study.stdout and "one ␛[2J" in study.stdout, study.stdout
    assert_safe(study.stdout + study.stderr)


def test_error_messages_show_hostile_values_escaped_on_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_deck(home / "decks", "good", 1)
    bad = home / "decks" / "bad.toml"
    bad.write_text(
        '[deck]\nid = "bad"\nname = "Bad"\n"k\\u001b]0;t\\u0007\\nfake.toml:1: ok" = 1\n', "utf-8"
    )
    listed = run_cli(home, "decks")
    assert_safe(listed.stderr)
    errors = [line for line in listed.stderr.splitlines() if "bad.toml" in line]
    assert len(errors) == 1 and "␛]0;t␇" in errors[0], listed.stderr
    checked = run_cli(home, "validate", str(bad))
    assert_safe(checked.stdout)
    assert "\\nfake.toml:1: ok" in checked.stdout and "\nfake.toml" not in checked.stdout


def test_stats_renders_names_as_text(tmp_path: Path) -> None:
    from datetime import UTC, date, datetime

    from dlcards.store import Store
    from dlcards.views.stats_view import gather, render_stats

    decks = tmp_path / "decks"
    hostile_deck(decks)
    write_deck(decks, "other", 1)
    collection = load_collection(decks)
    store = Store.open(None)
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    store.record("me", "evil", "c1", "review", 1, moment, date(2026, 3, 2))
    data = gather(store, collection, "me", date(2026, 3, 2), [])
    buffer = io.StringIO()
    console = Console(file=buffer, width=300, force_terminal=True, color_system="truecolor")
    console.print(render_stats(data))  # [/oops] would raise MarkupError
    out = buffer.getvalue()
    assert "[/oops]" in out and "[link=https://evil.example]" in out
    assert "\x1b]8;" not in out  # no hyperlink was made
    assert "␛]52;c;" in out and "\x1b]52" not in out and "\x1b]0;pwned" not in out


async def test_tui_home_stats_and_review_show_the_text_safely(tmp_path: Path) -> None:
    world: World = make_world(tmp_path, decks="basics")
    hostile_deck(world.deck_dir)
    app = world.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert_safe(app.export_screenshot())
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        shot = app.export_screenshot()
        assert_safe(shot)
        assert "[/oops]" in shot
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert_safe(app.export_screenshot())


def test_fronts_and_tags_from_the_search_index_are_safe(tmp_path: Path) -> None:
    from dlcards.browse import Filters, fill_fronts, find_cards
    from dlcards.deck_cache import DeckCache
    from dlcards.store import Store

    decks = tmp_path / "decks"
    hostile_deck(decks)
    cache = DeckCache(tmp_path / "cache.sqlite3")
    load_collection(decks, cache=cache)  # fills the index
    collection = load_collection(decks, cache=DeckCache(tmp_path / "cache.sqlite3"))
    store = Store.open(None)
    for query in ("", "front"):
        rows = find_cards(store, collection, "me", Filters(query=query), 8, lazy=True)
        listed = fill_fronts(collection, [rows[i] for i in range(len(rows))])
        evil = [r for r in listed if r.ref.deck_id == "evil"]
        assert evil and all(r.front is not None and "\x1b" not in r.front for r in evil)
        assert all("\x1b" not in t for r in evil for t in r.ref.tags)
