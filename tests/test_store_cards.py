"""Suspend, unsuspend and reset rows in the log; leeches; schema v2; profiles renamed or deleted."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlcards.log import CardState, leech_suspends, replay, replay_log
from dlcards.scheduler import new_state, review
from dlcards.store import Store
from dlcards.store_schema import APPLICATION_ID, SCHEMA_VERSION

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 1)


def at(days: int) -> tuple[datetime, date]:
    return NOW + timedelta(days=days), DAY + timedelta(days=days)


def assert_caches_are_the_log(store: Store, profile: str = "ann") -> None:
    """The live caches equal a replay of the log, before and after a rebuild."""
    replayed = replay_log(store.rows(profile))
    assert store.states(profile) == replayed.states
    assert store.suspended(profile) == replayed.suspended
    store.rebuild_states(profile)
    assert store.states(profile) == replayed.states
    assert store.suspended(profile) == replayed.suspended


# --- schema v2 ----------------------------------------------------------------------


def test_a_real_v1_database_opens_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    # tests/data/progress-v1.sqlite3 was written with the v1 schema of the git history
    # (kept beside it as schema-v1.sql): two profiles, reviews, a re-drill, a practice
    # row, a buried card.
    path = tmp_path / "progress.sqlite3"
    shutil.copyfile(DATA / "progress-v1.sqlite3", path)
    old = sqlite3.connect(path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    rows_before = old.execute("SELECT * FROM reviews ORDER BY ts, id").fetchall()
    states_before = old.execute("SELECT * FROM card_state ORDER BY 1, 2, 3").fetchall()
    old.close()
    assert len(rows_before) == 7

    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.conn.execute("SELECT * FROM reviews ORDER BY ts, id").fetchall() == rows_before
    assert (
        store.conn.execute("SELECT * FROM card_state ORDER BY 1, 2, 3").fetchall() == states_before
    )
    assert store.buried("ann", date(2026, 2, 2)) == {("t", "c3")}
    assert [p[0] for p in store.profiles()] == ["ann", "bob"]
    # The migrated database works as a v2 one: suspend, reset, and the replay agrees.
    assert store.suspended("ann") == {}
    store.suspend("ann", "t", "c1", NOW, DAY)
    store.reset("ann", "t", "c2", NOW, DAY)
    assert store.suspended("ann").keys() == {("t", "c1")}
    assert ("t", "c2") not in store.states("ann")
    assert_caches_are_the_log(store)
    store.close()
    reopened = Store.open(path)  # a second open finds v2 and changes nothing
    assert reopened.suspended("ann").keys() == {("t", "c1")}


def test_the_migration_gives_the_same_schema_as_a_new_database(tmp_path: Path) -> None:
    migrated = tmp_path / "old.sqlite3"
    shutil.copyfile(DATA / "progress-v1.sqlite3", migrated)
    Store.open(migrated).close()
    Store.open(tmp_path / "new.sqlite3").close()

    def schema(path: Path) -> set[tuple[str, str, str]]:
        # Compared without comments and line breaks (sqlite_master keeps them as written).
        def bare(sql: str) -> str:
            return " ".join(" ".join(line.split("--")[0] for line in sql.splitlines()).split())

        conn = sqlite3.connect(path)
        try:
            return {
                (kind, name, bare(sql))
                for kind, name, sql in conn.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                )
            }
        finally:
            conn.close()

    assert schema(migrated) == schema(tmp_path / "new.sqlite3")


def test_the_v1_fixture_uses_the_v1_schema() -> None:
    conn = sqlite3.connect(DATA / "progress-v1.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert tables == {"profiles", "reviews", "card_state", "buried", "meta"}
    assert "reviews_card_events" not in indexes
    assert "user_version = 1" in (DATA / "schema-v1.sql").read_text("utf-8")


# --- suspend, unsuspend, reset ------------------------------------------------------------


def test_suspend_and_unsuspend_are_rows_of_the_log() -> None:
    store = Store.open(None)
    store.record("ann", "d", "c", "review", 4, NOW, DAY)
    row = store.suspend("ann", "d", "c", *at(1))
    assert row is not None and row.kind == "suspend" and row.grade is None
    assert store.suspend("ann", "d", "c", *at(1)) is None  # already suspended: no new row
    assert store.is_suspended("ann", "d", "c") and not store.is_suspended("bob", "d", "c")
    assert store.suspended("ann") == {("d", "c"): row.ts}
    store.unsuspend("ann", "d", "c", *at(2))
    assert store.suspended("ann") == {}
    assert store.unsuspend("ann", "d", "c", *at(2)) is None
    assert [r.kind for r in store.rows("ann")] == ["review", "suspend", "unsuspend"]
    # Suspending changes no schedule.
    assert store.state("ann", "d", "c").sm2 == review(new_state(), 4, DAY)
    assert_caches_are_the_log(store)


def test_a_new_card_can_be_suspended() -> None:
    store = Store.open(None)
    store.suspend("ann", "d", "never-seen", NOW, DAY)
    assert store.suspended("ann").keys() == {("d", "never-seen")}
    assert store.states("ann") == {}
    assert_caches_are_the_log(store)


def test_reset_makes_the_card_new_again_lapses_too_and_keeps_the_log() -> None:
    store = Store.open(None)
    for days, grade in enumerate([5, 1, 2, 4]):
        store.record("ann", "d", "c", "review", grade, *at(days))
    assert store.state("ann", "d", "c").lapses == 2
    store.reset("ann", "d", "c", *at(4))
    assert store.state("ann", "d", "c") is None  # new: no state at all
    assert [r.kind for r in store.rows("ann")] == ["review"] * 4 + ["reset"]
    assert_caches_are_the_log(store)
    # Reviewed again, it starts from scratch: first interval 1 day, no lapses.
    store.record("ann", "d", "c", "review", 4, *at(5))
    state = store.state("ann", "d", "c")
    assert state == CardState(review(new_state(), 4, DAY + timedelta(days=5)), 0, 1)
    assert_caches_are_the_log(store)


def test_reset_leaves_a_suspension_alone() -> None:
    store = Store.open(None)
    store.record("ann", "d", "c", "review", 3, NOW, DAY)
    store.suspend("ann", "d", "c", NOW, DAY)
    store.reset("ann", "d", "c", NOW, DAY)
    assert store.is_suspended("ann", "d", "c") and store.state("ann", "d", "c") is None
    assert_caches_are_the_log(store)


def test_undo_after_a_reset_replays_the_card_with_the_reset_in_it() -> None:
    store = Store.open(None)
    store.record("ann", "d", "c", "review", 5, NOW, DAY)
    store.reset("ann", "d", "c", *at(1))
    row = store.record("ann", "d", "c", "review", 4, *at(2))
    store.undo("ann", row.id, *at(2))
    assert store.state("ann", "d", "c") is None  # back to just after the reset
    assert_caches_are_the_log(store)


def test_practice_rows_never_change_the_schedule() -> None:
    store = Store.open(None)
    store.record("ann", "d", "c", "review", 4, NOW, DAY)
    before = store.states("ann")
    for grade in (0, 1, 5, 2):
        store.record("ann", "d", "c", "practice", grade, *at(1))
    assert store.states("ann") == before
    no_practice = [r for r in store.rows("ann") if r.kind != "practice"]
    assert replay(no_practice) == replay(store.rows("ann")) == before


# --- leeches -------------------------------------------------------------------------------


def test_the_leech_rule_suspends_at_the_threshold_then_every_half_threshold() -> None:
    assert [n for n in range(1, 21) if leech_suspends(n, 8)] == [8, 12, 16, 20]
    assert [n for n in range(1, 5) if leech_suspends(n, 1)] == [1, 2, 3, 4]


def test_the_eighth_lapse_suspends_a_card_when_asked() -> None:
    store = Store.open(None)
    for days in range(7):
        store.record("ann", "d", "c", "review", 1, *at(days), suspend_leech_at=8)
    assert store.suspended("ann") == {}
    review_row = store.record("ann", "d", "c", "review", 0, *at(7), suspend_leech_at=8)
    assert store.state("ann", "d", "c").lapses == 8
    assert store.suspended("ann").keys() == {("d", "c")}
    kinds = [(r.kind, r.grade) for r in store.rows("ann")[-2:]]
    assert kinds == [("review", 0), ("suspend", None)]
    assert store.rows("ann")[-1].ts > review_row.ts
    assert_caches_are_the_log(store)


def test_without_suspend_leech_at_a_leech_is_only_counted() -> None:
    store = Store.open(None)
    for days in range(9):
        store.record("ann", "d", "c", "review", 1, *at(days))
    assert store.state("ann", "d", "c").lapses == 9 and store.suspended("ann") == {}


# --- merging logs ------------------------------------------------------------------------


def test_merged_suspend_unsuspend_and_reset_rows_apply(tmp_path: Path) -> None:
    from dlcards.interchange.progress import export_progress, import_progress

    laptop, desktop = Store.open(None), Store.open(None)
    for store in (laptop, desktop):
        store.record("ann", "d", "c1", "review", 4, NOW, DAY)
        store.record("ann", "d", "c2", "review", 1, NOW, DAY)
    laptop.suspend("ann", "d", "c1", *at(1))
    laptop.reset("ann", "d", "c2", *at(1))
    desktop.suspend("ann", "d", "c2", *at(2))
    desktop.unsuspend("ann", "d", "c2", *at(3))
    for source, target in ((laptop, desktop), (desktop, laptop)):
        path = tmp_path / "log.jsonl"
        export_progress(source, "ann", path, force=True)
        import_progress(target, "ann", path, NOW)
    for store in (laptop, desktop):
        assert store.suspended("ann").keys() == {("d", "c1")}
        assert set(store.states("ann")) == {("d", "c1")}  # c2 was reset: new again
        assert_caches_are_the_log(store)
    assert laptop.suspended("ann") == desktop.suspended("ann")


# --- profiles ------------------------------------------------------------------------------


def test_rename_moves_every_row_state_suspension_and_burial() -> None:
    store = Store.open(None)
    store.record("ann", "d", "c", "review", 4, NOW, DAY)
    store.suspend("ann", "d", "x", NOW, DAY)
    store.bury("ann", "d", "y", DAY)
    store.record("bob", "d", "c", "review", 1, NOW, DAY)
    rows, states = store.rows("ann"), store.states("ann")
    store.rename_profile("ann", "anna")
    assert [(r.id, r.kind) for r in store.rows("anna")] == [(r.id, r.kind) for r in rows]
    assert store.states("anna") == states and store.rows("ann") == []
    assert store.suspended("anna").keys() == {("d", "x")}
    assert store.buried("anna", DAY) == {("d", "y")}
    assert [p[0] for p in store.profiles()] == ["anna", "bob"]
    with pytest.raises(ValueError, match="already exists"):
        store.rename_profile("anna", "bob")
    with pytest.raises(ValueError, match="no profile"):
        store.rename_profile("nobody", "zed")


def test_delete_removes_only_that_profile() -> None:
    store = Store.open(None)
    store.record("ann", "d", "c", "review", 4, NOW, DAY)
    store.suspend("ann", "d", "c", NOW, DAY)
    store.record("bob", "d", "c", "review", 1, NOW, DAY)
    assert store.delete_profile("ann") == 2
    assert store.rows("ann") == [] and store.states("ann") == {} and store.suspended("ann") == {}
    assert [p[0] for p in store.profiles()] == ["bob"] and len(store.rows("bob")) == 1
