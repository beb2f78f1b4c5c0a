"""Scratch folders for an import (an ``.apkg``'s extracted collection), and cleaning up
after an import that was killed before it could remove its own.

A folder is named ``dlcards-import-<pid>-…`` so a later import can tell a killed
process's leftovers (that pid is gone) from a running import's folder, and remove them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "dlcards-import-"


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for this import, the killed ones' removed first."""
    remove_leftovers()
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-")


def remove_leftovers(folder: Path | None = None) -> list[Path]:
    """Remove the scratch folders of imports whose process is gone; return them."""
    where = folder or Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(where.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        pid_text = entry.name[len(PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink() and entry.stat().st_uid == os.getuid():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
