"""Writing Anki notes: a text file Anki imports with no settings, or an .apkg (genanki).

Text: Anki's header lines name the separator, say the fields are HTML, and give
the tags, guid and deck columns, so File → Import needs no choices and a second
import updates notes by guid. Columns: front, back, tags, guid, deck, dlcards id
(a header key Anki ignores and dlcards reads). No ``#columns:`` line: Anki would
then map fields by name, and a Basic note type with localized field names would
lose the back.

.apkg: one note type with fixed ids (Anki recognises it on every re-import), the
fields Front, Back, dlcards_id and dlcards_source; note modification times are
the export time, so Anki's "update if newer" takes a re-export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import sqlite3
import warnings
import zipfile
from typing import Any

from dlcards.interchange.export_notes import ExportNote

MODEL_ID = 1_742_515_061  # fixed forever: changing it makes Anki see a new note type
MODEL_NAME = "dlcards"
_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
  background-color: white; }
pre { text-align: left; }
"""


def text_bytes(notes: list[ExportNote], deck_id: str, deck_name: str, separator: str) -> bytes:
    """The notes as an Anki text file (``separator``: tab or comma)."""
    name = "tab" if separator == "\t" else "comma"
    buffer = io.StringIO()
    buffer.write(
        f"#separator:{name}\n#html:true\n#notetype:Basic\n#tags column:3\n#guid column:4\n"
        f"#deck column:5\n#dlcards id column:6\n#dlcards deck:{deck_id}\n"
    )
    plain = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    quoted = csv.writer(buffer, delimiter=separator, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for note in notes:
        row = [note.front, note.back, " ".join(note.tags), note.guid, deck_name, note.card_id]
        # Anki reads a record starting with '#' as a comment: quote it.
        (quoted if note.front.startswith("#") else plain).writerow(row)
    return buffer.getvalue().encode("utf-8")


def anki_deck_id(deck_id: str) -> int:
    """A stable Anki deck id for a dlcards deck id, in genanki's recommended range."""
    digest = hashlib.blake2b(deck_id.encode("utf-8"), digest_size=8).digest()
    return (1 << 30) + int.from_bytes(digest, "big") % (1 << 30)


def _model() -> Any:
    import genanki

    hidden = {"collapsed": True, "excludeFromSearch": True}
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[
            {"name": "Front"},
            {"name": "Back"},
            {"name": "dlcards_id", **hidden},
            {"name": "dlcards_source", **hidden},
        ],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}",
            }
        ],
        css=_CSS,
    )


def apkg_bytes(
    notes: list[ExportNote],
    deck_id: str,
    deck_name: str,
    description: str,
    timestamp: float,
    marker: dict[str, Any],
) -> bytes:
    """An .apkg holding ``notes`` in one deck; deck id and tags ride in the description."""
    import genanki

    model = _model()
    comment = json.dumps(marker, ensure_ascii=False).replace("--", "\\u002d\\u002d")
    deck = genanki.Deck(
        anki_deck_id(deck_id),
        deck_name,
        description=f"{description}\n<!-- dlcards {comment} -->".strip(),
    )
    for note in notes:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[note.front, note.back, note.card_id, note.source],
                tags=note.tags,
                guid=note.guid,
            )
        )
    # genanki's write_to_file leaves its temporary database in /tmp; build the
    # collection in memory instead and zip it ourselves, as it does.
    conn = sqlite3.connect(":memory:")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # genanki's HTML lint; the HTML is ours
            genanki.Package(deck).write_to_db(
                conn.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
        conn.commit()
        database = conn.serialize()
    finally:
        conn.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", database)
        archive.writestr("media", "{}")
    return buffer.getvalue()
