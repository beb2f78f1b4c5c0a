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
