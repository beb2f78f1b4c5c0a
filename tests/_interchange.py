"""Builders for the interchange tests: Anki packages made by hand, as Anki lays them out.

The schema-18 builder follows Anki's layout (rslib/src/storage/schema*.sql):
``notetypes``/``fields``/``decks`` tables with a ``unicase`` collation, protobuf
config blobs, deck names split by ``\\x1f``, the database zstd-compressed without
a content size in ``collection.anki21b``, beside a stub ``collection.anki2``.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Note:
    fields: list[str]
    guid: str
    tags: list[str] = field(default_factory=list)
    model: str = "Basic"
    deck: str = "Default"


MODELS: dict[str, tuple[int, bool, list[str]]] = {
    "Basic": (1001, False, ["Front", "Back"]),
    "Cloze": (1002, True, ["Text", "Back Extra"]),
    "Three": (1003, False, ["Word", "Meaning", "Example"]),
}


def _unicase(a: str, b: str) -> int:
    return (a.casefold() > b.casefold()) - (a.casefold() < b.casefold())


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _proto_string(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def v18_database(notes: list[Note], descriptions: dict[str, str] | None = None) -> bytes:
    """An Anki schema-18 collection holding ``notes``, as bytes."""
    conn = sqlite3.connect(":memory:")
    conn.create_collation("unicase", _unicase)
    conn.executescript(
        """
        CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer,
          ver integer, dty integer, usn integer, ls integer, conf text, models text,
          decks text, dconf text, tags text);
        CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null,
          mod integer not null, usn integer not null, tags text not null, flds text not null,
          sfld integer not null, csum integer not null, flags integer not null,
          data text not null);
        CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null,
          ord integer not null, mod integer not null, usn integer not null,
          type integer not null, queue integer not null, due integer not null,
          ivl integer not null, factor integer not null, reps integer not null,
          lapses integer not null, left integer not null, odue integer not null,
          odid integer not null, flags integer not null, data text not null);
        CREATE TABLE notetypes (id integer not null primary key,
          name text not null collate unicase, mtime_secs integer not null,
          usn integer not null, config blob not null);
        CREATE TABLE fields (ntid integer not null, ord integer not null,
          name text not null collate unicase, config blob not null,
          primary key (ntid, ord)) without rowid;
        CREATE TABLE decks (id integer primary key not null, name text not null collate unicase,
          mtime_secs integer not null, usn integer not null, common blob not null,
          kind blob not null);
        CREATE UNIQUE INDEX idx_notetypes_name ON notetypes (name);
        CREATE UNIQUE INDEX idx_decks_name ON decks (name);
        """
    )
    conn.execute("INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '')")
    for name, (ntid, cloze, names) in MODELS.items():
        config = b"\x08\x01" if cloze else b""  # Notetype.Config.kind = CLOZE
        conn.execute(
            "INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (ntid, name, config + b"\x1a\x00")
        )
        for ord_, field_name in enumerate(names):
            conn.execute("INSERT INTO fields VALUES (?, ?, ?, ?)", (ntid, ord_, field_name, b""))
    deck_ids: dict[str, int] = {}
    for note in notes:
        if note.deck not in deck_ids:
            deck_ids[note.deck] = 2000 + len(deck_ids)
            description = (descriptions or {}).get(note.deck, "").encode()
            kind = _proto_string(1, _varint(1 << 3) + _varint(1) + _proto_string(4, description))
            conn.execute(
                "INSERT INTO decks VALUES (?, ?, 0, 0, ?, ?)",
                (deck_ids[note.deck], note.deck.replace("::", "\x1f"), b"", kind),
            )
    for nid, note in enumerate(notes, start=1):
        ntid = MODELS[note.model][0]
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, ?, 0, 0, '')",
            (
                nid,
                note.guid,
                ntid,
                f" {' '.join(note.tags)} " if note.tags else "",
                "\x1f".join(note.fields),
                note.fields[0],
            ),
        )
        conn.execute(
            "INSERT INTO cards VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            (nid, nid, deck_ids[note.deck]),
        )
    conn.commit()
    data = conn.serialize()
    conn.close()
    return data


def zstd(data: bytes) -> bytes:
    import zstandard

    # As Anki writes it: no content size in the frame header.
    return zstandard.ZstdCompressor(write_content_size=False).compress(data)


def v18_package(path: Path, notes: list[Note], **kwargs: Any) -> Path:
    """A package as current Anki exports it by default (collection.anki21b)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta", b"\x08\x03")
        archive.writestr("collection.anki21b", zstd(v18_database(notes, **kwargs)))
        archive.writestr("collection.anki2", b"stub: please update to the latest Anki version")
        archive.writestr("media", zstd(b""))
    return path


# The tables of a schema-11 (legacy) collection that the readers use.
LEGACY_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer,
  ver integer, dty integer, usn integer, ls integer, conf text, models text,
  decks text, dconf text, tags text);
CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer,
  usn integer, tags text, flds text, sfld integer, csum integer, flags integer,
  data text);
CREATE TABLE cards (id integer primary key, nid integer, did integer, ord integer,
  mod integer, usn integer, type integer, queue integer, due integer, ivl integer,
  factor integer, reps integer, lapses integer, left integer, odue integer,
  odid integer, flags integer, data text);
"""


def legacy_database(notes: list[Note]) -> bytes:
    """A schema-11 collection (models and decks as JSON in ``col``)."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(LEGACY_SCHEMA)
    models = {
        str(ntid): {
            "name": name,
            "type": int(cloze),
            "flds": [{"name": n, "ord": i} for i, n in enumerate(names)],
        }
        for name, (ntid, cloze, names) in MODELS.items()
    }
    deck_ids = {d: 3000 + i for i, d in enumerate(dict.fromkeys(n.deck for n in notes))}
    decks = {str(did): {"name": name, "desc": ""} for name, did in deck_ids.items()}
    conn.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (json.dumps(models), json.dumps(decks)),
    )
    for nid, note in enumerate(notes, start=1):
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
            (nid, note.guid, MODELS[note.model][0], " ".join(note.tags), "\x1f".join(note.fields)),
        )
        conn.execute(
            "INSERT INTO cards VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            (nid, nid, deck_ids[note.deck]),
        )
    conn.commit()
    data = conn.serialize()
    conn.close()
    return data


def legacy_package(path: Path, notes: list[Note], member: str = "collection.anki2") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, legacy_database(notes))
        archive.writestr("media", "{}")
    return path


def deck_cards(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text("utf-8"))["cards"]


def deck_data(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text("utf-8"))


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to show nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def import_apkg(col: Any, path: Path, **options: Any) -> Any:
    """Import ``path`` into the real Anki collection ``col``, as Anki's import dialog
    does: its default options (update notes if newer) unless ``options`` says otherwise;
    gives Anki's import log."""
    from anki.collection import ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageOptions

    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions(**options)
    )
    return col.import_anki_package(request).log
