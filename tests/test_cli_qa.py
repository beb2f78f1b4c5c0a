"""The CLI findings of the new-user pass (docs/known-issues.md), each as a user meets it."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli, write_deck


def test_a_missing_deck_path_entry_names_where_it_came_from(home: Path, tmp_path: Path) -> None:
    """Issue 37: a bad DLCARDS_DECK_PATH entry was blamed on --deck-path."""
    write_deck(tmp_path / "decks", "mine")
    missing_env, missing_flag = tmp_path / "from-env", tmp_path / "from-flag"
    env_path = f"{tmp_path / 'decks'}:{missing_env}"
    result = run_cli(home, "--deck-path", str(missing_flag), "decks", DLCARDS_DECK_PATH=env_path)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"dlcards: {missing_env}: no such deck file or folder — check DLCARDS_DECK_PATH",
        f"dlcards: {missing_flag}: no such deck file or folder — check --deck-path",
    ]
    assert "mine" in result.stdout


def test_validate_shows_the_warnings_of_a_deck_that_also_has_errors(
    home: Path, tmp_path: Path
) -> None:
    """Issue 21: a deck with an error showed "0 warning(s)" and hid its missing-id warning."""
    deck = write_deck(
        tmp_path / "decks",
        "mixed",
        [
            """
            [[cards]]
            id = "pick"
            type = "choice"
            front = "Which?"
            choices = ["a", "b"]
            correct = [5]
            """,
            """
            [[cards]]
            front = "No id here?"
            back = "Yes."
            """,
        ],
    )
    result = run_cli(home, "validate", str(deck))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("card 'pick'" in line and "warning" not in line for line in lines)
    warnings = [line for line in lines if ": warning: " in line]
    assert len(warnings) == 1 and "no id" in warnings[0]
    assert lines[-1].endswith("1 error(s), 1 warning(s).")


def test_plain_stats_for_one_deck_says_which_deck(home: Path, tmp_path: Path) -> None:
    """Issue 28: `stats --deck X` printed the same line as the all-decks one."""
    decks = tmp_path / "decks"
    write_deck(decks, "one")
    write_deck(decks, "two")
    path = ("--deck-path", str(decks))
    everything = run_cli(home, *path, "stats").stdout
    one = run_cli(home, *path, "stats", "--deck", "one").stdout
    both = run_cli(home, *path, "stats", "--deck", "one", "--deck", "two").stdout
    assert everything.startswith("Profile ") and "deck" not in everything.split(":")[0]
    assert one.split(":")[0].endswith(", deck one")
    assert both.split(":")[0].endswith(", decks one, two")


def test_deleting_the_profile_in_use_is_refused_and_nothing_comes_back(
    home: Path, tmp_path: Path
) -> None:
    """Issue 23: deleting config.toml's profile "worked", and the next command listed it again."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "iv").parent))
    home.mkdir(parents=True)
    (home / "config.toml").write_text('user = "ann"\n', "utf-8")
    run_cli(home, *decks, "study", "--deck", "iv", input="\n4\nq\n")
    refused = run_cli(home, *decks, "users", "delete", "ann", "--yes")
    assert (refused.returncode, refused.stderr) == (
        1,
        "dlcards: profile 'ann' is the one in use, so any command would open it again at once"
        " — to delete it, use another: dlcards --user OTHER users delete ann\n",
    )
    assert run_cli(home, *decks, "users").stdout.startswith("* ann  (1 review,")
    # From another profile it goes, and config.toml follows, so it does not come back empty.
    deleted = run_cli(home, *decks, "--user", "bob", "users", "delete", "ann", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.startswith("Deleted profile ann and its 1 review. ")
    assert 'config.toml now has user = "bob"' in deleted.stdout
    listed = run_cli(home, *decks, "users").stdout
    assert "ann" not in listed and listed.startswith("* bob")


def test_the_delete_question_and_its_result_count_the_same_thing(
    home: Path, tmp_path: Path
) -> None:
    """Issue 23: the question spoke of "its 0 reviews", the result of "(0 log rows)"."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "iv").parent))
    # Two grades and an undo: three log rows, one review that counts.
    run_cli(home, *decks, "--user", "ann", "study", "--deck", "iv", input="\n4\nu\n\n5\nq\n")
    asked = run_cli(home, *decks, "--user", "bob", "users", "delete", "ann", input="n\n")
    assert "Delete profile 'ann' and its 1 review?" in asked.stdout
    done = run_cli(home, *decks, "--user", "bob", "users", "delete", "ann", input="y\n")
    assert "Deleted profile ann and its 1 review." in done.stdout
    assert "log rows" not in asked.stdout + done.stdout


def test_export_to_a_folder_says_it_is_a_folder(home: Path, tmp_path: Path) -> None:
    """Issue 39: `export -o FOLDER` blamed the extension of the folder's name."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "mine").parent))
    folder = tmp_path / "ex"
    folder.mkdir()
    result = run_cli(home, *decks, "export", "mine", "-o", str(folder))
    assert (result.returncode, result.stderr) == (
        1,
        f"dlcards: {folder} is a folder — give a file name in it, e.g. {folder / 'mine.toml'}\n",
    )
    assert list(folder.iterdir()) == []


def test_import_refuses_a_deck_name_that_deck_discovery_never_loads(
    home: Path, tmp_path: Path
) -> None:
    """Issue 39: `import … -o out.txt` wrote a TOML deck that no *.toml search finds."""
    source = tmp_path / "cards.csv"
    source.write_text("front,back\nNew?,Yes\n", "utf-8")
    out = tmp_path / "out.txt"
    result = run_cli(home, "import", str(source), "-o", str(out))
    assert (result.returncode, result.stderr) == (
        1,
        f"dlcards: {out}: a deck not named .toml is never loaded — name it out.toml\n",
    )
    assert not out.exists()
    written = run_cli(home, "import", str(source), "-o", str(tmp_path / "out.toml"))
    assert written.returncode == 0, written.stderr


def test_export_refuses_a_format_its_file_name_contradicts(home: Path, tmp_path: Path) -> None:
    """Issue 40: `-o weird.toml --format apkg` wrote an Anki package under a .toml name."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "mine").parent))
    out = tmp_path / "weird.toml"
    result = run_cli(home, *decks, "export", "mine", "-o", str(out), "--format", "apkg")
    assert (result.returncode, result.stderr) == (
        1,
        "dlcards: --format apkg writes an Anki package, but weird.toml is named as a TOML "
        "deck — name it weird.apkg\n",
    )
    assert not out.exists()
    # A name that says nothing else, or another Anki text name, is still the user's choice.
    for name, fmt in (("deck.txt", "csv"), ("deck.csv", "tsv"), ("deck.apkg", "apkg")):
        done = run_cli(home, *decks, "export", "mine", "-o", str(tmp_path / name), "--format", fmt)
        assert done.returncode == 0, (name, done.stderr)
