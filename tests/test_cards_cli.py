"""``dlcards cards`` and ``dlcards users`` through real subprocesses."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dlcards.log import replay_log
from dlcards.store import Store

from .conftest import run_cli, write_deck

NOW = "2026-03-02T09:00:00+00:00"
CARDS = [
    """
    [[cards]]
    id = "cv"
    front = "What goes on a **Résumé** for an ML role?"
    back = "Projects, papers, and the systems you shipped."
    tags = ["career"]
    """,
    """
    [[cards]]
    id = "relu"
    front = "What does ReLU compute?"
    back = "max(0, x); its derivative is 0 or 1 (naïve at 0)."
    tags = ["activations"]
    """,
    """
    [[cards]]
    id = "pick"
    type = "choice"
    front = "Which are optimizers?"
    choices = ["Adam", "Dropout", "SGD"]
    correct = [0, 2]
    tags = ["optimizers"]
    """,
    """
    [[cards]]
    id = "pool"
    type = "compute"
    problem = "pool2d"
    tags = ["cnn"]
    """,
]


@pytest.fixture
def deck(tmp_path: Path) -> list[str]:
    path = write_deck(tmp_path / "decks", "iv", CARDS, name="Interview", tags=["dl"])
    return ["--deck-path", str(path)]


def cli(home: Path, deck: list[str], *args: str, **kwargs):  # noqa: ANN201
    return run_cli(home, *deck, *args, now=kwargs.pop("now", NOW), **kwargs)


def listing(home: Path, deck: list[str], *args: str) -> list[dict]:
    result = cli(home, deck, "cards", "list", "--deck", "iv", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def store_of(home: Path) -> tuple[Store, str]:
    """The home's store and the profile in use (stored only with its first grade:
    reading never writes, so it is asked, not listed)."""
    profile = json.loads(run_cli(home, "stats", "--json", now=NOW).stdout)["user"]
    return Store.open(home / "progress.sqlite3"), profile


# --- cards list -----------------------------------------------------------------------


def test_list_json_shape(home: Path, deck: list[str]) -> None:
    cli(home, deck, "study", "--deck", "iv", input="\n4\nq\n")  # cv reviewed once, graded 4
    cards = listing(home, deck)
    assert [c["card"] for c in cards] == ["cv", "relu", "pick", "pool"]
    assert cards[0] == {
        "deck": "iv",
        "card": "cv",
        "type": "basic",
        "tags": ["dl", "career"],
        "front": "What goes on a **Résumé** for an ML role?",
        "state": "learning",
        "suspended": False,
        "leech": False,
        "ef": 2.5,
        "interval": 1,
        "due": "2026-03-03",
        "lapses": 0,
        "reviews": 1,
    }
    assert cards[3] == {
        "deck": "iv",
        "card": "pool",
        "type": "compute",
        "tags": ["dl", "cnn"],
        "front": "",
        "state": "new",
        "suspended": False,
        "leech": False,
        "ef": None,
        "interval": None,
        "due": None,
        "lapses": 0,
        "reviews": 0,
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("resume", ["cv"]),  # case and accents ignored, on both sides
        ("RÉSUMÉ", ["cv"]),
        ("naive", ["relu"]),  # found in the back
        ("adam", ["pick"]),  # a choice's option
        ("pool2d", ["pool"]),  # a compute card's problem
        ('"ml role"', ["cv"]),  # a phrase
        ("what compute", ["relu"]),  # every word must be there, anywhere
        ("what optimizers compute", []),
        ("nothing-like-this", []),
    ],
)
def test_search_by_text(home: Path, deck: list[str], query: str, expected: list[str]) -> None:
    assert [c["card"] for c in listing(home, deck, "--query", query)] == expected


def test_search_by_tag_and_state(home: Path, deck: list[str]) -> None:
    cli(home, deck, "study", "--deck", "iv", input="\n4\n\n1\nq\n")  # cv 4, relu 1
    cli(home, deck, "cards", "suspend", "iv:pick")
    assert [c["card"] for c in listing(home, deck, "--tag", "activations")] == ["relu"]
    assert [c["card"] for c in listing(home, deck, "--tag", "dl", "--tag", "cnn")] == ["pool"]
    assert [c["card"] for c in listing(home, deck, "--state", "new")] == ["pick", "pool"]
    assert [c["card"] for c in listing(home, deck, "--state", "learning")] == ["cv", "relu"]
    assert [c["card"] for c in listing(home, deck, "--state", "suspended")] == ["pick"]
    assert listing(home, deck, "--state", "mature") == []
    assert [c["card"] for c in listing(home, deck, "--query", "what", "--state", "new")] == []


def test_list_text_table(home: Path, deck: list[str]) -> None:
    result = cli(home, deck, "cards", "list", "--deck", "iv", "--query", "relu")
    assert result.returncode == 0
    header, line = result.stdout.splitlines()
    assert header.split() == ["card", "state", "ef", "ivl", "due", "lapses", "tags", "front"]
    assert line.split()[:3] == ["iv:relu", "new", "—"]


def test_bad_state_is_a_usage_error(home: Path, deck: list[str]) -> None:
    result = cli(home, deck, "cards", "list", "--state", "sleepy")
    assert result.returncode == 2 and "Traceback" not in result.stderr


# --- suspend, unsuspend, reset -----------------------------------------------------------


def test_suspend_unsuspend_reset_through_the_cli(home: Path, deck: list[str]) -> None:
    study = cli(home, deck, "study", "--deck", "iv", input="\n5\n\n1\n\n4\nq\n")
    assert study.returncode == 0, study.stderr
    result = cli(home, deck, "cards", "suspend", "iv:cv", "iv:pool")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Suspended iv:cv", "Suspended iv:pool"]
    assert cli(home, deck, "cards", "suspend", "iv:cv").stdout == "Already suspended: iv:cv\n"
    # A suspended card is never studied: tomorrow cv is due, but only relu and pick show.
    tomorrow = cli(
        home, deck, "study", "--deck", "iv", input="q\n", now="2026-03-03T09:00:00+00:00"
    )
    assert "What goes on a" not in tomorrow.stdout
    assert (
        cli(home, deck, "practice", "--deck", "iv", "--plain", input="q\n").stdout.count("Résumé")
        == 0
    )
    assert cli(home, deck, "cards", "unsuspend", "iv:cv").stdout == "Unsuspended iv:cv\n"
    result = cli(home, deck, "cards", "reset", "iv:relu", "iv:pool")
    assert result.stdout.splitlines() == ["Reset iv:relu: new again", "Already new: iv:pool"]
    cards = {c["card"]: c for c in listing(home, deck)}
    assert cards["relu"]["state"] == "new" and cards["relu"]["lapses"] == 0
    assert cards["cv"]["suspended"] is False and cards["pool"]["suspended"] is True
    store, profile = store_of(home)
    kinds = [r.kind for r in store.rows(profile)]
    assert kinds.count("suspend") == 2 and kinds.count("unsuspend") == 1
    assert kinds.count("reset") == 1
    replayed = replay_log(store.rows(profile))
    assert replayed.states == store.states(profile)
    assert replayed.suspended == store.suspended(profile)
    store.rebuild_states(profile)
    assert replayed.states == store.states(profile)


@pytest.mark.parametrize(
    "key, message",
    [
        (
            "nope:card",
            "dlcards: no card 'nope:card' in the loaded decks — find its DECK:CARD "
            "with 'dlcards cards list --query WORDS'\n",
        ),
        (
            "iv:nope",
            "dlcards: no card 'iv:nope' in the loaded decks — find its DECK:CARD "
            "with 'dlcards cards list --query WORDS'\n",
        ),
        ("relu", "dlcards: 'relu' is not DECK:CARD — write the deck id, ':', the card id\n"),
    ],
)
@pytest.mark.parametrize("command", ["suspend", "unsuspend", "reset"])
def test_bad_cards_are_one_line_and_change_nothing(
    home: Path, deck: list[str], key: str, message: str, command: str
) -> None:
    result = cli(home, deck, "cards", command, "iv:cv", key)
    assert (result.returncode, result.stderr, result.stdout) == (1, message, "")
    store = Store.open(home / "progress.sqlite3")
    # the good card before it was not changed either
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_a_leech_shows_in_the_list(home: Path, deck: list[str]) -> None:
    cli(home, deck, "cards", "list")  # creates the database and the profile
    store, profile = store_of(home)
    from datetime import date, datetime, timedelta

    for day in range(8):
        moment = datetime(2026, 2, 1, 9) + timedelta(days=day)
        store.record(
            profile,
            "iv",
            "relu",
            "review",
            1,
            moment.astimezone(),
            date(2026, 2, 1) + timedelta(days=day),
        )
    store.close()
    assert [c["card"] for c in listing(home, deck, "--state", "leech")] == ["relu"]
    text = cli(home, deck, "cards", "list", "--deck", "iv", "--state", "leech").stdout
    assert "learning,leech" in text
    (home / "config.toml").write_text("leech_threshold = 9\n", "utf-8")
    assert listing(home, deck, "--state", "leech") == []


# --- users ------------------------------------------------------------------------------


def rows_of(path: Path, profile: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT count(*) FROM reviews WHERE profile = ?", (profile,)
        ).fetchone()[0]
    finally:
        conn.close()


def test_users_bare_lists_and_add_creates(home: Path, deck: list[str]) -> None:
    cli(home, deck, "--user", "ann", "study", "--deck", "iv", input="\n4\nq\n")
    assert cli(home, deck, "users", "add", "bob").returncode == 0
    assert cli(home, deck, "--user", "bob", "users", "add", "zed").returncode == 0
    listed = cli(home, deck, "--user", "ann", "users").stdout.splitlines()
    assert listed[0] == "* ann  (1 review, last studied 2026-03-02)"
    assert [line.split()[0] for line in listed[1:]] == ["bob", "zed"]
    again = cli(home, deck, "users", "add", "zed")
    assert (again.returncode, again.stderr) == (
        1,
        "dlcards: profile 'zed' already exists — choose another name\n",
    )


def test_rename_keeps_the_progress(home: Path, deck: list[str]) -> None:
    cli(home, deck, "--user", "ann", "study", "--deck", "iv", input="\n5\n\n1\nq\n")
    cli(home, deck, "--user", "ann", "cards", "suspend", "iv:pick")
    before = json.loads(cli(home, deck, "--user", "ann", "cards", "list", "--json").stdout)
    store, _ = store_of(home)
    rows = [(r.id, r.kind, r.grade) for r in store.rows("ann")]
    store.close()
    cli(home, deck, "users", "add", "bob")
    result = cli(home, deck, "users", "rename", "ann", "anna")
    assert (result.returncode, result.stdout) == (0, "Renamed profile ann to anna.\n")
    after = json.loads(cli(home, deck, "--user", "anna", "cards", "list", "--json").stdout)
    assert after == before
    store, _ = store_of(home)
    assert [(r.id, r.kind, r.grade) for r in store.rows("anna")] == rows
    assert store.rows("ann") == []
    refused = cli(home, deck, "users", "rename", "anna", "bob")
    assert (refused.returncode, refused.stderr) == (
        1,
        "dlcards: profile 'bob' already exists — choose another name\n",
    )
    missing = cli(home, deck, "users", "rename", "nobody", "x")
    assert missing.stderr == "dlcards: no profile 'nobody' — run 'dlcards users' to list them\n"
    bad = cli(home, deck, "users", "rename", "anna", "Bad Name")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "invalid profile" in bad.stderr


def test_renaming_the_config_profile_follows_in_config(home: Path, deck: list[str]) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text('user = "ann"\nnew_per_day = 5\n', "utf-8")
    cli(home, deck, "study", "--deck", "iv", input="\n4\nq\n")
    result = cli(home, deck, "users", "rename", "ann", "anna")
    assert "config.toml" in result.stdout
    assert cli(home, deck, "users").stdout.splitlines()[0].startswith("* anna  (1 review,")
    assert "new_per_day = 5" in (home / "config.toml").read_text("utf-8")


def test_delete_takes_a_backup_first(home: Path, deck: list[str]) -> None:
    cli(home, deck, "--user", "ann", "study", "--deck", "iv", input="\n4\n\n2\nq\n")
    assert rows_of(home / "progress.sqlite3", "ann") == 2
    cli(home, deck, "users", "add", "bob")
    refused = cli(home, deck, "--user", "bob", "users", "delete", "ann")  # no answer: no
    assert refused.returncode == 1
    assert refused.stderr.endswith(
        "dlcards: profile 'ann' was not deleted — answer y to delete it, or pass --yes\n"
    )
    assert rows_of(home / "progress.sqlite3", "ann") == 2
    result = cli(home, deck, "--user", "bob", "users", "delete", "ann", input="y\n")
    assert result.returncode == 0, result.stderr
    assert rows_of(home / "progress.sqlite3", "ann") == 0
    saved = result.stdout.split("saved first: ")[1].strip()
    assert Path(saved).parent == home / "backups"
    assert rows_of(Path(saved), "ann") == 2  # the backup holds the deleted profile's rows
    assert "ann" not in cli(home, deck, "--user", "bob", "users").stdout
    listed = cli(home, deck, "backup", "list")
    assert Path(saved).name in listed.stdout  # restorable with 'dlcards backup restore'


def test_delete_with_yes_and_of_an_unknown_profile(home: Path, deck: list[str]) -> None:
    cli(home, deck, "--user", "ann", "users", "add", "zed")
    assert cli(home, deck, "users", "delete", "zed", "--yes").returncode == 0
    missing = cli(home, deck, "users", "delete", "zed", "--yes")
    assert missing.stderr == "dlcards: no profile 'zed' — run 'dlcards users' to list them\n"


def test_users_delete_takes_y_as_backup_restore_does(home: Path, deck: list[str]) -> None:
    cli(home, deck, "users", "add", "zed")
    result = cli(home, deck, "users", "delete", "zed", "-y")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Deleted profile zed")


def test_cards_list_query_reads_filters_as_the_browser_does(home: Path, tmp_path: Path) -> None:
    """New-user pass: `--query 'tag:x'` or `is:new` listed nothing (read as words)."""
    deck = write_deck(
        tmp_path / "decks",
        "t",
        [
            '[[cards]]\nid = "a"\nfront = "Alpha?"\nback = "A."\ntags = ["greek"]',
            '[[cards]]\nid = "b"\nfront = "Beta?"\nback = "B."',
        ],
    )
    result = run_cli(home, "--deck-path", str(deck), "cards", "list", "--query", "tag:greek is:new")
    assert result.returncode == 0, result.stderr
    assert "t:a" in result.stdout.replace(" ", "") or " a " in result.stdout
    assert "Beta" not in result.stdout and "No cards match" not in result.stderr
    none = run_cli(home, "--deck-path", str(deck), "cards", "list", "--query", "is:mature")
    assert "No cards match" in none.stderr


def test_a_home_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    """New-user pass: `--home FILE` gave "unexpected error: [Errno 17] File exists"."""
    afile = tmp_path / "afile"
    afile.write_text("", "utf-8")
    result = run_cli(tmp_path / "unused", "--home", str(afile), "decks")
    assert result.returncode == 1
    assert "is a file, not a folder" in result.stderr and "unexpected" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
