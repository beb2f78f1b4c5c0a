"""The parse cache: decks parsed once, then read back from SQLite until they change.

tomllib and validation take seconds for a 100,000-card file; the cache keeps a
compact index of every deck (ids, types, tags, lines) and each card's body as
JSON, so start-up reads the index and a card's text is read when it is shown.
The cache is disposable: a broken one is deleted and rebuilt.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dlcards import __version__

# Entries from another dlcards version, or of another layout, are parsed afresh.
CACHE_FORMAT = 2
PARSER = f"{__version__}/{CACHE_FORMAT}"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decks(
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,
    parser TEXT NOT NULL,
    header TEXT,
    refs TEXT,
    warnings TEXT NOT NULL,
    errors TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cards(
    path TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (path, ordinal)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class CachedDeck:
    digest: str
    header: dict | None
    # The deck's index in columns, so 100k cards decode in a few C calls:
    # {"ids": "a\nb…", "types": "bcm…", "tagsets": [[…], …], "tags": [i, …], "lines": [n, …]}
    refs: dict | None
    warnings: list[str]
    errors: list[str]


def file_digest(raw: bytes) -> str:
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class DeckCache:
    """SQLite file of parsed decks; every method degrades to a miss if the file is unusable."""

    def __init__(self, path: Path | None) -> None:
        self._conn: sqlite3.Connection | None = None
        if path is not None:
            self._conn = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                if not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
                conn = sqlite3.connect(path, timeout=10, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                # Losing the last cache write to a power cut costs one re-parse.
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                return conn
            except sqlite3.DatabaseError:
                if attempt == 0:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
            except OSError:
                return None
        return None

    def lookup(self, path: Path, size: int, mtime_ns: int, raw: bytes | None) -> CachedDeck | None:
        """The cached parse if ``path`` is unchanged (same size and mtime, or same bytes)."""
        if self._conn is None:
            return None
        try:
            row = self._conn.execute(
                "SELECT size, mtime_ns, digest, parser, header, refs, warnings, errors "
                "FROM decks WHERE path = ?",
                (str(path),),
            ).fetchone()
        except sqlite3.DatabaseError:
            return None
        if row is None or row[3] != PARSER:
            return None
        if (row[0], row[1]) != (size, mtime_ns):
            if raw is None or file_digest(raw) != row[2]:
                return None
            # Touched but identical: remember the new mtime so the next start skips the hash.
            self._try(
                "UPDATE decks SET size = ?, mtime_ns = ? WHERE path = ?",
                (size, mtime_ns, str(path)),
            )
        return CachedDeck(
            digest=row[2],
            header=json.loads(row[4]) if row[4] else None,
            refs=json.loads(row[5]) if row[5] else None,
            warnings=json.loads(row[6]),
            errors=json.loads(row[7]),
        )

    def store(
        self,
        path: Path,
        size: int,
        mtime_ns: int,
        entry: CachedDeck,
        bodies: list[str] | None,
    ) -> None:
        if self._conn is None:
            return
        key = str(path)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("DELETE FROM cards WHERE path = ?", (key,))
            self._conn.execute(
                "INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    size,
                    mtime_ns,
                    entry.digest,
                    PARSER,
                    json.dumps(entry.header) if entry.header is not None else None,
                    json.dumps(entry.refs) if entry.refs is not None else None,
                    json.dumps(entry.warnings),
                    json.dumps(entry.errors),
                ),
            )
            if bodies:
                self._conn.executemany(
                    "INSERT INTO cards VALUES (?, ?, ?)",
                    ((key, ordinal, body) for ordinal, body in enumerate(bodies)),
                )
            self._conn.execute("COMMIT")
        except sqlite3.DatabaseError:
            self._try("ROLLBACK", ())

    def card_body(self, path: Path, digest: str, ordinal: int) -> str | None:
        if self._conn is None:
            return None
        try:
            row = self._conn.execute(
                "SELECT c.body FROM cards c JOIN decks d ON d.path = c.path "
                "WHERE c.path = ? AND c.ordinal = ? AND d.digest = ?",
                (str(path), ordinal, digest),
            ).fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row else None

    def _try(self, sql: str, args: tuple) -> None:
        try:
            if self._conn is not None:
                self._conn.execute(sql, args)
        except sqlite3.DatabaseError:
            pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
