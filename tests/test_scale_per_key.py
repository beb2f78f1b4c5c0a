"""A key press costs the same at 3,000 cards as at 300 (issue 18), proved without a clock.

Grading a card and showing the next one is counted in SQL statements and in SQLite
virtual-machine steps (a progress handler called on every VM instruction): a query
that scans the log or the state table takes more steps the bigger they are, an
index lookup takes the same number. Both counts must be equal for a collection of
300 cards and one of 3,000, each with a log of three reviews per reviewed card.
Ten times the cards is enough: a scan's steps grow with every row, so any scan
shows as a difference (reading a card's state without its index took 23,152 steps
for the eight presses at 300 cards and 216,202 at 3,000, against 1,676 for both
with it); 30,000 cards only made the test ten times slower.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlcards.collection import load_collection
from dlcards.config import Settings
from dlcards.fsrs_scheduler import FsrsScheduler
from dlcards.log import format_ts
from dlcards.store import Store
from dlcards.study.session import StudySession

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PROFILE = "ann"
GRADES = 8  # key presses counted per collection


def write_big_deck(path: Path, cards: int) -> None:
    parts = ['[deck]\nid = "big"\nname = "Big"\n']
    for i in range(cards):
        parts.append(
            f'\n[[cards]]\nid = "c{i:06d}"\nfront = "Question {i}?"\nback = "Answer {i}."\n'
        )
    path.write_text("".join(parts), "utf-8")


def write_history(store: Store, cards: int) -> None:
    """Every other card reviewed three times (grade 4) long ago, so it is due today."""
    rows = []
    for i in range(0, cards, 2):
        for n, days_ago in enumerate((200, 190, 180)):
            moment = NOW - timedelta(days=days_ago, microseconds=cards - i)
            rows.append(
                (
                    str(uuid.UUID(int=i * 4 + n + 1)),
                    PROFILE,
                    "big",
                    f"c{i:06d}",
                    format_ts(moment),
                    moment.date().isoformat(),
                    "review",
                    4,
                    5000,
                )
            )
    with store.transaction() as conn:
        store.ensure_profile(PROFILE, NOW)
        conn.executemany(
            "INSERT INTO reviews (id, profile, deck_id, card_id, ts, study_day, kind, grade, "
            "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    store.rebuild_states(PROFILE)


@dataclass
class Cost:
    statements: int
    vm_steps: int
    kinds: list[str]  # what was graded: "review" or "new", in order


def cost_of_grades(tmp_path: Path, cards: int, scheduler: str = "sm2") -> Cost:
    folder = tmp_path / f"decks{cards}"
    folder.mkdir()
    write_big_deck(folder / "big.toml", cards)
    collection = load_collection(None, [folder])
    store = Store.open(tmp_path / f"progress{cards}.sqlite3")
    if scheduler == "fsrs":  # its states are replayed from the card's own log rows
        fsrs = FsrsScheduler()
        store.use_schedulers(lambda profile: fsrs)
    write_history(store, cards)
    session = StudySession(
        store,
        collection,
        PROFILE,
        Settings(new_per_day=4, reviews_per_day=4),
        clock=lambda: NOW,
    )
    item = session.next_card()
    statements: list[str] = []
    steps = [0]

    def count_step() -> int:
        steps[0] += 1
        return 0  # 0: carry on

    kinds = []
    store.conn.set_trace_callback(statements.append)
    store.conn.set_progress_handler(count_step, 1)
    try:
        for _ in range(GRADES):  # four due cards, then four new ones: both paths
            assert item is not None
            kinds.append("new" if item.is_new else "review")
            session.grade(item, 4)
            item = session.next_card()
    finally:
        store.conn.set_progress_handler(None, 1)
        store.conn.set_trace_callback(None)
        store.close()
    return Cost(len(statements), steps[0], kinds)


@pytest.mark.parametrize("scheduler", ["sm2", "fsrs"])
def test_grading_costs_the_same_at_3000_cards_as_at_300(tmp_path: Path, scheduler: str) -> None:
    small = cost_of_grades(tmp_path, 300, scheduler)
    big = cost_of_grades(tmp_path, 3_000, scheduler)
    # The walk is the same in both: due cards first, then new ones.
    assert small.kinds == big.kinds == ["review"] * 4 + ["new"] * 4
    assert small.statements == big.statements
    assert small.vm_steps == big.vm_steps
    # A sanity bound that a scan of 3,000 rows would break many times over.
    assert big.vm_steps < 30_000
