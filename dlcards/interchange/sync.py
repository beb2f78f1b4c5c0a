"""Sync through a folder (issue 17): one file per machine, merged by row id.

``DIR/<profile>/<machine id>.jsonl`` is this machine's file for a profile, in the
progress file format (``dlcards.interchange.progress``) with the machine in its
header. Only this machine writes it, and only by appending, so a folder carried
by Syncthing, Dropbox, a share or git never has two writers on one file. Every
other ``*.jsonl`` there is merged with the store's idempotent merge after the
import's own row checks.

- Sync tools write files in pieces: a last line without its newline is left for
  the next sync, and a file that does not read cleanly is skipped, nothing of it kept.
- Clocks: rows are replayed by their timestamps, and a row made here is always
  stamped after every row the log holds (``LogStore._next_ts``), merged ones
  included: what a machine does after a sync comes after what it synced, however
  far off either clock is. "Last synced" is this machine's clock, when it saw a
  file grow, never the other machine's.
- A profile syncs with the same profile name elsewhere: its own subfolder.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dlcards.errors import UserError
from dlcards.interchange.progress_read import FIELDS, FORMAT, VERSION, read_rows
from dlcards.interchange.sync_status import MACHINE_KEY, describe_synced, last_synced
from dlcards.log import format_ts
from dlcards.store import Store

_FILE = re.compile(r"([0-9a-f]{12})\.jsonl")  # only the files a machine writes


@dataclass
class SyncReport:
    folder: Path
    machine: str
    written: int = 0  # rows appended to this machine's file
    added: int = 0  # rows merged from other machines' files
    machines: list[str] = field(default_factory=list)  # the other machines' files read
    skipped: list[str] = field(default_factory=list)  # files not readable now: why


def machine_id(store: Store) -> str:
    """This database's machine id (12 hex digits), made on first use."""
    value = store.meta(MACHINE_KEY)
    if value is None:
        with store.transaction():
            value = store.meta(MACHINE_KEY)
            if value is None:
                value = uuid.uuid4().hex[:12]
                store.set_meta(MACHINE_KEY, value)
    return value


def _complete_lines(path: Path) -> bytes:
    """The file up to its last newline: a line still being written is left for later."""
    data = path.read_bytes()
    return data[: data.rfind(b"\n") + 1]


def _noting_ids(path: Path, data: bytes, ids: list[str]) -> Iterator[tuple[Any, ...]]:
    """The checked rows of a file's complete lines, their ids noted in ``ids``."""
    for row in read_rows(path, io.BytesIO(data)):
        ids.append(row[0])
        yield row


def _header(machine: str) -> str:
    return json.dumps(
        {"format": FORMAT, "version": VERSION, "machine": machine, "host": socket.gethostname()}
    )


def sync(store: Store, profile: str, folder: Path, now: datetime) -> SyncReport:
    """Merge the other machines' files of ``profile`` in ``folder``, then append ours."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is not a folder", "give the folder the machines share")
    machine = machine_id(store)
    report = SyncReport(folder, machine)
    place = folder / profile
    try:
        place.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{place} cannot be created ({exc.strerror})", "check the folder") from exc
    elsewhere: set[str] = set()
    try:
        names = sorted(place.iterdir())
    except OSError as exc:
        raise UserError(f"{place} cannot be read ({exc.strerror})", "check the folder") from exc
    for path in names:
        match = _FILE.fullmatch(path.name)
        if match is None or match[1] == machine or not path.is_file():
            continue
        try:
            data = _complete_lines(path)
            ids: list[str] = []
            if not data:
                continue  # not even a header yet
            counts = store.merge_rows(profile, _noting_ids(path, data, ids), now)
        except (UserError, OSError) as exc:
            report.skipped.append(f"{path.name}: {exc}")
            continue
        elsewhere.update(ids)
        report.added += counts.added
        report.machines.append(match[1])
        _seen(store, profile, match[1], len(ids), now)
    own = place / f"{machine}.jsonl"
    try:
        report.written = _append_own(store, profile, own, machine, elsewhere)
    except OSError as exc:
        raise UserError(
            f"{own} cannot be written ({exc.strerror})",
            "check the folder's permissions; what was merged is kept",
        ) from exc
    with store.transaction():
        store.set_meta(f"sync:{profile}:{machine}", f"{format_ts(now)} -1")
    return report


def _seen(store: Store, profile: str, machine: str, rows: int, now: datetime) -> None:
    """Remember when this machine's clock first saw ``machine``'s file at ``rows`` rows."""
    key = f"sync:{profile}:{machine}"
    before = store.meta(key)
    if before is not None and before.split()[1] == str(rows):
        return
    with store.transaction():
        store.set_meta(key, f"{format_ts(now)} {rows}")


def _append_own(store: Store, profile: str, path: Path, machine: str, elsewhere: set[str]) -> int:
    """Append the profile's rows that no file in the folder holds yet; return how many."""
    written: set[str] = set()
    if path.exists():
        data = path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            # Our own last append was cut short (a crash): that line goes, it is rewritten.
            with open(path, "r+b") as handle:
                handle.truncate(end)
        try:
            written = {row[0] for row in read_rows(path, io.BytesIO(data[:end]))}
        except UserError:
            raise UserError(
                f"{path} is not a readable dlcards sync file",
                "move it away; it is remade from this machine's log at the next sync",
            ) from None
    lines = []
    for row in store.iter_rows(profile):
        if row.id in written or row.id in elsewhere:
            continue
        values = {name: getattr(row, name) for name in FIELDS}
        lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n")
    if not lines and path.exists():
        return 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8", newline="\n") as handle:
        if handle.tell() == 0:
            handle.write(_header(machine) + "\n")
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    return len(lines)


__all__ = ["MACHINE_KEY", "SyncReport", "describe_synced", "last_synced", "sync"]
