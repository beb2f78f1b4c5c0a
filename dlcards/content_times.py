"""When each card's content last changed, kept in ``progress.sqlite3`` (issue 12).

Anki's import updates a note only when the incoming note is newer than its own
copy ("update if newer"). An export therefore stamps each note with the time its
content last changed in dlcards, never with the export time: an unchanged card
then never overwrites an edit made in Anki.

The table is keyed by (deck id, card id) and holds the hash of the content seen
last and when it was first seen. A card whose hash differs from the stored one
has changed: it gets a new time. Keying by the hash as well would give a card
edited back to an older text that older time, which Anki would then ignore.
The times live in the progress database (durable, backed up), not in the
disposable parse cache: deleting the cache must not make every card look new.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import c_make_encoder as _c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring
from typing import Any

# The table, for schema.sql and store.MIGRATIONS (schema version 3).
SCHEMA = """
CREATE TABLE content_times (
    deck_id     TEXT NOT NULL,
    card_id     TEXT NOT NULL,
    hash        TEXT NOT NULL,      -- content_hash() of the card as last seen
    changed_at  INTEGER NOT NULL,   -- Unix seconds when that content was first seen
    PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;
"""


# json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")), with the
# encoder built once rather than for every card of an import.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
# What _ENCODER.encode runs, made once: the C encoder it builds on every call (a card is
# a tree of dicts, lists and scalars, so the cycle check it skips finds nothing).
_C_ENCODE = (
    None
    if _c_make_encoder is None
    else _c_make_encoder(
        None, _ENCODER.default, encode_basestring, None, ":", ",", True, False, True
    )
)


def content_hash(content: Mapping[str, Any]) -> str:
    """A short, stable fingerprint of what a card shows and exports."""
    if _C_ENCODE is not None and content.__class__ is dict:
        text = "".join(_C_ENCODE(content, 0))
    else:
        text = _ENCODER.encode(content)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def card_hash(card: Mapping[str, Any]) -> str:
    """:func:`content_hash` of a card as a TOML table or a parsed card's fields: the same
    card gives the same hash either way (defaults and the id left out)."""
    content = {
        k: v
        for k, v in card.items()
        if k != "id" and v not in (None, [], "", {}) and not (k == "type" and v == "basic")
    }
    return content_hash(content)


def stamp(
    conn: sqlite3.Connection,
    deck_id: str,
    hashes: Mapping[str, str],
    now: datetime,
    *,
    known: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """The content-change time (Unix seconds) of each card in ``hashes`` (card id → hash).

    A card seen before with the same hash keeps its time; a new or changed card
    gets ``known[card id]`` when given (the modification time Anki had for the
    note it came from), else ``now``. All in one transaction.
    """
    seconds = int(now.astimezone(UTC).timestamp())
    out: dict[str, int] = {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        stored = {
            card_id: (hash_, changed)
            for card_id, hash_, changed in conn.execute(
                "SELECT card_id, hash, changed_at FROM content_times WHERE deck_id = ?",
                (deck_id,),
            )
        }
        fresh = []
        for card_id, hash_ in hashes.items():
            old = stored.get(card_id)
            if old is not None and old[0] == hash_:
                out[card_id] = old[1]
                continue
            changed = (known or {}).get(card_id, seconds)
            out[card_id] = changed
            fresh.append((deck_id, card_id, hash_, changed))
        conn.executemany("INSERT OR REPLACE INTO content_times VALUES (?, ?, ?, ?)", fresh)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return out
