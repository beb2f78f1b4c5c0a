"""The running review counts after an import that brings most of a profile's log
(issue 18): tallied from the one ordered read of the log that replays the states,
they must equal a recount of the log by hand — days and cards the profile already had
included (an imported undo may cancel one of them) — and when another process writes
between that read and the counts' writes, its grade must count once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dlcards.store import Store
from dlcards.store_merge import MERGE_FIELDS, LogMerge
from dlcards.store_scan_counts import ScanCounts

from .test_store_counts import recount_by_hand, stored_counts

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _row(n: int, card: str, kind: str, grade: int | None, cancels: str | None = None) -> tuple:
    moment = NOW - timedelta(days=30 - n)
    values: dict[str, object] = dict(
        id=str(uuid.UUID(int=1000 + n)),
        deck_id="d",
        card_id=card,
        ts=moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        study_day=moment.date().isoformat(),
        kind=kind,
        grade=grade,
        cancels=cancels,
    )
    return tuple(values.get(name) for name in MERGE_FIELDS)


def _had_one_review(store: Store) -> str:
    """The profile's own log: one passed review of c1, the card's first."""
    day = (NOW - timedelta(days=40)).date()
    return store.record("me", "d", "c1", "review", 4, NOW - timedelta(days=40), day).id


def _file(cancel: str) -> list[tuple]:
    """Another machine's rows: they undo our only review of c1, review c1 on a later day
    (failed: its first review now), re-drill it, review c2 twice, practise c3."""
    return [
        _row(1, "c1", "undo", None, cancels=cancel),
        _row(2, "c1", "review", 1),
        _row(3, "c1", "drill", 4),
        _row(4, "c2", "review", 5),
        _row(5, "c2", "review", 2),
        _row(6, "c3", "practice", 4),
    ]


def test_counts_tallied_from_the_imports_read_of_the_log_equal_a_recount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    first = _had_one_review(store)

    def no_recount(*args: Any) -> None:
        raise AssertionError("the counts should come from the import's read of the log")

    monkeypatch.setattr(LogMerge, "recount_merged", no_recount)
    store.merge_rows("me", _file(first), NOW)
    per_day, seen = stored_counts(store, "me")
    assert (per_day, seen) == recount_by_hand(store, "me")
    # Worked out from the rows above: our day of c1 is gone, c1's first review failed.
    our_day = (NOW - timedelta(days=40)).date().isoformat()
    assert all(day != our_day for day, _ in per_day)
    assert seen[("d", "c1")] == ((NOW - timedelta(days=28)).date().isoformat(), 0)
    assert seen[("d", "c2")] == ((NOW - timedelta(days=26)).date().isoformat(), 1)
    assert ("d", "c3") not in seen
    assert sum(r for r, _, _ in per_day.values()) == 3
    assert sum(d for _, _, d in per_day.values()) == 1
    store.close()


def test_a_grade_committed_while_the_counts_are_written_counts_once(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    store = Store.open(path)
    other = Store.open(path)  # another process's connection
    first = _had_one_review(store)
    day_keys = ScanCounts.day_keys
    graded: list[bool] = []

    def then_another_process_grades(self: ScanCounts) -> list[str]:
        # The states are written; the counts are next.
        graded.append(True)
        other.record("me", "d", "c4", "review", 5, NOW, date(2026, 3, 1))
        return day_keys(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ScanCounts, "day_keys", then_another_process_grades)
        store.merge_rows("me", _file(first), NOW)
    assert graded
    per_day, seen = stored_counts(store, "me")
    assert (per_day, seen) == recount_by_hand(store, "me")
    assert per_day[("2026-03-01", "d")] == (1, 1, 0)
    assert seen[("d", "c4")] == ("2026-03-01", 1)
    store.close()
    other.close()


def test_another_process_writes_in_every_gap_of_a_long_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two of the import's transactions the lock is free: another process grades
    a card there (each time, so the import's read of the log is always stale), and the
    states and counts still equal the log's."""
    from dlcards import store_merge, store_replay
    from dlcards.log import replay

    path = tmp_path / "progress.sqlite3"
    store = Store.open(path)
    other = Store.open(path)  # another process's connection
    first = _had_one_review(store)
    gaps: list[int] = []
    pause = store_replay.let_others_write

    def another_process_grades() -> None:
        gaps.append(len(gaps))
        day = date(2026, 3, 1)
        other.record("me", "d", f"g{len(gaps) % 3}", "review", len(gaps) % 6, NOW, day)
        pause()

    monkeypatch.setattr(store_replay, "let_others_write", another_process_grades)
    monkeypatch.setattr(store_merge, "let_others_write", another_process_grades)
    rows = [_row(1, "c1", "undo", None, cancels=first)]
    rows += [_row(2 + n % 25, f"c{n % 40}", "review", n % 6) for n in range(1200)]
    store.merge_rows(
        "me", [(str(uuid.UUID(int=5000 + n)), *r[1:]) for n, r in enumerate(rows)], NOW
    )
    assert len(gaps) >= 3  # rows, states and counts: each in more than one transaction
    log = store.rows("me")
    assert sum(r.card_id.startswith("g") for r in log) == len(gaps)
    assert store.states("me") == replay(log)
    assert stored_counts(store, "me") == recount_by_hand(store, "me")
    store.close()
    other.close()
