"""Moving a profile's review log between machines as JSON Lines.

The file: a first line ``{"format": "dlcards-progress", "version": 1}``, then one
row a line, in replay order, undo rows included::

    {"id": "…uuid…", "deck_id": "…", "card_id": "…", "ts": "2026-03-01T09:00:00.000000Z",
     "study_day": "2026-03-01", "kind": "review", "grade": 4, "duration_ms": 5300,
     "instance": null, "answer": null, "cancels": null,
     "repetitions": 1, "easiness": 250, "interval": 1, "due": "2026-03-02"}

Rows carry no profile: an import files them under the current one. Merging is by
row id, so importing twice changes nothing, and two machines that exchange files
both ways hold the same log and — states being a replay of it — the same progress.
"""

from __future__ import annotations

import json
import marshal
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from dlcards.errors import UserError
from dlcards.fileutil import reading
from dlcards.interchange.progress_read import FIELDS, FORMAT, VERSION, read_rows
from dlcards.store import Store


@dataclass
class ProgressImport:
    read: int = 0
    added: int = 0
    present: int = 0
    other_profile: int = 0
    differing: int = 0
    unknown_rows: int = 0  # rows for cards not in the loaded decks (kept)
    unknown_cards: int = 0


# Each line is built by SQLite's json_object, keys in FIELDS order: it writes exactly
# what json.dumps(..., ensure_ascii=False, separators=(",", ":")) writes for text,
# integers and nulls (the same escapes: \" \\ \b \f \n \r \t, \u00XX for the other
# control characters; other characters as they are; a test compares the two), at a
# fifth of the cost of a Row and a json.dumps per row (a log may have a million rows).
_EXPORT_SQL = (
    "SELECT json_object("
    + ", ".join(f"'{name}', {name}" for name in FIELDS)
    + ") FROM reviews WHERE profile = ? ORDER BY ts, id"
)


def export_progress(store: Store, profile: str, out: Path, *, force: bool = False) -> int:
    """Write the profile's log to ``out`` (atomically); return the number of rows."""
    if out.is_dir():
        raise UserError(f"{out} is a folder", "give a file name, e.g. progress.jsonl")
    if out.exists() and not force:
        raise UserError(f"{out} already exists", "pass --force to overwrite it")
    from dlcards.fileutil import write_target

    out = write_target(out, dangling_ok=force)  # through a symlink, never over it
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(json.dumps({"format": FORMAT, "version": VERSION}) + "\n")
            cursor = store.conn.execute(_EXPORT_SQL, (profile,))
            while chunk := cursor.fetchmany(10_000):
                handle.write("\n".join(line for (line,) in chunk) + "\n")
                count += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)  # a review log is personal
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


# Rows between two progress reports: a 1M-row file reports 250 times per pass, and
# the counting costs nothing next to parsing a row.
_REPORT_EVERY = 4096


def _silent(phase: str, done: int, total: int) -> None:
    return None


def import_progress(
    store: Store,
    profile: str,
    source: Path,
    now: datetime,
    *,
    known: set[tuple[str, str]] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ProgressImport:
    """Merge the rows of ``source`` under ``profile``; on any bad line, nothing changes.

    The file is read once, every line checked, holding no lock (other dlcards
    processes go on); the checked rows wait in a private temporary file and are
    then written in short batches (see ``Store.merge_rows``). Neither step keeps
    the file in memory, and what is written is exactly what was checked, even if
    the file changes meanwhile.
    """
    with reading(source, "the .jsonl file"):
        handle = open(source, "rb")  # closed by the with below
    report = progress or _silent
    # Beside the database (a home is on a disk that holds the log; /tmp may be memory),
    # unless the home cannot be written to.
    folder = store.path.parent if store.path is not None and not store.read_only else None
    where = folder or Path(tempfile.gettempdir())
    with handle, _staging(where) as staged:
        total = _stage(source, handle, staged, report, where)
        staged.seek(0)
        result = ProgressImport()
        unknown: set[tuple[str, str]] = set()

        def rows() -> Iterator[tuple[Any, ...]]:
            done = 0
            while done < total:
                size = int.from_bytes(staged.read(8), "little")
                batch: list[tuple[Any, ...]] = marshal.loads(staged.read(size))
                for row in batch:
                    done += 1
                    if done % _REPORT_EVERY == 0:
                        report("writing", done, total)
                    if known is not None and (row[1], row[2]) not in known:
                        result.unknown_rows += 1
                        unknown.add((row[1], row[2]))
                yield from batch

        counts = store.merge_rows(profile, rows(), now)
    result.read, result.added, result.present = counts.read, counts.added, counts.present
    result.other_profile, result.differing = counts.other_profile, counts.differing
    result.unknown_cards = len(unknown)
    return result


# Rows marshalled together into the staging file: big enough that marshal's per-call
# cost vanishes, small enough to be nothing in memory.
_STAGE_BATCH = 2000


def _stage(
    source: Path,
    handle: BinaryIO,
    staged: IO[bytes],
    report: Callable[[str, int, int], None],
    where: Path,
) -> int:
    """Check every row of the file and keep them, marshalled, in ``staged``; the count.

    The second pass of the import reads them back at a fraction of a parse's cost
    (marshal is Python's own format for its values, the file private to this
    process and deleted when closed).
    """
    total = 0
    batch: list[tuple[Any, ...]] = []
    for row in read_rows(source, handle):
        batch.append(row)
        total += 1
        if total % _REPORT_EVERY == 0:
            report("reading", total, 0)
        if len(batch) >= _STAGE_BATCH:
            _put(staged, batch, where)
            batch = []
    if batch:
        _put(staged, batch, where)
    return total


def _put(staged: IO[bytes], batch: list[tuple[Any, ...]], where: Path) -> None:
    """One batch, its length first (marshal.load reading from a file object costs a
    method call per value: ten times marshal.loads on the batch's bytes)."""
    data = marshal.dumps(batch)
    try:
        staged.write(len(data).to_bytes(8, "little"))
        staged.write(data)
    except OSError as exc:
        raise _no_room(where, exc) from exc


@contextmanager
def _staging(folder: Path) -> Iterator[IO[bytes]]:
    """The private temporary file the checked rows wait in (deleted when closed)."""
    try:
        staged = tempfile.TemporaryFile(prefix=".dlcards-import-", dir=folder)
    except OSError as exc:
        raise _no_room(folder, exc) from exc
    with staged:
        yield staged


def _no_room(where: Path, exc: OSError) -> UserError:
    return UserError(
        f"cannot keep the checked rows in {where} ({exc.strerror})",
        "free some space there and import again; your progress was not changed",
    )
