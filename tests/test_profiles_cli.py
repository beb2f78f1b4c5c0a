"""`--user` never creates a profile by a typo; `progress copy` between profiles (issue 13 #7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dlcards.cli.state
from dlcards.log import replay
from dlcards.store import Store

from .conftest import run_cli, write_deck

NOW = "2026-03-01T10:00:00+00:00"


@pytest.fixture
def studied(home: Path, tmp_path: Path) -> list[str]:
    """ann graded two cards (4, then 1 and its re-drill 4) and undid nothing."""
    deck = ["--deck-path", str(write_deck(tmp_path / "decks", "p", 2))]
    result = run_cli(
        home, "--user", "ann", *deck, "study", "--deck", "p", input="\n4\n\n1\n\n4\nq\n", now=NOW
    )
    assert result.returncode == 0, result.stderr
    return deck


def test_a_mistyped_user_is_refused_off_a_terminal(home: Path, studied: list[str]) -> None:
    result = run_cli(home, "--user", "amn", "stats", "--json", now=NOW)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "dlcards: no profile 'amn' (profiles here: ann) — check the spelling, "
        "or create it with 'dlcards users add amn'\n"
    )
    store = Store.open(home / "progress.sqlite3")
    assert [p for p, _, _ in store.profiles()] == ["ann"]  # nothing created
    assert run_cli(home, "users", "add", "amn", now=NOW).returncode == 0
    assert run_cli(home, "--user", "amn", "stats", "--json", now=NOW).returncode == 0


@pytest.mark.parametrize(("answer", "created"), [("y\n", True), ("\n", False)])
def test_a_new_user_on_a_terminal_is_asked_first(
    home: Path, studied: list[str], monkeypatch: pytest.MonkeyPatch, answer: str, created: bool
) -> None:
    monkeypatch.setattr(dlcards.cli.state, "on_terminal", lambda: True)
    result = run_cli(home, "--user", "bob", "users", input=answer, now=NOW)
    assert "No profile 'bob' here (profiles: ann). Create it? [y/N]" in result.stdout
    assert result.returncode == (0 if created else 1)
    store = Store.open(home / "progress.sqlite3")
    assert store.has_profile("bob") is created


def test_progress_copy_gives_another_profile_the_same_history(
    home: Path, studied: list[str]
) -> None:
    result = run_cli(home, "progress", "copy", "ann", "anna", now=NOW)
    assert result.returncode == 0, result.stderr
    store = Store.open(home / "progress.sqlite3")
    ann, anna = store.rows("ann"), store.rows("anna")
    assert len(anna) == len(ann) == 3
    assert result.stdout.startswith("Copied 3 row(s) of profile 'ann' to 'anna'")
    assert not {r.id for r in ann} & {r.id for r in anna}  # fresh ids: unique in the database
    assert [(r.card_id, r.kind, r.grade) for r in anna] == [
        (r.card_id, r.kind, r.grade) for r in ann
    ]
    assert replay(anna) == replay(ann)
    assert store.states("anna") == store.states("ann")
    stats = {
        user: json.loads(run_cli(home, "--user", user, *studied, "stats", "--json", now=NOW).stdout)
        for user in ("ann", "anna")
    }
    assert stats["ann"]["reviews_total"] == stats["anna"]["reviews_total"] == 2


def test_progress_copy_keeps_undos_on_their_copied_grades(home: Path, tmp_path: Path) -> None:
    deck = ["--deck-path", str(write_deck(tmp_path / "decks", "p", 2))]
    # grade c1 4, undo it, grade it 5
    run_cli(home, "--user", "ann", *deck, "study", "--deck", "p", input="\n4\nu\n\n5\nq\n", now=NOW)
    assert run_cli(home, "progress", "copy", "ann", "bo", now=NOW).returncode == 0
    store = Store.open(home / "progress.sqlite3")
    rows = store.rows("bo")
    assert [r.kind for r in rows] == ["review", "undo", "review"]
    assert rows[1].cancels == rows[0].id
    assert store.states("bo") == store.states("ann")


def test_progress_copy_refuses_a_profile_with_progress(home: Path, studied: list[str]) -> None:
    run_cli(home, "progress", "copy", "ann", "anna", now=NOW)
    again = run_cli(home, "progress", "copy", "ann", "anna", now=NOW)
    assert again.returncode == 1
    assert again.stderr.startswith("dlcards: profile 'anna' already has progress — ")
    missing = run_cli(home, "progress", "copy", "nobody", "x", now=NOW)
    assert missing.stderr == "dlcards: no profile 'nobody' — run 'dlcards users' to list them\n"
