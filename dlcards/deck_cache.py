"""The parse cache: decks parsed once, then read back from SQLite until they change.

tomllib and validation take seconds for a 100,000-card file; the cache keeps a
compact index of every deck (ids, types, tags, lines) and each card's body as
JSON, so start-up reads the index and a card's text is read when it is shown.
It also keeps, per card, the normalized text that searches look in (see
``dlcards.search``) beside its id, tags and front, so that searching or listing
100,000 cards is one SQL query. The cache is disposable: a broken one is deleted
and rebuilt.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from dlcards import __version__

# Entries from another dlcards version, or of another layout, are parsed afresh;
# a cache file of another format is emptied (it holds nothing that cannot be rebuilt).
# 3: the search table; 4: ctime_ns; 5: card ids in the search text; 6: source;
# 7: the search table indexed by card id (a card's ref read alone, for the queue)
CACHE_FORMAT = 7
PARSER = f"{__version__}/{CACHE_FORMAT}"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decks(
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,  -- changes with every write and cannot be set back by hand
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
CREATE TABLE IF NOT EXISTS search(
    path TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    card_id TEXT NOT NULL,
    type TEXT NOT NULL,
    tags TEXT NOT NULL,     -- every tag between unit separators: dlcards.search.tags_column
    line INTEGER NOT NULL,
    front TEXT NOT NULL,
    text TEXT NOT NULL,     -- dlcards.search.card_text: what a query is matched against
    PRIMARY KEY (path, ordinal)
) WITHOUT ROWID;
-- A card's ref by its id: the day's queue reads its few cards' refs through it
-- instead of decoding a 100k-card index (dlcards.study.day_queue).
CREATE INDEX IF NOT EXISTS search_by_card ON search (path, card_id);
"""

# One card of the search table: (card_id, type, tags column, line, front, search text).
SearchRow = tuple[str, str, str, int, str, str]
# A card's ref as the search table keeps it: (ordinal, card_id, type, tags column, line).
RefRow = tuple[int, str, str, str, int]


class FileStamp(NamedTuple):
    """What says a deck file is unchanged without reading it (DESIGN §3: path, size,
    mtime and a hash of the bytes key the cache). Tools that restore an edited file's
    mtime cannot restore its ctime, so a same-size edit is still noticed; any change of
    the stamp makes lookup compare the hash of the bytes before re-parsing."""

    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileStamp:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _glob_literal(text: str) -> str:
    """``text`` matched literally by GLOB: its wildcard characters bracketed."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


@dataclass(frozen=True)
class CachedDeck:
    digest: str
    header: dict | None
    # The deck's index in columns, so 100k cards decode in a few C calls:
    # {"ids": "a\nb…", "types": "bcm…", "tagsets": [[…], …], "tags": [i, …], "lines": [n, …]}
    refs: dict | None
    warnings: list[str]
    errors: list[str]
    # As read back by lookup: the same index still as JSON text, decoded only when a
    # command needs every card (a search or a listing reads the search table instead).
    refs_json: str | None = None


def file_digest(raw: bytes) -> str:
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _cannot_write(path: Path, exc: sqlite3.DatabaseError) -> bool:
    """Whether the cache failed for want of write access (kept then, never deleted)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) or not (
        os.access(path.parent, os.W_OK)
    )


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
                if conn.execute("PRAGMA user_version").fetchone()[0] != CACHE_FORMAT:
                    conn.executescript(
                        "DROP TABLE IF EXISTS decks; DROP TABLE IF EXISTS cards; "
                        f"DROP TABLE IF EXISTS search; PRAGMA user_version = {CACHE_FORMAT};"
                    )
                conn.executescript(_SCHEMA)
                return conn
            except sqlite3.DatabaseError as exc:
                if _cannot_write(path, exc):
                    return None  # a read-only home: no cache, decks parsed each time
                if attempt == 0:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
            except OSError:
                return None
        return None

    def lookup(self, path: Path, stamp: FileStamp, raw: bytes | None) -> CachedDeck | None:
        """The cached parse if ``path`` is unchanged (the same stamp, or the same bytes)."""
        if self._conn is None:
            return None
        try:
            row = self._conn.execute(
                "SELECT size, mtime_ns, ctime_ns, digest, parser, header, refs, warnings, "
                "errors FROM decks WHERE path = ?",
                (str(path),),
            ).fetchone()
        except sqlite3.DatabaseError:
            return None
        if row is None or row[4] != PARSER:
            return None
        if tuple(row[:3]) != stamp:
            if raw is None or file_digest(raw) != row[3]:
                return None
            # Touched, copied or moved but identical: remember the new stamp so the next
            # start skips the hash.
            self._try(
                "UPDATE decks SET size = ?, mtime_ns = ?, ctime_ns = ? WHERE path = ?",
                (*stamp, str(path)),
            )
        return CachedDeck(
            digest=row[3],
            header=json.loads(row[5]) if row[5] else None,
            refs=None,
            warnings=json.loads(row[7]),
            errors=json.loads(row[8]),
            refs_json=row[6],
        )

    def store(
        self,
        path: Path,
        stamp: FileStamp,
        entry: CachedDeck,
        bodies: list[str] | None,
        search: list[SearchRow] | None = None,
    ) -> None:
        if self._conn is None:
            return
        key = str(path)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("DELETE FROM cards WHERE path = ?", (key,))
            self._conn.execute("DELETE FROM search WHERE path = ?", (key,))
            self._conn.execute(
                "INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    *stamp,
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
            if search:
                self._conn.executemany(
                    "INSERT INTO search VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    ((key, ordinal, *row) for ordinal, row in enumerate(search)),
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

    # --- single refs ----------------------------------------------------------------

    def ref_rows(self, path: Path, digest: str, ids: Sequence[str]) -> list[RefRow] | None:
        """The refs of some of a deck's cards, by card id, each one B-tree seek; None if
        the cache cannot answer for the deck as parsed at ``digest``."""
        if self._conn is None:
            return None
        key = str(path)
        rows: list[RefRow] = []
        try:
            # One read transaction: a deck re-parsed by another process meanwhile is
            # either wholly before or wholly after it.
            self._conn.execute("BEGIN")
            if (
                self._conn.execute(
                    "SELECT 1 FROM decks WHERE path = ? AND digest = ? AND parser = ?",
                    (key, digest, PARSER),
                ).fetchone()
                is None
            ):
                return None
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join("?" * len(chunk))
                # Left to itself the planner walks the whole deck on the primary key.
                rows += self._conn.execute(
                    "SELECT ordinal, card_id, type, tags, line FROM search "
                    f"INDEXED BY search_by_card WHERE path = ? AND card_id IN ({marks})",
                    [key, *chunk],
                ).fetchall()
        except sqlite3.DatabaseError:
            return None
        finally:
            self._try("COMMIT", ())
        return rows

    # --- search -------------------------------------------------------------------

    def searchable(self, decks: list[tuple[Path, str]]) -> set[Path]:
        """Which of these (path, digest) decks the search table holds, as parsed now."""
        if self._conn is None or not decks:
            return set()
        found = set()
        try:
            for path, digest in decks:
                row = self._conn.execute(
                    "SELECT 1 FROM decks WHERE path = ? AND digest = ? AND parser = ? "
                    "AND EXISTS (SELECT 1 FROM search WHERE path = ?)",
                    (str(path), digest, PARSER, str(path)),
                ).fetchone()
                if row:
                    found.add(path)
        except sqlite3.DatabaseError:
            return set()
        return found

    def search(
        self, path: Path, terms: list[str], tags: list[str], *, with_front: bool = True
    ) -> list[tuple] | None:
        """(ordinal, card_id, type, tags column, line[, front]) of the deck's cards whose
        search text holds every term and whose tags include every tag, in file order;
        None if the cache cannot answer."""
        if self._conn is None:
            return None
        # A substring test per term. GLOB, not instr: both scan every card of the
        # deck, and GLOB does it in half the time (~50 ms for 100k cards here). The
        # text and the terms are already casefolded, so its case-sensitivity is right.
        where = ["path = ?"]
        args: list[object] = [str(path)]
        for term in terms:
            where.append("text GLOB ?")
            args.append(f"*{_glob_literal(term)}*")
        for tag in tags:
            where.append("tags GLOB ?")
            args.append(f"*\x1f{_glob_literal(tag)}\x1f*")
        columns = "ordinal, card_id, type, tags, line" + (", front" if with_front else "")
        try:
            return self._conn.execute(
                f"SELECT {columns} FROM search WHERE {' AND '.join(where)} ORDER BY ordinal",
                args,
            ).fetchall()
        except sqlite3.DatabaseError:
            return None

    def fronts(self, path: Path, ordinals: list[int]) -> dict[int, str]:
        """The fronts of some of a deck's cards (those the cache holds)."""
        if self._conn is None or not ordinals:
            return {}
        result: dict[int, str] = {}
        try:
            for start in range(0, len(ordinals), 500):
                chunk = ordinals[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                result.update(
                    self._conn.execute(
                        "SELECT ordinal, front FROM search"
                        f" WHERE path = ? AND ordinal IN ({marks})",
                        [str(path), *chunk],
                    ).fetchall()
                )
        except sqlite3.DatabaseError:
            return {}
        return result

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
