"""Reading Anki packages (.apkg, .colpkg): the collection inside, old or new.

A package is a zip holding one SQLite collection:

- ``collection.anki21b`` (Anki ≥ 2.1.50's default): zstd-compressed, schema 18 —
  notetypes, their ``fields`` and ``decks`` in tables (deck names split by
  ``\\x1f``; settings in protobuf blobs), with a ``unicase`` collation that must be
  registered before those tables are queried;
- ``collection.anki21`` / ``collection.anki2`` (legacy, and what genanki writes):
  notetypes and decks as JSON in the ``col`` row.

New packages also carry a stub ``collection.anki2`` for old Ankis, so the newest
member wins. Media files are not read.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dlcards.errors import UserError
from dlcards.interchange.limits import Budget, extract_member, open_zip
from dlcards.interchange.notes import RawNote
from dlcards.interchange.scratch import scratch_folder

MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
QUERY_SECONDS = 120


@dataclass
class _Notetype:
    name: str
    cloze: bool
    fields: list[str]


@dataclass
class PackageSource:
    notes: list[RawNote]
    deck_names: list[str] = field(default_factory=list)  # one per note
    description: str = ""  # HTML of the deck most notes are in
    member: str = ""


def _broken(path: Path, detail: str) -> UserError:
    return UserError(
        f"{path}: not a readable .apkg ({detail})", "export it again from Anki; nothing was changed"
    )


def read_package(path: Path) -> PackageSource:
    archive = open_zip(path)
    with archive, scratch_folder() as tmp:
        names = set(archive.namelist())
        member = next((m for m in MEMBERS if m in names), None)
        if member is None:
            raise _broken(path, "no Anki collection inside")
        database = Path(tmp) / "collection.sqlite3"
        extract_member(path, archive, member, database, Budget(path), zstd=member.endswith("b"))
        try:
            source = _read_collection(database)
        except sqlite3.DatabaseError as exc:
            raise _broken(path, f"{member}: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise _broken(path, f"{member}: unexpected content: {exc}") from exc
    source.member = member
    return source


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _read_collection(database: Path) -> PackageSource:
    uri = database.as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    deadline = time.monotonic() + QUERY_SECONDS
    # A crafted database can make a query run for ever; a real one is read in seconds.
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
    try:
        conn.create_collation("unicase", _unicase)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"notes", "cards", "col"} <= tables:
            raise sqlite3.DatabaseError("not an Anki collection (no notes table)")
        if "notetypes" in tables:
            notetypes = _notetypes_v18(conn)
            decks, descriptions = _decks_v18(conn)
        else:
            notetypes, decks, descriptions = _legacy(conn)
        first_deck = dict(
            conn.execute(
                "SELECT nid, CASE WHEN odid != 0 THEN odid ELSE did END FROM cards "
                "ORDER BY nid DESC, ord DESC"
            ).fetchall()
        )  # dict() keeps the last pair per note: its first card
        notes: list[RawNote] = []
        deck_names: list[str] = []
        deck_ids: Counter[int] = Counter()
        for index, (nid, guid, mid, tags, flds) in enumerate(
            conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"), start=1
        ):
            notetype = notetypes.get(mid) or _Notetype("", False, [])
            did = first_deck.get(nid, 0)
            deck_ids[did] += 1
            deck_names.append(decks.get(did, ""))
            notes.append(
                RawNote(
                    where=f"note {index}",
                    fields=str(flds).split("\x1f"),
                    field_names=notetype.fields,
                    guid=str(guid) or None,
                    tags=str(tags).split(),
                    notetype=notetype.name,
                    cloze=notetype.cloze,
                )
            )
    finally:
        conn.close()
    main = deck_ids.most_common(1)[0][0] if deck_ids else 0
    return PackageSource(notes, deck_names, descriptions.get(main, ""))


def _notetypes_v18(conn: sqlite3.Connection) -> dict[int, _Notetype]:
    fields: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(str(name))
    out = {}
    for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
        kind = _proto(bytes(config or b"")).get(1, [0])[0]  # Notetype.Config.kind: 1 = cloze
        out[ntid] = _Notetype(str(name), kind == 1, fields.get(ntid, []))
    return out


def _decks_v18(conn: sqlite3.Connection) -> tuple[dict[int, str], dict[int, str]]:
    names, descriptions = {}, {}
    for did, name, kind in conn.execute("SELECT id, name, kind FROM decks"):
        names[did] = str(name).replace("\x1f", "::")
        normal = _proto(bytes(kind or b"")).get(1, [b""])[0]  # KindContainer.normal
        if isinstance(normal, bytes):
            description = _proto(normal).get(4, [b""])[0]  # Normal.description
            if isinstance(description, bytes):
                descriptions[did] = description.decode("utf-8", "replace")
    return names, descriptions


def _legacy(
    conn: sqlite3.Connection,
) -> tuple[dict[int, _Notetype], dict[int, str], dict[int, str]]:
    models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
    models = json.loads(models_json or "{}")
    decks = json.loads(decks_json or "{}")
    notetypes = {}
    for mid, model in models.items():
        flds = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
        notetypes[int(mid)] = _Notetype(
            str(model.get("name", "")),
            model.get("type") == 1,
            [str(f.get("name", "")) for f in flds],
        )
    names = {int(did): str(d.get("name", "")) for did, d in decks.items()}
    descriptions = {int(did): str(d.get("desc", "")) for did, d in decks.items()}
    return notetypes, names, descriptions


def _varint(data: bytes, index: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if index >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index
        shift += 7


def _proto(data: bytes) -> dict[int, list[int | bytes]]:
    """The top-level fields of a protobuf message; {} if it does not parse."""
    out: dict[int, list[int | bytes]] = {}
    index = 0
    try:
        while index < len(data):
            key, index = _varint(data, index)
            number, wire = key >> 3, key & 7
            value: int | bytes
            if wire == 0:
                value, index = _varint(data, index)
            elif wire == 2:
                length, index = _varint(data, index)
                if index + length > len(data):
                    raise ValueError("truncated field")
                value, index = data[index : index + length], index + length
            elif wire in (1, 5):
                size = 8 if wire == 1 else 4
                value, index = data[index : index + size], index + size
            else:
                raise ValueError(f"wire type {wire}")
            out.setdefault(number, []).append(value)
    except ValueError:
        return {}
    return out
