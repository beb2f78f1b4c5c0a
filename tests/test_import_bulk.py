"""The bulk paths of ``progress import`` (issue 18): the file is read once and what is
written is what was checked; the cached states equal a replay of the merged log,
whichever way the import replays them (from one read of the whole log when the import
brought most of it, card by card otherwise, and card by card again when another
process wrote between that read and the states' writes: its grade must count)."""

from __future__ import annotations

import errno
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlcards import store_counts
from dlcards.errors import UserError
from dlcards.interchange import progress as progress_module
from dlcards.interchange.progress import export_progress, import_progress
from dlcards.log import CardState, format_ts, replay
from dlcards.store import Store
from dlcards.store_merge import MERGE_FIELDS
from dlcards.store_replay import HOLD_TARGET, MAX_BATCH, LogReplay, next_size

from .test_store_counts import recount_by_hand, stored_counts

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _rows(count: int, first: int = 0) -> list[tuple[object, ...]]:
    """``count`` graded rows over 7 cards, one undo in ten cancelling the row before it."""
    start = NOW - timedelta(days=300)
    rows: list[tuple[object, ...]] = []
    for n in range(first, first + count):
        moment = start + timedelta(hours=n)
        values: dict[str, object] = dict(
            id=str(uuid.UUID(int=n + 1)),
            deck_id="d",
            card_id=f"c{n % 7}",
            ts=format_ts(moment),
            study_day=moment.date().isoformat(),
            kind="review",
            grade=n % 6,
        )
        if n % 10 == 9:
            values.update(kind="undo", grade=None, cancels=str(uuid.UUID(int=n)))
            values["card_id"] = f"c{(n - 1) % 7}"
        rows.append(tuple(values.get(name) for name in MERGE_FIELDS))
    return rows


@pytest.mark.parametrize("had", [0, 300], ids=["new profile", "long log"])
def test_states_after_an_import_are_the_replay_of_the_log(tmp_path: Path, had: int) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    store.merge_rows("me", _rows(had), NOW)
    store.merge_rows("me", _rows(100, first=had), NOW)
    assert store.states("me") == replay(store.rows("me")) != {}
    store.close()


def test_a_grade_committed_after_the_log_was_read_is_in_the_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.sqlite3"
    store = Store.open(path)
    other = Store.open(path)  # another process's connection
    read_log = LogReplay._profile_states

    def then_another_process_grades(
        self: LogReplay, profile: str, *tally: Any
    ) -> dict[tuple[str, str], CardState]:
        states = read_log(self, profile, *tally)
        if self is store:  # between the import's read of the log and its writes
            other.record("me", "d", "c3", "review", 1, NOW, NOW.date())
        return states

    monkeypatch.setattr(LogReplay, "_profile_states", then_another_process_grades)
    store.merge_rows("me", _rows(200), NOW)
    rows = store.rows("me")
    assert rows[-1].card_id == "c3" and rows[-1].grade == 1  # the other process's grade
    assert store.states("me") == replay(rows)
    assert store.states("me")[("d", "c3")].sm2.interval == 1  # a lapse: due tomorrow
    # The running counts too: the grade counted once, whatever the import tallied.
    assert stored_counts(store, "me") == recount_by_hand(store, "me")
    store.close()
    other.close()


def test_reading_what_the_imported_undo_rows_cancel_leaves_the_write_lock_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Looking up the rows an import's undo rows cancel (a second under the lock for a
    100,000-row import) only reads: another process can write meanwhile."""
    path = tmp_path / "progress.sqlite3"
    store = Store.open(path)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    read_cancelled = store_counts.with_cancelled
    could_write: list[bool] = []

    def while_another_process_writes(
        conn: sqlite3.Connection, profile: str, touched: store_counts.Touched
    ) -> store_counts.Touched:
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            could_write.append(True)
        except sqlite3.OperationalError:  # database is locked
            could_write.append(False)
        return read_cancelled(conn, profile, touched)

    # A profile with a longer log: the import's rows are recounted by day and card
    # (one that brings most of the log counts them from its read of the whole log).
    store.merge_rows("me", _rows(300), NOW)
    monkeypatch.setattr(store_counts, "with_cancelled", while_another_process_writes)
    store.merge_rows("me", _rows(100, first=300), NOW)
    assert could_write == [True]
    assert store.states("me") == replay(store.rows("me"))
    other.close()
    store.close()


@given(
    per_row=st.floats(min_value=1e-7, max_value=1e-2),
    smallest=st.sampled_from([1, 200, 500]),
)
def test_batches_settle_where_one_holds_the_lock_under_the_target(
    per_row: float, smallest: int
) -> None:
    """With a batch's time proportional to its rows, the sizes settle where a batch
    holds the lock between half of HOLD_TARGET and HOLD_TARGET, unless the floor or
    the cap is reached first."""
    size = 500
    for _ in range(40):
        size = next_size(size, size * per_row, smallest)
        assert smallest <= size <= MAX_BATCH
    held = size * per_row
    assert held <= HOLD_TARGET or size == smallest
    assert held >= HOLD_TARGET / 2 * 0.99 or size == MAX_BATCH


def test_the_rows_written_are_the_rows_checked_even_if_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Store.open(None)
    source.merge_rows("me", _rows(50), NOW)
    exported = tmp_path / "me.jsonl"
    export_progress(source, "me", exported)
    stage = progress_module._stage

    def then_the_file_changes(*args: object, **kwargs: object) -> int:
        total = stage(*args, **kwargs)  # type: ignore[arg-type]
        exported.write_text("not a progress file\n", "utf-8")  # e.g. a sync tool's rewrite
        return total

    monkeypatch.setattr(progress_module, "_stage", then_the_file_changes)
    target = Store.open(tmp_path / "progress.sqlite3")
    assert import_progress(target, "me", exported, NOW).added == 50
    assert target.rows("me") == source.rows("me")
    assert target.states("me") == source.states("me") == replay(source.rows("me"))
    target.close()


def test_no_room_for_the_checked_rows_is_one_line_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Store.open(None)
    source.merge_rows("me", _rows(30), NOW)
    exported = tmp_path / "me.jsonl"
    export_progress(source, "me", exported)
    home = tmp_path / "home"
    target = Store.open(home / "progress.sqlite3")

    class FullDisk:
        """A temporary file on a full disk: every write fails."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(progress_module.tempfile, "TemporaryFile", FullDisk)
    with pytest.raises(UserError) as caught:
        import_progress(target, "me", exported, NOW)
    assert str(home) in str(caught.value) and "No space left" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert target.rows("me") == []
    target.close()
