"""Reading Anki packages (.apkg, .colpkg): the collection inside, old or new.

A package is a zip holding one SQLite collection:

- ``collection.anki21b`` (Anki ≥ 2.1.50's default): zstd-compressed, schema 18 —
  notetypes, their ``fields`` and ``decks`` in tables (deck names split by
  ``\\x1f``; settings in protobuf blobs), with a ``unicase`` collation that must be
  registered before those tables are queried;
- ``collection.anki21`` / ``collection.anki2`` (legacy, and what genanki writes):
  notetypes and decks as JSON in the ``col`` row.

New packages also carry a stub ``collection.anki2`` for old Ankis, so the newest
member wins. Note types keep their templates and CSS, notes their card ordinals.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dlcards.errors import UserError
from dlcards.interchange import limits
from dlcards.interchange.limits import Budget, extract_member, open_zip
from dlcards.interchange.notes import RawNote

MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
QUERY_SECONDS = 60  # a backstop: the step budget below stops crafted queries first


@dataclass
class _Notetype:
    name: str
    cloze: bool
    fields: list[str]
    id: int = 0
    templates: list[tuple[str, str, str]] = field(default_factory=list)  # name, qfmt, afmt
    css: str = ""
    modified: int = 0

    def as_table(self) -> dict[str, object]:
        """The note type as deck format v2 keeps it (``[[notetypes]]``)."""
        from dlcards.interchange.limits import MAX_CSS_CHARS

        return {
            "id": self.id,
            "name": self.name,
            "kind": "cloze" if self.cloze else "normal",
            "fields": list(self.fields),
            "templates": [{"name": n, "front": q, "back": a} for n, q, a in self.templates],
            "css": self.css if len(self.css) <= MAX_CSS_CHARS else "",
            "modified": self.modified,
        }


@dataclass
class PackageSource:
    notes: Iterable[RawNote]  # read from the collection as they are consumed
    deck_names: Counter[str] = field(default_factory=Counter)  # deck name → notes in it
    description: str = ""  # HTML of the deck most notes are in
    member: str = ""
    notetypes: dict[int, _Notetype] = field(default_factory=dict)
    count: int = 0  # notes, as the collection counts them


def _broken(path: Path, detail: str) -> UserError:
    return UserError(
        f"{path}: not a readable .apkg ({detail})", "export it again from Anki; nothing was changed"
    )


@contextmanager
def open_package(path: Path) -> Iterator[PackageSource]:
    """The package's collection, open for the block: its notes are read as they are
    consumed (a 100,000-note package never sits in memory at once)."""
    archive = open_zip(path)
    with archive, limits.scratch_folder() as tmp:
        names = set(archive.namelist())
        member = next((m for m in MEMBERS if m in names), None)
        if member is None:
            raise _broken(path, "no Anki collection inside")
        database = Path(tmp) / "collection.sqlite3"
        extract_member(path, archive, member, database, Budget(path), zstd=member.endswith("b"))
        uri = database.as_uri() + "?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True)
        try:
            with _translated(path, member):
                source = _read_collection(path, database, conn, member)
            source.member = member
            yield source
        finally:
            conn.close()


@contextmanager
def _translated(path: Path, member: str) -> Iterator[None]:
    """What reading a crafted collection raises, as the one line that refuses it."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise _broken(path, f"{member}: {exc}") from exc
    except RecursionError as exc:
        raise _broken(path, f"{member}: its JSON is nested too deeply") from exc
    except MemoryError as exc:
        raise _broken(path, f"{member}: too large to read") from exc
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise _broken(path, f"{member}: unexpected content: {exc}") from exc


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _text(value: object) -> str:
    """A column that should hold text, whatever a crafted database put there."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _blob(value: object, what: str) -> bytes:
    """A protobuf column: bytes or nothing. ``bytes(3_000_000_000)`` would allocate 3 GB."""
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    raise ValueError(f"{what} is not a blob (it holds {type(value).__name__} data)")


def _guard(conn: sqlite3.Connection, database: Path) -> dict[str, float]:
    """Stop any query after a number of steps in proportion to the file, or a minute.

    A real collection is read in a few steps a byte; a crafted one (a recursive view
    standing in for a table) would run for ever. The minute counts reading only: the
    notes are read while they are converted, and the reader moves ``deadline`` on by
    the time it spent away.
    """
    size = database.stat().st_size
    budget = {
        "steps": limits.SQL_STEPS_FLOOR + limits.SQL_STEPS_PER_BYTE * size,
        "deadline": time.monotonic() + QUERY_SECONDS,
    }
    every = 10_000

    def tick() -> int:
        budget["steps"] -= every
        return int(budget["steps"] < 0 or time.monotonic() > budget["deadline"])

    conn.set_progress_handler(tick, every)
    return budget


def _read_collection(
    source: Path,
    database: Path,
    conn: sqlite3.Connection,
    member: str,
) -> PackageSource:
    budget = _guard(conn, database)
    conn.create_collation("unicase", _unicase)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"notes", "cards", "col"} <= tables:
        raise sqlite3.DatabaseError("not an Anki collection (no notes table)")
    count = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    if count > limits.MAX_NOTES:
        raise limits.refuse_cap(
            source, f"{count:,} notes, over the cap of {limits.MAX_NOTES:,} a package"
        )
    if "notetypes" in tables:
        notetypes = _notetypes_v18(conn)
        decks, descriptions = _decks_v18(conn)
    else:
        notetypes, decks, descriptions = _legacy(conn)
    first_deck: dict[int, int] = {}
    ords: dict[int, list[int]] = {}
    for nid, did, ord_ in conn.execute(
        "SELECT nid, CASE WHEN odid != 0 THEN odid ELSE did END, ord FROM cards ORDER BY nid, ord"
    ):
        first_deck.setdefault(nid, did)
        ords.setdefault(nid, []).append(_int(ord_))
    deck_ids: Counter[int] = Counter()
    # Every cap is checked before the first note is converted: a refusal comes at once.
    sizes = "SELECT id, length(CAST(flds AS BLOB)) > ? FROM notes ORDER BY id"
    for index, (nid, big) in enumerate(conn.execute(sizes, (limits.MAX_FIELD_BYTES,)), 1):
        if index > limits.MAX_NOTES:  # count(*) of a crafted table can differ
            raise limits.refuse_cap(source, f"over the cap of {limits.MAX_NOTES:,} notes")
        if big:
            row = conn.execute("SELECT flds FROM notes WHERE id = ?", (nid,)).fetchone()
            limits.check_field(source, f"note {index}", _text(row[0]) if row else "")
        deck_ids[first_deck.get(nid, 0)] += 1
    names: Counter[str] = Counter()
    for did, in_deck in deck_ids.items():
        names[decks.get(did, "")] += in_deck
    main = deck_ids.most_common(1)[0][0] if deck_ids else 0

    def notes() -> Iterator[RawNote]:
        rows = conn.execute("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")
        with _translated(source, member):
            for index, (nid, guid, mid, mod, tags, flds) in enumerate(rows, start=1):
                if index > limits.MAX_NOTES:
                    raise limits.refuse_cap(source, f"over the cap of {limits.MAX_NOTES:,} notes")
                notetype = notetypes.get(mid) or _Notetype("", False, [])
                did = first_deck.get(nid, 0)
                text = _text(flds)
                limits.check_field(source, f"note {index}", text)
                away = time.monotonic()
                yield RawNote(
                    where=f"note {index}",
                    fields=text.split("\x1f"),
                    field_names=notetype.fields,
                    guid=_text(guid) or None,
                    tags=_text(tags).split(),
                    notetype=notetype.name,
                    cloze=notetype.cloze,
                    notetype_id=_int(mid) if notetype.templates else None,
                    modified=_int(mod),
                    ords=ords.pop(nid, []),
                    deck=decks.get(did, ""),
                )
                budget["deadline"] += time.monotonic() - away

    return PackageSource(
        notes(), names, descriptions.get(main, ""), notetypes=notetypes, count=count
    )


def _bounded(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    """The rows of a query over a table a real collection keeps small (notetypes, their
    fields, decks); a crafted one may hold, or generate, millions: refused."""
    rows = conn.execute(f"{sql} LIMIT {limits.MAX_NOTES + 1}").fetchall()
    if len(rows) > limits.MAX_NOTES:
        raise ValueError(f"more than {limits.MAX_NOTES:,} rows in: {sql}")
    return rows


def _notetypes_v18(conn: sqlite3.Connection) -> dict[int, _Notetype]:
    fields: dict[int, list[str]] = {}
    for ntid, name in _bounded(conn, "SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        # fields and templates have no rowid, so a crafted ntid may be text: it names
        # no notetype (their ids are integer primary keys), so the row belongs to nothing.
        if isinstance(ntid, int):
            fields.setdefault(ntid, []).append(_text(name))
    templates: dict[int, list[tuple[str, str, str]]] = {}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "templates" in tables:
        rows = _bounded(conn, "SELECT ntid, name, config FROM templates ORDER BY ntid, ord")
        for ntid, name, config in rows:
            # Template.Config: 1 q_format, 2 a_format
            parsed = _proto(_blob(config, "a template's config"))
            if isinstance(ntid, int):
                templates.setdefault(ntid, []).append(
                    (_text(name), _proto_text(parsed, 1), _proto_text(parsed, 2))
                )
    out = {}
    for ntid, name, mtime, config in _bounded(
        conn, "SELECT id, name, mtime_secs, config FROM notetypes"
    ):
        if not isinstance(ntid, int):  # a crafted table's: no note can name it
            continue
        # Notetype.Config: 1 kind (1 = cloze), 3 css
        parsed = _proto(_blob(config, "a notetype's config"))
        out[ntid] = _Notetype(
            _text(name),
            parsed.get(1, [0])[0] == 1,
            fields.get(ntid, []),
            ntid,
            templates.get(ntid, []),
            _proto_text(parsed, 3),
            mtime if isinstance(mtime, int) else 0,
        )
    return out


def _proto_text(message: dict[int, list[int | bytes]], number: int) -> str:
    value = message.get(number, [b""])[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def _decks_v18(conn: sqlite3.Connection) -> tuple[dict[int, str], dict[int, str]]:
    names: dict[int, str] = {}
    descriptions: dict[int, str] = {}
    for did, name, kind in _bounded(conn, "SELECT id, name, kind FROM decks"):
        if not isinstance(did, int):  # a crafted table's: no card can name it
            continue
        names[did] = _text(name).replace("\x1f", "::")
        normal = _proto(_blob(kind, "a deck's kind")).get(1, [b""])[0]  # KindContainer.normal
        if isinstance(normal, bytes):
            description = _proto(normal).get(4, [b""])[0]  # Normal.description
            if isinstance(description, bytes):
                descriptions[did] = description.decode("utf-8", "replace")
    return names, descriptions


def _legacy(
    conn: sqlite3.Connection,
) -> tuple[dict[int, _Notetype], dict[int, str], dict[int, str]]:
    row = conn.execute("SELECT models, decks FROM col").fetchone()
    if row is None:
        raise ValueError("the col table is empty")
    models = _objects(json.loads(_text(row[0]) or "{}"), "col.models")
    decks = _objects(json.loads(_text(row[1]) or "{}"), "col.decks")
    notetypes = {}
    for mid, model in models.items():
        raw_fields = model.get("flds", [])
        if not isinstance(raw_fields, list) or not all(isinstance(f, dict) for f in raw_fields):
            raise ValueError(f"the fields of model {mid[:40]!r} are not a list of objects")
        ords = [f.get("ord", 0) for f in raw_fields]
        if not all(isinstance(o, int) for o in ords):
            raise ValueError(f"a field of model {mid[:40]!r} has no number")
        flds = sorted(raw_fields, key=lambda f: int(f.get("ord", 0)))
        tmpls = _legacy_templates(model.get("tmpls", []))
        notetypes[int(mid)] = _Notetype(
            _text(model.get("name", "")),
            model.get("type") == 1,
            [_text(f.get("name", "")) for f in flds],
            int(mid),
            tmpls,
            _text(model.get("css", "")),
            _int(model.get("mod", 0)),
        )
    names = {int(did): _text(d.get("name", "")) for did, d in decks.items()}
    descriptions = {int(did): _text(d.get("desc", "")) for did, d in decks.items()}
    return notetypes, names, descriptions


def _legacy_templates(raw: object) -> list[tuple[str, str, str]]:
    """A legacy model's templates (name, qfmt, afmt); none when they are not well formed
    (the note type is then read field by field)."""
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        return []
    ordered = sorted(raw, key=lambda t: _int(t.get("ord", 0)))
    return [
        (_text(t.get("name", "")), _text(t.get("qfmt", "")), _text(t.get("afmt", "")))
        for t in ordered
    ]


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _objects(value: object, what: str) -> dict[str, dict[str, object]]:
    """``col.models``/``col.decks``: an object of objects, or ValueError saying what it is."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} is {type(value).__name__}, not an object")
    for key, entry in value.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{what} entry {key[:40]!r} is {type(entry).__name__}")
    return value


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
