"""Issue 13 #10: a folder of decks is searched recursively, by discovery, --deck-path,
DLCARDS_DECK_PATH and ``dlcards validate DIR`` alike; what is not a deck is passed over."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlcards.collection import load_collection, tomls_in

from .conftest import run_cli, write_deck


def _tree(root: Path) -> None:
    """Decks at three depths, and things under the folder that are not decks."""
    write_deck(root, "top", 1)
    write_deck(root / "ml", "ml-basics", 2)
    write_deck(root / "ml" / "vision", "cnn", 1)
    # Not decks, deeper down: a project's settings, a tool's file, a hidden folder's deck.
    (root / "ml" / "pyproject.toml").write_text('[project]\nname = "notes"\n', "utf-8")
    (root / "ml" / "vision" / "notes.txt").write_text("not toml", "utf-8")
    write_deck(root / ".git", "in-git", 1)
    write_deck(root / "ml" / ".cache", "in-cache", 1)


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_tomls_in_searches_subfolders_and_passes_over_what_is_not_a_deck(
    tmp_path: Path,
) -> None:
    root = tmp_path / "decks"
    _tree(root)
    found = tomls_in(root)
    assert _ids(found) == ["ml-basics", "cnn", "top"]  # sorted by path, folders and files alike
    assert found == sorted(found)


def test_a_symlinked_folder_is_not_entered(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    write_deck(root / "sub", "inside", 1)
    try:
        (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    except OSError:
        pytest.skip("no symlinks here")
    assert _ids(tomls_in(root)) == ["inside"]


def test_a_broken_deck_in_a_subfolder_is_still_an_error(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    write_deck(root / "sub", "good", 1)
    (root / "sub" / "bad.toml").write_text('[deck]\nid = "bad"\n', "utf-8")
    collection = load_collection(None, [root])
    assert [d.id for d in collection.decks if not d.shipped] == ["good"]
    assert any("bad.toml" in e for e in collection.errors)


def test_deck_path_home_decks_and_environment_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("home-decks", "flag", "env"):
        _tree(tmp_path / name)
    mine = ["ml-basics", "cnn", "top"]
    home = load_collection(tmp_path / "home-decks")
    assert [d.id for d in home.decks if not d.shipped] == mine and not home.errors
    flag = load_collection(None, [tmp_path / "flag"])
    assert [d.id for d in flag.decks if not d.shipped] == mine and not flag.errors
    monkeypatch.setenv("DLCARDS_DECK_PATH", os.fspath(tmp_path / "env"))
    env = load_collection(None)
    assert [d.id for d in env.decks if not d.shipped] == mine and not env.errors


def test_validate_dir_checks_the_decks_in_subfolders(home: Path, tmp_path: Path) -> None:
    root = tmp_path / "mine"
    _tree(root)
    result = run_cli(home, "validate", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 deck(s), 4 card(s)" in result.stdout
    # An error in a deck two folders down is found and fails the run.
    (root / "ml" / "vision" / "bad.toml").write_text('[deck]\nid = "bad"\n', "utf-8")
    failed = run_cli(home, "validate", str(root))
    assert failed.returncode == 1 and "bad.toml" in failed.stdout


def test_validate_dir_with_only_non_decks_below_says_so(home: Path, tmp_path: Path) -> None:
    root = tmp_path / "notes"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    result = run_cli(home, "validate", str(root))
    assert result.returncode == 1
    assert "no .toml deck files" in result.stdout + result.stderr
