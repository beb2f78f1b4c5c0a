"""What went wrong with the progress database, told apart (DESIGN §5).

Locked, full disk, read-only and damaged are four different situations with four
different remedies; advising a restore for a database that is merely busy loses the
grades made since the backup. Only damage suggests a restore, naming the newest
backup so the user can copy the command.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from pathlib import Path
from typing import Literal

from dlcards.errors import UserError

Problem = Literal["locked", "full", "read-only", "damaged", "other"]

_DAILY = re.compile(r"progress-(\d{4}-\d{2}-\d{2})\.sqlite3")
_BEFORE = re.compile(r"progress-before-.+-(\d{8}-\d{6})(?:-\d+)?\.sqlite3")


def classify(exc: BaseException) -> Problem:
    """Which of the four situations an SQLite (or OS) error reports."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "full"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "read-only"
        return "other"
    if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return "other"  # dlcards' own mistake, not the file's: a crash log, not a restore
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "locked"
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) or (
        "readonly" in text or "read-only" in text or "unable to open" in text
    ):
        return "read-only"
    if (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR"))
        or "malformed" in text
        or "not a database" in text
        or "decode" in text
        or isinstance(exc, (sqlite3.DatabaseError, UnicodeDecodeError))
    ):
        return "damaged"
    return "other"


def newest_backup(folder: Path) -> str | None:
    """The name of the newest backup in ``folder`` (daily copies are checked before
    they count, so the newest is the newest good one), or None."""
    if not folder.is_dir():
        return None
    stamped: list[tuple[str, str]] = []
    for path in folder.iterdir():
        if match := _DAILY.fullmatch(path.name):
            stamped.append((match.group(1).replace("-", "") + "-000000", path.name))
        elif match := _BEFORE.fullmatch(path.name):
            stamped.append((match.group(1), path.name))
    return max(stamped)[1] if stamped else None


def restore_advice(database: Path) -> str:
    """The command that restores the newest backup of ``database``, or what to do without one."""
    name = newest_backup(database.parent / "backups")
    if name is None:
        return "no backup exists yet; move the file away to start afresh (it is left untouched)"
    return f"restore the newest backup with: dlcards backup restore {name}"


def problem_error(database: Path, exc: BaseException) -> UserError:
    """The one-line message for ``exc`` met on ``database``: one per situation."""
    kind = classify(exc)
    if kind == "locked":
        return UserError(
            f"{database} is busy: another dlcards process is writing to it",
            "wait for it to finish and run this again; nothing was lost",
        )
    if kind == "full":
        return UserError(
            f"the disk holding {database} is full",
            "free some space and run this again; your progress is intact",
        )
    if kind == "read-only":
        return UserError(
            f"{database} is read-only here, and this command writes to it",
            "make it (and its folder) writable; read commands such as 'dlcards stats' still work",
        )
    if kind == "damaged":
        # Not SQLite's own words ("database disk image is malformed", a UTF-8 decode
        # error): what matters is that it is damaged and where the backups are.
        return UserError(f"{database} is damaged and cannot be read", restore_advice(database))
    return UserError(f"{database}: {exc}")
