"""Backups of the progress database in ``<home>/backups/``.

As a study session starts, at most once a study day, a read transaction pins the
database as it is, and a background thread copies that snapshot with SQLite's online
backup API — consistent even while this or another process grades — to
``progress-YYYY-MM-DD.sqlite3``, which counts once ``integrity_check`` passes (also in
the background); the newest 7 good daily copies are kept.
A restore (or deleting a profile) first saves the current database as
``progress-before-<what>-YYYYMMDD-HHMMSS.sqlite3``, which rotation never deletes.
Files are 0600: a review log is personal.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dlcards.config import Home
from dlcards.errors import UserError
from dlcards.store import Store
from dlcards.store_errors import classify, restore_advice
from dlcards.store_schema import APPLICATION_ID, SCHEMA_VERSION

KEEP_DAILY = 7
_DAILY = re.compile(r"progress-(\d{4}-\d{2}-\d{2})\.sqlite3")
# Copies made just before a risky change: "restore", or "delete-<profile>".
_BEFORE = re.compile(r"progress-before-([a-z0-9_-]+?)-(\d{8}-\d{6})(?:-\d+)?\.sqlite3")


@dataclass(frozen=True)
class BackupFile:
    name: str
    path: Path
    size: int
    kind: str  # "daily", or "before-<what>" (before-restore, before-delete-ann)
    label: str  # the day or time it was made


def _folder(home: Home) -> Path:
    folder = home.backups_dir
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Snapshot ``source`` into ``target`` through a temporary file (never half a copy)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp_name, 0o600)
    try:
        destination = sqlite3.connect(tmp_name)
        try:
            source.backup(destination)
            # A copy of a WAL database is in WAL mode too; make it one self-contained file.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


class BackupCheck:
    """Today's copy, made and checked with ``integrity_check`` in a background thread.

    The copy is of ``snapshot``'s read transaction, begun before the session (so it
    holds the database as the session found it, whatever is graded meanwhile: WAL
    lets the grades commit beside it). Copying 370 MB (a million reviews) took
    seconds, and had held back the first card of each day's first session; now
    neither the copy nor the check comes before the first card.
    The copy counts as a backup (gets its daily name, and rotation may then drop the
    oldest) only once the check passes: a damaged database never rotates the good
    copies away. ``integrity_check`` reads every page and index (about 10 s on a
    million reviews). ``finish`` waits for both at the session's end.
    """

    def __init__(
        self, home: Home, pending: Path, target: Path, snapshot: sqlite3.Connection
    ) -> None:
        self.home, self.pending, self.target = home, pending, target
        self.damaged = False
        self.unmade: str | None = None  # why no copy could be written (the disk, not the data)
        self._snapshot = snapshot
        self._thread = threading.Thread(target=self._run, name="backup-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            _copy(self._snapshot, self.pending)
            ok = _intact(self.pending)
        except Exception as exc:
            if classify(exc) != "damaged":
                # No room or no permission in backups/: nothing says the database is
                # damaged, so no marker; the next session tries again.
                self.unmade = str(exc)
                return
            ok = False
        finally:
            self._snapshot.close()
        if ok:
            os.replace(self.pending, self.target)
            _rotate(self.target.parent)
            return
        self.damaged = True
        self.pending.unlink(missing_ok=True)
        # Said once: today's copy is not tried (nor the user told) again today.
        _damage_marker(self.target).touch(mode=0o600)

    def finish(self) -> str | None:
        """Wait for the copy and its check; what to tell the user if either failed."""
        self._thread.join()
        if self.unmade is not None:
            return (
                f"today's backup of {self.home.database} could not be written to "
                f"{self.target.parent} ({self.unmade}); your progress is saved, and the next "
                "session tries again"
            )
        if not self.damaged:
            return None
        return (
            f"{self.home.database} failed its integrity check: it is damaged, and today's "
            f"copy was not kept as a backup — {restore_advice(self.home.database)}"
        )


def _intact(path: Path) -> bool:
    """Whether ``integrity_check`` finds ``path`` whole (every page, index and row)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return bool(conn.execute("PRAGMA integrity_check(1)").fetchone()[0] == "ok")
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _damage_marker(target: Path) -> Path:
    return target.with_name(f".{target.stem}.damaged")


def daily_backup(home: Home, store: Store, today: date) -> BackupCheck | None:
    """Copy the progress database into ``<home>/backups/`` at most once a day; the
    copy is checked in the background (see :class:`BackupCheck`)."""
    if store.path is None or store.read_only:
        return None
    folder = _folder(home)
    target = folder / f"progress-{today.isoformat()}.sqlite3"
    if target.exists() or _damage_marker(target).exists():
        return None
    pending = folder / f".progress-{today.isoformat()}.pending.sqlite3"
    try:
        snapshot = _begin_snapshot(store.path)
    except sqlite3.DatabaseError:
        # Too damaged to read: say so now, keeping every backup there is.
        _damage_marker(target).touch(mode=0o600)
        raise
    return BackupCheck(home, pending, target, snapshot)


def _begin_snapshot(database: Path) -> sqlite3.Connection:
    """A connection of its own holding a read transaction on ``database`` as it is now,
    for the background thread to copy."""
    conn = sqlite3.connect(database, timeout=30, check_same_thread=False)
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
    except BaseException:
        conn.close()
        raise
    return conn


def _rotate(folder: Path) -> None:
    daily = sorted(p for p in folder.iterdir() if _DAILY.fullmatch(p.name))
    for old in daily[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)


def list_backups(home: Home) -> list[BackupFile]:
    """Every backup, oldest first (daily copies and those made before a change)."""
    folder = home.backups_dir
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if match := _DAILY.fullmatch(path.name):
            kind, label = "daily", match.group(1)
        elif match := _BEFORE.fullmatch(path.name):
            stamp = datetime.strptime(match.group(2), "%Y%m%d-%H%M%S")
            kind, label = f"before-{match.group(1)}", stamp.strftime("%Y-%m-%d %H:%M:%S")
        else:
            continue
        found.append(BackupFile(path.name, path, path.stat().st_size, kind, label))
    return sorted(found, key=lambda b: (b.label, b.name))


def _check_backup(path: Path) -> None:
    """Refuse a file that is not an intact dlcards database this version reads."""
    problem = None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                problem = "not a dlcards progress database"
            elif conn.execute("PRAGMA user_version").fetchone()[0] > SCHEMA_VERSION:
                problem = "written by a newer dlcards"
            # integrity_check, not quick_check: only it sees a damaged index.
            elif conn.execute("PRAGMA integrity_check(1)").fetchone()[0] != "ok":
                problem = "damaged"
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        problem = f"not readable ({exc})"
    if problem:
        raise UserError(
            f"backup {path.name} is {problem}",
            "choose another one with 'dlcards backup list'; nothing was changed",
        )


def find_backup(home: Home, name: str) -> Path:
    """The backup called ``name`` (a file name from ``backup list``)."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or name in ("..",):
        raise UserError(f"no backup named {name!r}", "use a name from 'dlcards backup list'")
    path = home.backups_dir / name
    if not path.is_file() or not (_DAILY.fullmatch(name) or _BEFORE.fullmatch(name)):
        raise UserError(f"no backup named {name!r}", "use a name from 'dlcards backup list'")
    return path


def save_copy(home: Home, now: datetime, before: str) -> Path | None:
    """Copy the current database aside before a risky change; None if there is none.

    ``before`` names the change (``restore``, ``delete-ann``); the copy is never
    rotated away and ``dlcards backup restore`` takes it like any other.
    """
    database = home.database
    if not database.exists():
        return None
    folder = _folder(home)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = folder / f"progress-before-{before}-{stamp}.sqlite3"
    n = 1
    while target.exists():
        target = folder / f"progress-before-{before}-{stamp}-{n}.sqlite3"
        n += 1
    try:
        source = sqlite3.connect(database, timeout=30)
        try:
            _copy(source, target)
        finally:
            source.close()
    except sqlite3.DatabaseError:
        # Unreadable (the reason to restore, often): keep its bytes as they are.
        shutil.copyfile(database, target)
        os.chmod(target, 0o600)
        wal = database.with_name(database.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return target


def restore_backup(home: Home, name: str, now: datetime) -> Path | None:
    """Replace the progress database with backup ``name``; return the copy of the old one."""
    path = find_backup(home, name)
    _check_backup(path)
    saved = save_copy(home, now, "restore")
    database = home.database
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Through SQLite, so a process holding the database open sees the new content.
        source = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(database, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.DatabaseError:
        # The current file is not a database SQLite will write into: replace the file.
        fd, tmp_name = tempfile.mkstemp(prefix=".progress.", suffix=".tmp", dir=database.parent)
        os.close(fd)
        try:
            shutil.copyfile(path, tmp_name)
            os.chmod(tmp_name, 0o600)
            for suffix in ("-wal", "-shm"):
                database.with_name(database.name + suffix).unlink(missing_ok=True)
            os.replace(tmp_name, database)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    os.chmod(database, 0o600)
    return saved
