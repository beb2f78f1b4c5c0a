"""Reading Anki text exports (with their ``#key:value`` header lines) and plain CSV/TSV.

Anki's rules (rslib ``import_export/text/csv``): an optional first line
``tags:…``; then header lines ``#key:value`` until the first line not starting
with ``#``; in the body, a record starting with ``#`` is a comment; columns are
1-based; records may have any length. Fields are read with the csv module, so
quoted fields may hold the separator, tabs and newlines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dlcards.errors import UserError
from dlcards.fileutil import reading
from dlcards.interchange import limits
from dlcards.interchange.limits import MAX_UNCOMPRESSED
from dlcards.interchange.notes import ID_FIELD, RawNote

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
# Anki guesses the separator as the first of these found in the first 8 KiB.
_SNIFF_ORDER = ("\t", "|", ";", ":", ",", " ")
_HTML_GUESS = re.compile(
    r"(?i)<(?:br|img|/?(?:div|p|b|i|u|s|strong|em|span|font|ol|ul|li|code|pre|sub|sup|a|"
    r"h[1-6]|table|tr|td|th|hr|blockquote))\b|&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);"
)
_FRONT_NAMES = {"front", "question", "q", "term", "prompt", "text"}
_BACK_NAMES = {"back", "answer", "a", "definition", "response", "back extra", "extra"}
_META_NAMES = {
    "tags": "tags",
    "tag": "tags",
    "guid": "guid",
    "id": "id",
    ID_FIELD: "id",
    "dlcards id": "id",
    "deck": "deck",
    "notetype": "notetype",
    "note type": "notetype",
}


@dataclass
class TextSource:
    notes: Iterable[RawNote]  # made from the rows as they are consumed
    count: int = 0  # rows that give a note
    deck_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    deck_id: str | None = None  # from a dlcards export's "#dlcards deck:" line
    deck_tags: list[str] = field(default_factory=list)  # its "#dlcards deck tags:" line


@dataclass
class _Header:
    separator: str | None = None
    html: bool | None = None
    tags: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    notetype: str | None = None
    deck: str | None = None
    meta: dict[str, int] = field(default_factory=dict)  # role -> 1-based column
    lines: int = 0
    anki: bool = False
    dlcards_deck: str | None = None
    dlcards_tags: list[str] = field(default_factory=list)


def decode(path: Path, raw: bytes) -> str:
    """UTF-8 (a BOM allowed), or a message naming the line that is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{path}:{line}: not valid UTF-8 text",
            "save the file as UTF-8 and import it again; nothing was changed",
        ) from exc


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, refused (before reading) when larger than ``limit``."""
    cap = MAX_UNCOMPRESSED if limit is None else limit
    with reading(path):
        size = path.stat().st_size
        if size > cap:
            raise UserError(
                f"{path}: refused: larger than {cap // 2**20} MB, the cap for this kind of file",
                "split the file; nothing was changed",
            )
        return path.read_bytes()


def looks_like_anki_text(text: str) -> bool:
    first = text.split("\n", 1)[0]
    return first.startswith("tags:") or (first.startswith("#") and ":" in first)


def read_text(path: Path, fmt: str) -> TextSource:
    """Notes from an Anki text export (``anki-text``) or a plain ``csv``/``tsv`` file."""
    text = decode(
        path, read_bytes(path, limits.MAX_TEXT_BYTES)
    )  # the bytes are freed as soon as decoded
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UserError(
            f"{path}:{line}: contains a NUL byte: not a text export",
            "check the file; nothing was changed",
        )
    if "\r\n" in text:  # a copy of the whole text: only when needed
        text = text.replace("\r\n", "\n")
    header, start = _parse_header(text)
    if header.separator is None:
        if fmt == "csv":
            header.separator = ","
        elif fmt == "tsv":
            header.separator = "\t"
        else:
            sample = text[start : start + 8192]
            header.separator = next((s for s in _SNIFF_ORDER if s in sample), "\t")
    rows = list(_records(path, text, start, header))
    source = TextSource([], deck_id=header.dlcards_deck, deck_tags=header.dlcards_tags)
    if not rows:
        return source
    plain_table = fmt in ("csv", "tsv") and not header.anki
    labels = header.columns
    if plain_table and _is_header_row(rows[0][1]):
        labels = [c.strip() for c in rows[0][1]]
        rows = rows[1:]
    roles = _roles(header, labels, plain_table)
    if header.html is None:
        header.html = (
            False
            if plain_table
            else any(_HTML_GUESS.search(value) for _, row in rows[:200] for value in row)
        )
    deck = roles.get("deck")
    for _, row in rows:
        if deck and deck <= len(row) and row[deck - 1].strip():
            source.deck_names.append(row[deck - 1].strip())
    if header.deck:
        source.deck_names.append(header.deck)
    rows = [(line, row) for line, row in rows if any(v.strip() for v in row)]
    source.count = len(rows)
    source.notes = _notes(path, rows, header, roles, labels, plain_table, source.warnings)
    return source


def _notes(
    path: Path,
    rows: list[tuple[int, list[str]]],
    header: _Header,
    roles: dict[str, int],
    labels: list[str],
    plain_table: bool,
    warnings: list[str],
) -> Iterator[RawNote]:
    """The rows' notes in order, each row let go once its note is made."""
    too_wide = False
    rows.reverse()
    while rows:
        line, row = rows.pop()
        note, extra = _note(path, line, row, header, roles, labels, plain_table and not labels)
        too_wide = too_wide or extra
        yield note
    if too_wide:
        warnings.append(
            "columns after the third were ignored (a plain table without a "
            "header row is read as front, back, tags)"
        )


def _parse_header(text: str) -> tuple[_Header, int]:
    """The header lines, and where the body starts (an offset: no copy of the body)."""
    header = _Header()
    position = 0
    first = True
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end]
        if first and line.startswith("tags:"):
            header.tags = line[5:].split()
            header.anki = True
        elif line.startswith("#"):
            header.anki = True
            key, colon, value = line[1:].partition(":")
            if colon:
                _header_value(header, key.strip().lower(), value)
        else:
            break
        first = False
        header.lines += 1
        position = end + 1
    return header, min(position, len(text))


def _header_value(header: _Header, key: str, value: str) -> None:
    if key == "separator":
        name = value.strip().lower()
        if name in SEPARATORS:
            header.separator = SEPARATORS[name]
        elif len(value) == 1 and value not in '"\n':
            header.separator = value  # a literal character, as Anki accepts
    elif key == "html":
        if value.strip().lower() in ("true", "false"):
            header.html = value.strip().lower() == "true"
    elif key == "tags":
        header.tags = value.split()
    elif key == "columns":
        rows = list(csv.reader([value], delimiter=header.separator or "\t")) if value else []
        header.columns = rows[0] if rows else []
    elif key == "notetype":
        header.notetype = value.strip()
    elif key == "deck":
        header.deck = value.strip()
    elif key == "dlcards deck":
        header.dlcards_deck = value.strip() or None
    elif key == "dlcards deck tags":
        header.dlcards_tags = value.split()
    elif key.endswith(" column"):
        role = {
            "tags column": "tags",
            "guid column": "guid",
            "deck column": "deck",
            "notetype column": "notetype",
            "dlcards id column": "id",
        }.get(key)
        # int() refuses more than 4,300 digits; no file has a millionth column.
        digits = value.strip()
        if role and digits.isdecimal() and len(digits) <= 6 and int(digits) > 0:
            header.meta[role] = int(digits)


def _lines(text: str, start: int) -> Iterator[str]:
    """The lines of ``text`` from ``start``, ends kept, one slice at a time (no copy of it all)."""
    end = len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _records(path: Path, text: str, start: int, header: _Header) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) per record, comment records skipped, errors located."""
    state = {"start": True, "line": header.lines, "first": header.lines + 1, "chars": 0}
    # The csv module holds the record being read four bytes a character: a cap on
    # a record's size bounds it (a record has a few fields, each within the cap).
    record_cap = limits.MAX_RECORD_FIELDS * limits.MAX_FIELD_BYTES

    def feed() -> Iterator[str]:
        for line in _lines(text, start):
            state["line"] += 1
            state["chars"] = (0 if state["start"] else state["chars"]) + len(line)
            if state["chars"] > record_cap:
                raise limits.refuse_cap(
                    path,
                    f"line {state['first']} starts a record over the cap of "
                    f"{record_cap // 2**20} MB a record",
                )
            # A line starting with '#' is a comment only where a record starts, not
            # inside a quoted field that spans lines.
            if state["start"]:
                if line.startswith("#") and header.anki:
                    continue
                state["first"] = state["line"]
                state["start"] = False
            yield line

    # The csv module refuses fields over 128 KiB by default; a card may legitimately
    # hold a megabyte of HTML, and the file as a whole is already capped.
    csv.field_size_limit(MAX_UNCOMPRESSED)
    reader = csv.reader(feed(), delimiter=header.separator or "\t", strict=True)
    count = 0
    try:
        for row in reader:
            count += 1
            if count > limits.MAX_NOTES:
                raise limits.refuse_cap(
                    path, f"more than {limits.MAX_NOTES:,} records, the cap for one file"
                )
            for value in row:
                limits.check_field(path, f"line {state['first']}", value)
            yield state["first"], row
            state["start"] = True
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted field is not closed (the file looks truncated)"
        raise UserError(
            f"{path}:{state['first']}: cannot read this record ({reason})",
            "fix the file or export it again; nothing was changed",
        ) from exc


def _is_header_row(row: list[str]) -> bool:
    names = {c.strip().lower() for c in row if c.strip()}
    known = _FRONT_NAMES | _BACK_NAMES | set(_META_NAMES)
    return bool(names) and names <= known and bool(names & (_FRONT_NAMES | _BACK_NAMES))


def _roles(header: _Header, labels: list[str], plain_table: bool) -> dict[str, int]:
    roles = dict(header.meta)
    if plain_table and labels:
        for index, label in enumerate(labels, start=1):
            role = _META_NAMES.get(label.strip().lower())
            if role and role not in roles:
                roles[role] = index
    if plain_table and not labels and "tags" not in roles:
        roles["tags"] = 3
    return roles


def _note(
    path: Path,
    line: int,
    row: list[str],
    header: _Header,
    roles: dict[str, int],
    labels: list[str],
    positional: bool,
) -> tuple[RawNote, bool]:
    meta_columns = set(roles.values())

    def cell(role: str) -> str:
        column = roles.get(role)
        return row[column - 1] if column and column <= len(row) else ""

    columns = [i for i in range(1, len(row) + 1) if i not in meta_columns]
    extra = False
    if positional and len(columns) > 2:
        columns, extra = columns[:2], True
    fields = [row[i - 1] for i in columns]
    names = [labels[i - 1] if i <= len(labels) else "" for i in columns]
    if labels:
        # A header naming the front puts it first, whatever its column.
        fronts = [k for k, n in enumerate(names) if n.strip().lower() in _FRONT_NAMES]
        if fronts and fronts[0] != 0:
            k = fronts[0]
            fields.insert(0, fields.pop(k))
            names.insert(0, names.pop(k))
    dlcards_id = cell("id").strip()
    if dlcards_id:
        fields.append(dlcards_id)
        names.append(ID_FIELD)
    notetype = cell("notetype").strip() or header.notetype or ""
    tags = list(dict.fromkeys([*header.tags, *cell("tags").split()]))
    guid = cell("guid").strip() or None
    note = RawNote(
        where=f"line {line}",
        fields=fields,
        field_names=names,
        guid=guid,
        tags=tags,
        notetype=notetype,
        cloze="cloze" in notetype.lower(),
        html=bool(header.html),
    )
    return note, extra
