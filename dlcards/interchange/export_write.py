"""Writing Anki notes: a text file Anki imports with no settings, or an .apkg (genanki).

Text: Anki's header lines name the separator, say the fields are HTML, and give
the tags, guid and deck columns, so File → Import needs no choices and a second
import updates notes by guid. Columns: front, back, tags, guid, deck, dlcards id
(a header key Anki ignores and dlcards reads). No ``#columns:`` line: Anki would
then map fields by name, and a Basic note type with localized field names would
lose the back.

.apkg: one note type with fixed ids (Anki recognises it on every re-import), the
fields Front, Back, dlcards_id and dlcards_source; notes that came from Anki go
back in their own note types, with their guids and card ordinals. A note's
modification time is when its content last changed in dlcards, so Anki's "update
if newer" takes an edit made in dlcards and keeps one made in Anki; a note type
from Anki keeps Anki's own mtime, so Anki keeps its settings for it.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import sqlite3
import warnings
import zipfile
from pathlib import Path
from typing import Any

from dlcards.interchange.export_notes import ExportNote

MODEL_ID = 1_742_515_061  # fixed forever: changing it makes Anki see a new note type
MODEL_NAME = "dlcards"
_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
  background-color: white; }
pre { text-align: left; white-space: pre-wrap; }
"""


def text_bytes(
    notes: list[ExportNote],
    deck_id: str,
    deck_name: str,
    separator: str,
    deck_tags: list[str] | None = None,
) -> bytes:
    """The notes as an Anki text file (``separator``: tab or comma); ``deck_tags`` are
    on every note, and named in a header line so an import gives them back to the deck."""
    name = "tab" if separator == "\t" else "comma"
    buffer = io.StringIO()
    buffer.write(
        f"#separator:{name}\n#html:true\n#notetype:Basic\n#tags column:3\n#guid column:4\n"
        f"#deck column:5\n#dlcards id column:6\n#dlcards deck:{deck_id}\n"
    )
    if deck_tags:
        buffer.write(f"#dlcards deck tags:{' '.join(deck_tags)}\n")
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


def _set_times(conn: sqlite3.Connection, notes: list[ExportNote], models: dict[int, Any]) -> None:
    """Content-change times on notes, Anki's own mtimes on its note types (genanki
    stamps everything with the export time)."""
    conn.executemany(
        "UPDATE notes SET mod = ? WHERE guid = ?",
        [(n.modified, n.guid) for n in notes if n.modified is not None],
    )
    if not models:
        return
    (models_json,) = conn.execute("SELECT models FROM col").fetchone()
    stored = json.loads(models_json)
    for model_id, model in models.items():
        entry = stored.get(str(model_id))
        if entry is not None:
            entry["mod"] = model.modified
    conn.execute("UPDATE col SET models = ?", (json.dumps(stored),))


def _anki_model(notetype: Any) -> Any:
    """A genanki model for a note type kept in the deck (id, name, fields, templates, CSS)."""
    import genanki

    class _Model(genanki.Model):  # type: ignore[misc]
        # genanki works out which fields each template needs by rendering it with
        # chevron; Anki recomputes that itself, and chevron does not know Anki's syntax.
        @property
        def _req(self) -> list[Any]:
            return [[i, "any", [0]] for i in range(len(self.templates))]

    model = _Model(
        notetype.id,
        notetype.name,
        fields=[{"name": name} for name in notetype.fields],
        templates=[{"name": t.name, "qfmt": t.front, "afmt": t.back} for t in notetype.templates],
        css=notetype.css,
        model_type=genanki.Model.CLOZE if notetype.kind == "cloze" else genanki.Model.FRONT_BACK,
    )
    model.modified = notetype.modified
    return model


@functools.cache
def _fixed_cards_class() -> Any:
    import genanki

    class FixedCards(genanki.Note):  # type: ignore[misc]
        """A note with exactly the cards (ordinals) Anki had for it."""

        def __init__(self, ords: list[int], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._ords = ords

        @property
        def cards(self) -> list[Any]:
            return [genanki.Card(o) for o in self._ords]

    return FixedCards


def _FixedCards(ords: list[int], **kwargs: Any) -> Any:  # noqa: N802 - a class factory
    return _fixed_cards_class()(ords, **kwargs)


def apkg_bytes(
    notes: list[ExportNote],
    deck_id: str,
    deck_name: str,
    description: str,
    timestamp: float,
    marker: dict[str, Any],
    media: list[tuple[str, Path]] | None = None,
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
    models: dict[int, Any] = {}
    for note in notes:
        if note.anki is not None:
            notetype = note.anki.notetype
            if notetype.id not in models:
                models[notetype.id] = _anki_model(notetype)
            deck.add_note(
                _FixedCards(
                    note.anki.ords,
                    model=models[notetype.id],
                    fields=list(note.anki.fields),
                    tags=note.tags,
                    guid=note.guid,
                )
            )
            continue
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
        _set_times(conn, notes, models)
        conn.commit()
        database = conn.serialize()
    finally:
        conn.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", database)
        # Media under their original names, as Anki's own (legacy) packages hold them.
        names = {}
        for index, (name, path) in enumerate(media or []):
            archive.write(path, str(index))
            names[str(index)] = name
        archive.writestr("media", json.dumps(names, ensure_ascii=False))
    return buffer.getvalue()
