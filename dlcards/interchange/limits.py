"""Reading archives that may be hostile: zip members and zstd streams, with byte budgets.

A zip header or a zstd frame header can claim any size, so nothing here trusts
them: bytes are counted as they come out of the decompressor, and reading stops
the moment a budget is exceeded. Nothing is ever extracted under a member's own
name, and archives naming members with ``..`` or absolute paths are refused.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dlcards.errors import UserError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes out of one archive, all members and layers
MAX_RATIO = 100  # uncompressed / compressed
# A ratio is only meaningful once some output exists: an SQLite file of mostly
# empty pages legitimately compresses 200:1 when it is small.
RATIO_GRACE = 1024 * 1024
CHUNK = 1024 * 1024

# Caps on what one import may hold (README "What dlcards guarantees about your data").
# Above them a file is refused with one line naming the cap; below them an import
# stays within a few hundred MB. The largest shared Anki decks hold ~40,000 notes.
MAX_NOTES = 100_000  # notes in one package, records in one text file
MAX_FIELD_BYTES = 2 * 1024 * 1024  # one field (front, back, …) in UTF-8
MAX_RECORD_FIELDS = 8  # a text record's size is capped at this many full fields
MAX_TEXT_BYTES = 100 * 1024 * 1024  # one CSV/TSV/text file (~300,000 long notes)
# A query over a collection of N bytes needs a number of SQLite VM steps in
# proportion to N; a crafted one (a recursive view posing as a table) never ends.
SQL_STEPS_PER_BYTE = 200
SQL_STEPS_FLOOR = 20_000_000

_DRIVE = re.compile(r"^[A-Za-z]:")


class Budget:
    """Counts uncompressed bytes across every stream read from one archive."""

    def __init__(self, source: Path, limit: int | None = None, ratio: int | None = None) -> None:
        self.source = source
        self.limit = MAX_UNCOMPRESSED if limit is None else limit
        self.ratio = MAX_RATIO if ratio is None else ratio
        self.total = 0

    def take(self, produced: int, consumed: int, what: str) -> None:
        """Account ``produced`` more bytes of ``what`` (``consumed`` compressed bytes so far)."""
        self.total += produced
        if self.total > self.limit:
            raise UserError(
                f"{self.source}: refused: {what} unpacks to more than "
                f"{self.limit // (1024 * 1024)} MB (a zip bomb or not a deck)",
                "check the file; nothing was changed",
            )

    def check_ratio(self, out_bytes: int, in_bytes: int, what: str) -> None:
        if out_bytes > RATIO_GRACE and out_bytes > self.ratio * max(in_bytes, 1):
            raise UserError(
                f"{self.source}: refused: {what} expands more than {self.ratio}× "
                "(a zip bomb or not a deck)",
                "check the file; nothing was changed",
            )


def refuse_cap(source: Path, what: str) -> UserError:
    """The one line for a file beyond a documented cap."""
    return UserError(f"{source}: refused: {what}", "split the file; nothing was changed")


def check_field(source: Path, where: str, text: str) -> None:
    """Refuse a field over MAX_FIELD_BYTES (in UTF-8; counted cheaply first)."""
    if len(text) * 4 > MAX_FIELD_BYTES and len(text.encode("utf-8", "replace")) > MAX_FIELD_BYTES:
        raise refuse_cap(
            source,
            f"{where} has a field over the cap of {MAX_FIELD_BYTES // 2**20} MB a field",
        )


SCRATCH_PREFIX = "dlcards-import-"
_ABANDONED_SECONDS = 3600  # a scratch folder without an owner pid, this old, is left over


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for one import's extracted collection.

    It holds the owner's pid, so that the next import can remove what one killed
    mid-way (SIGKILL skips every ``finally``) left behind.
    """
    sweep_scratch()
    folder = tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX)
    (Path(folder.name) / "pid").write_text(str(os.getpid()), "ascii")
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def sweep_scratch(root: Path | None = None) -> int:
    """Remove this user's scratch folders whose import process is gone; how many."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        try:
            info = folder.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            try:
                owner: int | None = int((folder / "pid").read_text("ascii"))
            except (OSError, ValueError):
                owner = None
        except OSError:
            continue
        if owner is not None and _alive(owner):
            continue
        if owner is None and time.time() - info.st_mtime < _ABANDONED_SECONDS:
            continue  # being created right now, or by an older dlcards still running
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def check_member_names(source: Path, archive: zipfile.ZipFile) -> None:
    """Refuse archives whose member names could escape a folder (``..``, absolute paths)."""
    for info in archive.infolist():
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts or "\x00" in name:
            raise UserError(
                f"{source}: refused: archive member {name!r} has an unsafe path",
                "this is not a file Anki writes; nothing was changed",
            )


def open_zip(source: Path) -> zipfile.ZipFile:
    """Open ``source`` as a zip, turning every way it can be broken into one message."""
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError as exc:
        raise UserError(f"{source}: no such file", "check the path") from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UserError(
            f"{source}: not a readable .apkg (truncated or corrupted zip: {exc})",
            "export it again from Anki; nothing was changed",
        ) from exc
    try:
        check_member_names(source, archive)
    except BaseException:
        archive.close()
        raise
    return archive


def _zip_chunks(
    source: Path, archive: zipfile.ZipFile, name: str, budget: Budget
) -> Iterator[bytes]:
    info = archive.getinfo(name)
    compressed = max(info.compress_size, 1)
    produced = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                produced += len(chunk)
                budget.take(len(chunk), compressed, f"member {name!r}")
                budget.check_ratio(produced, compressed, f"member {name!r}")
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        # zipfile raises these for CRC mismatches, truncation, bad compression data
        # and encrypted members alike.
        raise UserError(
            f"{source}: not a readable .apkg (member {name!r} is corrupted: {exc})",
            "export it again from Anki; nothing was changed",
        ) from exc


def read_member(source: Path, archive: zipfile.ZipFile, name: str, budget: Budget) -> bytes:
    """A small member's bytes (``meta``, ``media``), within the budget."""
    return b"".join(_zip_chunks(source, archive, name, budget))


def extract_member(
    source: Path, archive: zipfile.ZipFile, name: str, target: Path, budget: Budget, *, zstd: bool
) -> None:
    """Write member ``name`` to ``target`` (our own path), zstd-decompressing it if asked."""
    with open(target, "wb") as out:
        if not zstd:
            for chunk in _zip_chunks(source, archive, name, budget):
                out.write(chunk)
            return
        _unzstd(source, _ChunkReader(_zip_chunks(source, archive, name, budget)), out, budget, name)


class _ChunkReader(io.RawIOBase):
    """A file-like view of an iterator of byte chunks, counting what was consumed."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        self.consumed += size
        return size


def _unzstd(
    source: Path, compressed: _ChunkReader, out: BinaryIO, budget: Budget, name: str
) -> None:
    import zstandard

    # The stream reader decompresses frames that carry no content size (Anki
    # writes them that way), and we never ask the frame header how big it is.
    decompressor = zstandard.ZstdDecompressor()
    produced = 0
    try:
        with decompressor.stream_reader(compressed, read_across_frames=True) as reader:
            while chunk := reader.read(CHUNK):
                produced += len(chunk)
                budget.take(len(chunk), compressed.consumed, f"{name!r} (zstd)")
                budget.check_ratio(produced, compressed.consumed, f"{name!r} (zstd)")
                out.write(chunk)
    except zstandard.ZstdError as exc:
        raise UserError(
            f"{source}: not a readable .apkg ({name!r} is not valid zstd data: {exc})",
            "export it again from Anki; nothing was changed",
        ) from exc
    if produced == 0:
        raise UserError(
            f"{source}: not a readable .apkg ({name!r} is empty)",
            "export it again from Anki; nothing was changed",
        )


# Media of an .apkg (issue 12): how many files one import copies, and one file's size.
MAX_MEDIA_FILES = 20_000
MAX_MEDIA_FILE = 50 * 1024 * 1024
MAX_MEDIA_MAP = 8 * 1024 * 1024  # bytes of the "media" member (the name map)

# Note types and templates of an .apkg (issue 12): beyond these a note type is not
# rendered (its notes are read field by field, as from a text export).
MAX_TEMPLATES = 200  # per note type
MAX_TEMPLATE_CHARS = 100_000  # front + back of one template
MAX_SECTION_DEPTH = 50  # {{#A}}{{#B}}… nesting
MAX_CARDS_PER_NOTE = 500  # cards of one note (Anki's cloze numbers reach 500 in practice)
MAX_CSS_CHARS = 200_000
