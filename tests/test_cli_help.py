"""CLI help in words people read; `validate DIR` (issue 13 #10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import run_cli, write_deck

COMMANDS = [
    [],
    ["study"],
    ["practice"],
    ["stats"],
    ["import"],
    ["export"],
    ["validate"],
    ["progress", "import"],
    ["progress", "copy"],
    ["cards", "list"],
    ["cards", "suspend"],
    ["users", "add"],
    ["users", "delete"],
    ["backup", "restore"],
    ["goal"],
    ["sync"],
    ["scheduler", "use"],
    ["users", "rename"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "dlcards")
def test_help_names_values_as_people_read_them(home: Path, command: list[str]) -> None:
    text = run_cli(home, *command, "--help").stdout
    for machine in ("<str>", "<int range>", "<float range>", "<path>", "{file}", "{name}"):
        assert machine not in text
    # Typer 0.2x writes a required argument as {FILE}, which reads as a set of choices;
    # an argument left without a metavar shows its Python name ([folder], name).
    usage = text.splitlines()[0]
    assert "{" not in usage and "}" not in usage, usage
    assert not re.search(r"\[[a-z_]+\]|\b[a-z_]+$", usage.removeprefix("Usage: dlcards")), usage


def test_help_metavars(home: Path) -> None:
    assert "--deck DECK" in run_cli(home, "study", "--help").stdout
    assert "--limit N" in run_cli(home, "study", "--help").stdout
    assert "--user NAME" in run_cli(home, "--help").stdout
    assert "FILE" in run_cli(home, "import", "--help").stdout
    assert "-y, --yes" in run_cli(home, "users", "delete", "--help").stdout
    assert "Usage: dlcards import [OPTIONS] FILE\n" in run_cli(home, "import", "--help").stdout
    assert "users rename [OPTIONS] OLD NEW\n" in run_cli(home, "users", "rename", "--help").stdout
    assert "--date DATE" in run_cli(home, "goal", "--help").stdout
    assert "sync [OPTIONS] [DIR]\n" in run_cli(home, "sync", "--help").stdout


def test_validate_takes_a_folder_of_decks(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    write_deck(folder, "one", 2)
    write_deck(folder, "two", 1)
    result = run_cli(home, "validate", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 deck(s), 3 card(s)" in result.stdout
    (folder / "bad.toml").write_text('[deck]\nid = "bad"\n', "utf-8")
    assert run_cli(home, "validate", str(folder)).returncode == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run_cli(home, "validate", str(empty))
    assert refused.returncode == 1
    assert (
        refused.stderr == f"dlcards: {empty}: no .toml deck files in this folder — check the path\n"
    )
