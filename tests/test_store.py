"""The progress store: layout, permissions, durability, versioning, concurrency, replay."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlcards.errors import UserError
from dlcards.log import replay
from dlcards.scheduler import new_state, review
from dlcards.store import Store
from dlcards.store_schema import APPLICATION_ID, SCHEMA_VERSION

from .conftest import REPO, run_cli

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 1)


def open_store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "progress.sqlite3")


def test_home_layout_and_permissions(home: Path) -> None:
    result = run_cli(home, "decks", "--json")
    assert result.returncode == 0, result.stderr
    for folder in ("", "decks", "backups", "logs"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700
    database = home / "progress.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for extra in home.glob("*.sqlite3*"):
        assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra


def test_new_database_is_versioned(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "progress.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    open_store(tmp_path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserError, match="newer dlcards"):
        Store.open(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"hello, not a database\n" * 10, "sqlite"])
def test_foreign_file_is_refused_untouched(tmp_path: Path, home: Path, content: object) -> None:
    home.mkdir()
    path = home / "progress.sqlite3"
    if content == "sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE photos (id INTEGER)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(content)  # type: ignore[arg-type]
    before = path.read_bytes()
    result = run_cli(home, "stats", "--json")
    assert result.returncode == 1
    assert result.stderr.startswith("dlcards: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_older_database_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dlcards import store_schema as store_module

    store = open_store(tmp_path)
    store.record("ann", "d", "c", "review", 4, NOW, DAY)
    store.close()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION, "CREATE TABLE extra (x INTEGER);")
    migrated = open_store(tmp_path)
    assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert migrated.conn.execute("SELECT count(*) FROM extra").fetchone()[0] == 0
    assert len(migrated.rows("ann")) == 1


def test_rows_are_append_only_with_uuid_ids_and_state(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    first = store.record("ann", "d", "c", "review", 5, NOW, DAY, duration_ms=1200)
    second = store.record("ann", "d", "c", "drill", 2, NOW, DAY)
    assert len(first.id) == 36 and first.id != second.id
    assert first.ts < second.ts  # strictly increasing even with one frozen clock
    assert (first.repetitions, first.easiness, first.interval, first.due) == (
        1,
        260,
        1,
        "2026-03-02",
    )
    # a drill never changes the schedule
    assert (second.repetitions, second.interval, second.due) == (1, 1, "2026-03-02")
    assert store.state("ann", "d", "c").sm2 == review(new_state(), 5, DAY)


def test_undo_restores_the_previous_state(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.record("ann", "d", "c", "review", 4, NOW, DAY)
    later = store.record(
        "ann", "d", "c", "review", 1, NOW + timedelta(days=1), DAY + timedelta(days=1)
    )
    store.undo("ann", later.id, NOW + timedelta(days=1), DAY + timedelta(days=1))
    assert store.state("ann", "d", "c").sm2 == review(new_state(), 4, DAY)
    kinds = [r.kind for r in store.rows("ann")]
    assert kinds == ["review", "review", "undo"]
    with pytest.raises(ValueError):
        store.undo("ann", later.id, NOW, DAY)


def test_undo_of_the_only_review_makes_the_card_new(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    row = store.record("ann", "d", "c", "review", 4, NOW, DAY)
    store.undo("ann", row.id, NOW, DAY)
    assert store.state("ann", "d", "c") is None


def test_profiles_are_separate(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.record("ann", "d", "c", "review", 5, NOW, DAY)
    assert store.state("bob", "d", "c") is None
    assert [p[0] for p in store.profiles()] == ["ann"]


def test_rebuild_equals_the_cache(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    day = DAY
    for i, grade in enumerate([5, 3, 1, 4, 4, 2, 5]):
        row = store.record("ann", "d", f"c{i % 3}", "review", grade, NOW + timedelta(days=i), day)
        if grade == 1:
            store.undo("ann", row.id, NOW + timedelta(days=i), day)
        day += timedelta(days=1)
    cached = store.states("ann")
    store.rebuild_states("ann")
    assert store.states("ann") == cached == replay(store.rows("ann"))


WORKER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, date, datetime
    from dlcards.store import Store
    store = Store.open(__import__("pathlib").Path(sys.argv[1]))
    for i in range(int(sys.argv[3])):
        now = datetime.now(UTC)
        store.record("ann", "d", f"c{i % 5}", "review", (i + int(sys.argv[2])) % 6, now, now.date())
    """
)


def test_two_processes_grading_one_profile_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    Store.open(path).close()
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(k), "60"], cwd=REPO)
        for k in (0, 3)
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    store = Store.open(path)
    rows = store.rows("ann")
    assert len(rows) == 120 and len({r.id for r in rows}) == 120
    assert store.states("ann") == replay(rows)
