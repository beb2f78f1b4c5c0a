"""Undo on a compute card brings back the very problem it showed, never a new draw (issue 13 #2)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from dlcards.collection import load_collection
from dlcards.config import Settings
from dlcards.store import Store
from dlcards.study.practice import PracticeOptions, PracticeSession
from dlcards.study.session import StudySession

from .conftest import run_cli, write_deck

T0 = datetime.fromisoformat("2026-03-01T09:00:00+00:00")

# Random vectors: two draws are never the same problem.
SOFTMAX = """
    [[cards]]
    id = "soft"
    type = "compute"
    problem = "softmax"
    """


@pytest.fixture
def world(tmp_path: Path) -> tuple[Store, object]:
    write_deck(tmp_path / "decks", "calc", [SOFTMAX])
    collection = load_collection(None, [tmp_path / "decks"])
    return Store.open(tmp_path / "progress.sqlite3"), collection


def test_undoing_a_study_grade_shows_the_same_instance(world) -> None:
    store, collection = world
    session = StudySession(
        store,
        collection,
        "ann",
        Settings(),
        clock=lambda: T0,
        rng=np.random.default_rng(1),
        deck_ids=["calc"],
    )
    first = session.next_card()
    assert first is not None and first.instance is not None
    session.grade(first, 1, answer="0.5")
    redrill = session.next_card()  # a failed card is re-drilled: a fresh draw is fine there
    assert redrill is not None and redrill.instance != first.instance
    back = session.undo()
    assert back is not None and back.instance == first.instance
    assert session.next_card() is back
    session.grade(back, 4)
    rows = [r for r in store.rows("ann") if r.kind == "review"]
    assert rows[0].instance == rows[-1].instance == first.instance.to_json()


def test_undoing_a_practice_grade_or_skip_shows_the_same_instance(world) -> None:
    store, collection = world
    session = PracticeSession(
        store,
        collection,
        "ann",
        Settings(),
        clock=lambda: T0,
        rng=np.random.default_rng(2),
        options=PracticeOptions(deck_ids=("calc",), compute_only=True),
    )
    first = session.next_card()
    session.grade(first, 0)
    assert session.next_card().instance != first.instance
    assert session.undo().instance == first.instance
    shown = session.next_card()
    session.skip(shown)
    assert session.undo().instance == shown.instance


def test_plain_mode_undo_shows_the_same_problem(home: Path, tmp_path: Path) -> None:
    path = write_deck(tmp_path / "decks", "calc", [SOFTMAX])
    # Don't know (grade 1) → the re-drill comes → u → the undone card again → answer, grade 4.
    result = run_cli(
        home,
        "--deck-path",
        str(path),
        "study",
        "--deck",
        "calc",
        "--plain",
        input="\n\nu\n\n4\nq\n",
        now="2026-03-01T10:00:00+00:00",
    )
    assert result.returncode == 0, result.stderr
    assert "Undid the last grade (soft); here it is again." in result.stdout
    store = Store.open(home / "progress.sqlite3")
    rows = store.rows(store.profiles()[0][0])
    assert [r.kind for r in rows] == ["review", "undo", "review"]
    assert json.loads(rows[0].instance) == json.loads(rows[2].instance)
