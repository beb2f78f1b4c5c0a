"""Profiles: typing a new name in the TUI dialog, and renames that config.toml follows.

A rename of the profile a plain start opens (config.toml's ``user``, or the one made
from the login name) must point config.toml at the new name, editing only that line.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from dlcards import config
from dlcards.config import Home, Settings
from dlcards.tui.screens.home import HomeScreen
from dlcards.tui.screens.profiles import ProfileScreen

from .conftest import run_cli
from .test_tui_fixtures import NOW, SIZE, make_world

TODAY = date(2026, 3, 2)
COMMENTED = '# my settings\nuser = "ann"  # me\nnew_per_day = 7'


@pytest.fixture
def login_root(monkeypatch: pytest.MonkeyPatch) -> str:
    """The login name (getpass reads LOGNAME first), so the default profile is 'root'."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "root")
    assert config.default_profile(Settings()) == "root"
    return "root"


# --- TUI: typing a name on the list ------------------------------------------------------


async def test_typing_on_the_list_creates_the_profile(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, ProfileScreen)
        # No Tab first: the letters go to the name box; the 'r' in it is not the rename key.
        await pilot.press(*"carl", "enter")
        assert isinstance(app.screen, HomeScreen)
        assert app.profile == "carl"
    assert [name for name, _, _ in world.store.profiles()] == ["carl"]


async def test_a_name_starting_with_r_is_a_name_not_a_rename(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.ensure_profile("alice", NOW)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", *"rob", "enter")
        assert app.profile == "rob"
    assert sorted(name for name, _, _ in world.store.profiles()) == ["alice", "rob"]


async def test_typed_name_is_edited_in_the_box_and_the_list_still_picks(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.ensure_profile("alice", NOW)
    world.store.record("bob", "neural", "relu", "review", 4, NOW, TODAY)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        dialog = app.screen
        assert isinstance(dialog, ProfileScreen)
        await pilot.press(*"carx", "backspace", "r", "l")
        box = dialog.query_one(Input)
        assert box.value == "carrl" and app.focused is box and dialog.renaming is None
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen) and app.profile == "alice"
        # Arrows and Enter on the list still pick an existing profile; F2 renames.
        await pilot.press("p", "down", "enter")
        assert app.profile == "bob"
        await pilot.press("p", "f2")
        dialog = app.screen
        assert isinstance(dialog, ProfileScreen) and dialog.renaming == "bob"
    assert sorted(name for name, _, _ in world.store.profiles()) == ["alice", "bob"]


# --- TUI: renaming the login-derived profile ---------------------------------------------


async def test_tui_rename_of_the_login_profile_writes_user(tmp_path: Path, login_root: str) -> None:
    world = make_world(tmp_path)
    world.profile = login_root
    world.store.record("root", "neural", "relu", "review", 4, NOW, TODAY)
    world.home.root.mkdir(parents=True)
    world.home.config_file.write_text('# mine\ntheme = "dark"  # keep\n', "utf-8")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "f2", *"ann", "enter")
        assert app.profile == "ann" and app.settings.user == "ann"
        assert any("config.toml" in n.message for n in app._notifications)  # noqa: SLF001
    assert world.home.config_file.read_text("utf-8") == (
        '# mine\ntheme = "dark"  # keep\nuser = "ann"\n'
    )
    # The next start opens the renamed profile, not an empty 'root'.
    assert config.default_profile(config.load_settings(world.home)) == "ann"


async def test_tui_rename_of_another_profile_leaves_config_alone(
    tmp_path: Path, login_root: str
) -> None:
    world = make_world(tmp_path)
    world.profile = "alice"  # chosen with --user; a plain start opens 'root'
    world.store.record("alice", "neural", "relu", "review", 4, NOW, TODAY)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "f2", *"ali", "enter")
        assert app.profile == "ali" and app.settings.user is None
    assert not world.home.config_file.exists()


# --- CLI -----------------------------------------------------------------------------------


def test_cli_rename_of_the_login_profile_writes_user(home: Path) -> None:
    login = {"LOGNAME": "root", "USER": "root"}
    assert run_cli(home, "stats", **login).returncode == 0  # opens 'root'
    assert run_cli(home, "users", "add", "zed", **login).returncode == 0
    result = run_cli(home, "users", "rename", "root", "ann", **login)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        'Renamed profile root to ann (config.toml now has user = "ann", '
        "so dlcards keeps opening it).\n"
    )
    assert (home / "config.toml").read_text("utf-8") == 'user = "ann"\n'
    listed = run_cli(home, "users", **login).stdout.splitlines()
    assert listed == ["* ann  (0 reviews)", "  zed  (0 reviews)"]
    # Not the default profile: config.toml is not touched.
    other = run_cli(home, "users", "rename", "zed", "zoe", **login)
    assert other.stdout == "Renamed profile zed to zoe.\n"
    assert (home / "config.toml").read_text("utf-8") == 'user = "ann"\n'


def test_cli_rename_keeps_config_comments(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text(COMMENTED, "utf-8")
    assert run_cli(home, "users").returncode == 0  # creates 'ann', the configured profile
    result = run_cli(home, "users", "rename", "ann", "bob")
    assert result.stdout == "Renamed profile ann to bob (config.toml's user updated).\n"
    assert (home / "config.toml").read_text("utf-8") == COMMENTED.replace('"ann"', '"bob"')
    assert run_cli(home, "users").stdout.splitlines() == ["* bob  (0 reviews)"]
    assert [p.name for p in home.iterdir() if p.name.startswith(".config.toml")] == []


# --- save_setting keeps the file ------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (COMMENTED, '# my settings\nuser = "zed"  # me\nnew_per_day = 7'),
        ("# c\r\nnew_per_day = 7", '# c\r\nnew_per_day = 7\r\nuser = "zed"\r\n'),
        ("  'user'\t=  'ann'# x\n", "  'user'\t=  \"zed\"# x\n"),
        ('user = "a#b"  # c # d\n', 'user = "zed"  # c # d\n'),
        # A 'user =' line inside a multi-line string is not the setting.
        (
            'editor = """\nuser = "x"\n"""\nuser = "ann"  # me\n',
            'editor = """\nuser = "x"\n"""\nuser = "zed"  # me\n',
        ),
        ("", 'user = "zed"\n'),
    ],
)
def test_save_setting_changes_only_that_line(tmp_path: Path, before: str, after: str) -> None:
    home = Home(tmp_path)
    if before:
        home.config_file.write_bytes(before.encode("utf-8"))
    config.save_setting(home, "user", "zed")
    assert home.config_file.read_bytes().decode("utf-8") == after
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["config.toml"]


def test_save_setting_with_a_multiline_value_stays_correct(tmp_path: Path) -> None:
    home = Home(tmp_path)
    home.config_file.write_text('# c\nuser = """\nann"""\ntheme = "light"\n', "utf-8")
    config.save_setting(home, "user", "zed")
    data = tomllib.loads(home.config_file.read_text("utf-8"))
    assert data == {"user": "zed", "theme": "light"}


def test_save_setting_writes_through_a_symlinked_config(tmp_path: Path) -> None:
    # config.toml kept in a dotfiles repository and linked into the home.
    dotfiles = tmp_path / "dotfiles" / "dlcards.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text('# mine\ntheme = "dark"  # easier at night\n', "utf-8")
    home = Home(tmp_path / "home")
    home.root.mkdir()
    home.config_file.symlink_to(dotfiles)
    config.save_setting(home, "theme", "light")
    assert home.config_file.is_symlink() and home.config_file.resolve() == dotfiles
    assert dotfiles.read_text("utf-8") == '# mine\ntheme = "light"  # easier at night\n'
    assert config.load_settings(home).theme == "light"


def test_save_setting_keeps_comments_around_a_multiline_value(tmp_path: Path) -> None:
    home = Home(tmp_path)
    home.config_file.write_text('# c\nuser = """\nann"""  # me\ntheme = "light"\n', "utf-8")
    config.save_setting(home, "user", "zed")
    assert home.config_file.read_text("utf-8") == '# c\nuser = "zed"  # me\ntheme = "light"\n'


# --- issue 13 #7: the dialog's error, an empty Enter, and a switch remembered -------------


async def test_the_error_goes_with_the_edit_and_an_empty_enter_is_no_error(
    tmp_path: Path,
) -> None:
    from textual.widgets import Static

    world = make_world(tmp_path)
    world.store.ensure_profile("alice", NOW)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "tab", *"Bad Name", "enter")
        dialog = app.screen
        assert isinstance(dialog, ProfileScreen)
        error = dialog.query_one("#profile-error", Static)
        assert "invalid profile name" in str(error.render())
        await pilot.press("ctrl+u")  # the name is gone: so is what was said about it
        assert str(error.render()).strip() == ""
        await pilot.press(*"Bad", "enter", "shift+tab", "f2")
        assert dialog.renaming == "alice" and str(error.render()).strip() == ""
        await pilot.press("escape", "tab", "enter")  # Esc from rename, then Enter on nothing
        assert isinstance(app.screen, ProfileScreen)
        assert "invalid" not in str(error.render())
        assert "Type a new profile's name first" in str(error.render())


async def test_a_profile_switched_to_in_the_tui_is_opened_next_time(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.ensure_profile("alice", NOW)
    world.home.ensure()
    world.home.config_file.write_text(COMMENTED, "utf-8")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", *"zoe", "enter")
        assert app.profile == "zoe"
        # …and says so (known issue 12: "Now studying as ann." and no more).
        told = [n.message for n in app._notifications]
        assert any("Remembered: the next dlcards and its commands use zoe" in m for m in told)
    text = world.home.config_file.read_text("utf-8")
    assert tomllib.loads(text)["user"] == "zoe"
    assert "# my settings" in text and "new_per_day = 7" in text  # the rest as it was
    assert config.load_settings(world.home).user == "zoe"
