"""Daily backups of the progress database, rotation, and restore (with its safety copy)."""

from __future__ import annotations

import errno
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dlcards import backup
from dlcards.backup import daily_backup as start_daily_backup
from dlcards.backup import list_backups, restore_backup
from dlcards.config import Home
from dlcards.errors import UserError
from dlcards.store import Store

from .conftest import REPO, run_cli, write_deck

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def daily_backup(home: Home, store: Store, day: date) -> Path | None:
    """The daily backup, its background integrity check waited for: the file, once it counts."""
    check = start_daily_backup(home, store, day)
    if check is None:
        return None
    assert check.finish() is None
    return check.target


DAY = date(2026, 3, 1)


def open_home(tmp_path: Path) -> tuple[Home, Store]:
    home = Home(tmp_path / "home").ensure()
    return home, Store.open(home.database)


def reviews(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def test_the_daily_copy_waits_for_no_card_and_holds_the_database_as_the_session_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At a million reviews the copy is 370 MB: it had held back the day's first card.
    home, store = open_home(tmp_path)
    store.record("me", "d", "c", "review", 4, NOW, DAY)
    graded = threading.Event()
    copy = backup._copy

    def copy_after_a_grade(source: sqlite3.Connection, target: Path) -> None:
        assert graded.wait(5), "the copy was made before the session could go on"
        copy(source, target)

    monkeypatch.setattr(backup, "_copy", copy_after_a_grade)
    check = start_daily_backup(home, store, DAY)
    assert check is not None
    store.record("me", "d", "c2", "review", 5, NOW, DAY)  # graded while the copy waits
    graded.set()
    assert check.finish() is None
    assert reviews(check.target) == 1  # the database as the session found it
    assert reviews(home.database) == 2


def test_a_full_disk_is_no_damage_and_the_next_session_tries_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, store = open_home(tmp_path)
    store.record("me", "d", "c", "review", 4, NOW, DAY)
    copy = backup._copy

    def no_room(source: sqlite3.Connection, target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_copy", no_room)
    check = start_daily_backup(home, store, DAY)
    assert check is not None
    message = check.finish()
    assert message is not None and "could not be written" in message
    assert "No space left" in message and "damaged" not in message
    monkeypatch.setattr(backup, "_copy", copy)  # room again: the next session makes it
    assert daily_backup(home, store, DAY) == home.backups_dir / "progress-2026-03-01.sqlite3"


def test_at_most_one_backup_a_day_private_and_self_contained(tmp_path: Path) -> None:
    home, store = open_home(tmp_path)
    store.record("me", "d", "c", "review", 4, NOW, DAY)
    made = daily_backup(home, store, DAY)
    assert made == home.backups_dir / "progress-2026-03-01.sqlite3"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert reviews(made) == 1
    assert not Path(f"{made}-wal").exists()  # one file, not a WAL pair
    store.record("me", "d", "c", "review", 5, NOW, DAY)
    assert daily_backup(home, store, DAY) is None  # not twice a day
    assert reviews(made) == 1


def test_the_last_seven_are_kept(tmp_path: Path) -> None:
    home, store = open_home(tmp_path)
    for n in range(10):
        daily_backup(home, store, DAY + timedelta(days=n))
    names = [b.name for b in list_backups(home)]
    assert names == [f"progress-2026-03-{d:02d}.sqlite3" for d in range(4, 11)]


def test_backup_is_consistent_while_another_process_writes(tmp_path: Path) -> None:
    home, store = open_home(tmp_path)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom datetime import date, datetime, UTC\nfrom pathlib import Path\n"
            "from dlcards.store import Store\n"
            "s = Store.open(Path(sys.argv[1]))\n"
            "for i in range(400):\n"
            "    s.record('me', 'd', f'c{i % 7}', 'review', 4, datetime(2026, 3, 1, tzinfo=UTC),"
            " date(2026, 3, 1))\n",
            str(home.database),
        ],
        cwd=REPO,
    )
    try:
        for n in range(5):
            made = daily_backup(home, store, DAY + timedelta(days=n))
            assert made is not None
            conn = sqlite3.connect(made)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            # The cache equals the log in every snapshot: no half-written grade.
            per_card = dict(
                conn.execute("SELECT card_id, count(*) FROM reviews GROUP BY card_id").fetchall()
            )
            cached = dict(conn.execute("SELECT card_id, reviews FROM card_state").fetchall())
            assert per_card == cached
            conn.close()
    finally:
        assert writer.wait(timeout=60) == 0


def test_restore_saves_the_current_database_first(tmp_path: Path) -> None:
    home, store = open_home(tmp_path)
    store.record("me", "d", "c", "review", 4, NOW, DAY)
    daily_backup(home, store, DAY)
    store.record("me", "d", "c", "review", 2, NOW, DAY)
    store.close()
    saved = restore_backup(home, "progress-2026-03-01.sqlite3", NOW + timedelta(hours=1))
    assert saved is not None and saved.name == "progress-before-restore-20260301-100000.sqlite3"
    assert reviews(home.database) == 1 and reviews(saved) == 2
    assert stat.S_IMODE(home.database.stat().st_mode) == 0o600
    # The safety copy is never rotated away.
    store = Store.open(home.database)
    for n in range(1, 12):
        daily_backup(home, store, DAY + timedelta(days=n))
    assert saved.exists()
    assert [b.kind for b in list_backups(home)].count("before-restore") == 1


def test_restore_over_a_broken_database(tmp_path: Path) -> None:
    home, store = open_home(tmp_path)
    store.record("me", "d", "c", "review", 4, NOW, DAY)
    daily_backup(home, store, DAY)
    store.close()
    home.database.write_bytes(b"garbage, not sqlite" * 100)
    saved = restore_backup(home, "progress-2026-03-01.sqlite3", NOW)
    assert saved is not None and saved.read_bytes().startswith(b"garbage")
    assert reviews(home.database) == 1


@pytest.mark.parametrize("name", ["../progress.sqlite3", "nope.sqlite3", "", "/etc/passwd"])
def test_restore_of_an_unknown_name_is_refused(tmp_path: Path, name: str) -> None:
    home, _ = open_home(tmp_path)
    with pytest.raises(UserError, match="no backup named"):
        restore_backup(home, name, NOW)


def test_restore_of_a_damaged_backup_changes_nothing(tmp_path: Path) -> None:
    home, store = open_home(tmp_path)
    store.record("me", "d", "c", "review", 4, NOW, DAY)
    store.close()
    before = home.database.read_bytes()
    (home.backups_dir / "progress-2026-02-01.sqlite3").write_bytes(b"\0" * 4096)
    with pytest.raises(UserError, match="progress-2026-02-01.sqlite3 is"):
        restore_backup(home, "progress-2026-02-01.sqlite3", NOW)
    assert home.database.read_bytes() == before
    assert [b.kind for b in list_backups(home)] == ["daily"]


def test_cli_backup_list_and_restore(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_deck(home / "decks", "mine", 2)
    now = "2026-03-01T09:00:00+00:00"
    result = run_cli(home, "study", "--plain", "--deck", "mine", input="\n4\nq\n", now=now)
    assert result.returncode == 0, result.stderr
    listing = run_cli(home, "backup", "list")
    assert listing.stdout.startswith("progress-2026-03-01.sqlite3")
    # A backup is made before the session: it holds no review yet.
    declined = run_cli(home, "backup", "restore", "progress-2026-03-01.sqlite3", input="n\n")
    assert declined.returncode == 1 and declined.stderr.startswith("dlcards: restore cancelled")
    assert reviews(home / "progress.sqlite3") == 1
    done = run_cli(home, "backup", "restore", "progress-2026-03-01.sqlite3", "--yes", now=now)
    assert done.returncode == 0, done.stderr
    assert "progress-before-restore-20260301-090000.sqlite3" in done.stdout
    assert reviews(home / "progress.sqlite3") == 0
    missing = run_cli(home, "backup", "restore", "nope")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
