"""Issue 12: the round trip Anki → dlcards → Anki against the real ``anki`` engine.

Each test follows what a user does: a collection made in Anki with its stock note
types, exported, imported into dlcards, exported from dlcards and imported back
into the collection with the options Anki's dialog offers.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dlcards.interchange.exporter import export_deck
from dlcards.interchange.importer import import_deck
from dlcards.store import Store

from ._interchange import deck_cards, deck_data, import_apkg
from .conftest import write_deck

anki = pytest.importorskip("anki")


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = Store.open(tmp_path / "home" / "progress.sqlite3")
    yield opened
    opened.close()


def export_apkg(col: Any, path: Path) -> Path:
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    col.export_anki_package(
        out_path=str(path),
        limit=None,
        options=ExportAnkiPackageOptions(with_scheduling=False, with_media=True, legacy=False),
    )
    return path


def notes_by_guid(col: Any) -> dict[str, Any]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def add_stock_notes(col: Any) -> dict[str, int]:
    """Basic, Basic (and reversed card) ×2 and Cloze with two deletions: 4 notes, 7 cards."""
    deck = col.decks.id("Bio")
    ids = {}
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"], basic["Back"] = "What does the <b>nucleus</b> hold?", "DNA"
    col.add_note(basic, deck)
    ids["basic"] = basic.id
    for front, back in (("mitosis", "cell division"), ("ATP", "energy currency")):
        reversed_ = col.new_note(col.models.by_name("Basic (and reversed card)"))
        reversed_["Front"], reversed_["Back"] = front, back
        col.add_note(reversed_, deck)
        ids[front] = reversed_.id
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "{{c1::Mitochondria}} make {{c2::ATP}}"
    col.add_note(cloze, deck)
    ids["cloze"] = cloze.id
    return ids


def test_every_card_anki_generates_is_imported_with_its_own_id(
    tmp_path: Path, collection: Any
) -> None:
    """Defect 3: the reverse card of "Basic (and reversed card)" was dropped (7 → 6)."""
    ids = add_stock_notes(collection)
    assert collection.card_count() == 7
    report = import_deck(export_apkg(collection, tmp_path / "bio.apkg"), decks_dir=tmp_path / "d")
    cards = deck_cards(report.target)
    assert len(cards) == 7 and report.imported == 7
    guid = collection.get_note(ids["mitosis"]).guid
    by_id = {c["id"]: c for c in cards}
    assert by_id[f"anki-{guid}"]["front"] == "mitosis"
    assert by_id[f"anki-{guid}"]["back"] == "cell division"
    # Card 2 of the reversed note type asks the other way round.
    assert by_id[f"anki-{guid}-2"]["front"] == "cell division"
    assert by_id[f"anki-{guid}-2"]["back"] == "mitosis"
    assert by_id[f"anki-{guid}-2"]["anki"]["ord"] == 1


def test_notes_from_anki_go_back_as_themselves(tmp_path: Path, collection: Any, store: Any) -> None:
    """Defect 2: with Anki's defaults nothing conflicts, nothing is duplicated."""
    add_stock_notes(collection)
    before = {g: (n.mid, n.fields) for g, n in notes_by_guid(collection).items()}
    models_before = sorted(collection.models.all_names_and_ids(), key=lambda m: m.id)
    source = export_apkg(collection, tmp_path / "bio.apkg")
    report = import_deck(source, decks_dir=tmp_path / "d", times_db=store.conn)
    out = tmp_path / "back.apkg"
    export_deck(report.target, out, now=datetime.now(UTC), times_db=store.conn)
    log = import_apkg(collection, out)
    assert len(log.new) == 0 and len(log.conflicting) == 0
    assert collection.note_count() == 4 and collection.card_count() == 7
    assert {g: (n.mid, n.fields) for g, n in notes_by_guid(collection).items()} == before
    assert sorted(collection.models.all_names_and_ids(), key=lambda m: m.id) == models_before
    # "Merge note types" leaves the originals in their note types too.
    log = import_apkg(collection, out, merge_notetypes=True)
    assert len(log.new) == 0
    assert {g: (n.mid, n.fields) for g, n in notes_by_guid(collection).items()} == before


def test_an_edit_in_dlcards_updates_the_note_in_anki(
    tmp_path: Path, collection: Any, store: Any
) -> None:
    ids = add_stock_notes(collection)
    source = export_apkg(collection, tmp_path / "bio.apkg")
    report = import_deck(source, decks_dir=tmp_path / "d", times_db=store.conn)
    text = report.target.read_text("utf-8").replace('back = "DNA"', 'back = "DNA and RNA"')
    report.target.write_text(text, "utf-8")
    out = tmp_path / "back.apkg"
    export_deck(report.target, out, now=datetime.now(UTC) + timedelta(hours=1), times_db=store.conn)
    log = import_apkg(collection, out)
    assert len(log.updated) == 1 and len(log.new) == 0
    assert collection.get_note(ids["basic"])["Back"] == "DNA and RNA"


def test_reexporting_an_unchanged_deck_keeps_edits_made_in_anki(
    tmp_path: Path, collection: Any, store: Any
) -> None:
    """Defect 1: every note was stamped with the export time and overwrote Anki's edit."""
    import genanki

    deck = write_deck(
        tmp_path / "src",
        "dl",
        ['[[cards]]\nid = "relu"\nfront = "ReLU?"\nback = "max(0, x)"'],
    )
    first = datetime.now(UTC) - timedelta(hours=1)
    out = tmp_path / "dl.apkg"
    export_deck(deck, out, now=first, times_db=store.conn)
    import_apkg(collection, out)
    note = notes_by_guid(collection)[genanki.guid_for("dl", "relu")]
    note["Back"] = "max(0, x), elementwise (edited in Anki)"
    collection.update_note(note)
    time.sleep(1.1)  # Anki's note times are whole seconds
    export_deck(
        deck, out, now=datetime.now(UTC) + timedelta(hours=1), times_db=store.conn, force=True
    )
    import_apkg(collection, out)
    assert "edited in Anki" in notes_by_guid(collection)[note.guid]["Back"]


def test_content_times_survive_a_lost_parse_cache(tmp_path: Path, store: Any) -> None:
    """The times live in progress.sqlite3: a second export gives the same note times."""
    import sqlite3
    import zipfile

    deck = write_deck(tmp_path / "src", "dl", ['[[cards]]\nid = "a"\nfront = "A?"\nback = "a"'])
    stamps = []
    for hours in (0, 5):
        out = tmp_path / f"dl{hours}.apkg"
        export_deck(
            deck,
            out,
            now=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=hours),
            times_db=store.conn,
        )
        with zipfile.ZipFile(out) as archive:
            (tmp_path / "c.db").write_bytes(archive.read("collection.anki2"))
        conn = sqlite3.connect(tmp_path / "c.db")
        stamps.append(conn.execute("SELECT mod FROM notes").fetchone()[0])
        conn.close()
    assert stamps[0] == stamps[1] == int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())


def add_templated_notetype(col: Any) -> Any:
    """A note type using conditionals, text:, hint:, type: and a filter dlcards lacks."""
    models = col.models
    model = models.new("Vocab")
    for name in ("Word", "Meaning", "Note", "Reading"):
        models.add_field(model, models.new_field(name))
    forward = models.new_template("Recognise")
    forward["qfmt"] = "{{Word}}{{#Note}}<br>({{text:Note}}){{/Note}}{{^Note}} (no note){{/Note}}"
    forward["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{hint:Reading}}"
    typed = models.new_template("Type it")
    typed["qfmt"] = "{{Meaning}}{{type:Word}}"
    typed["afmt"] = "{{Meaning}}<hr id=answer>{{type:Word}}{{furigana:Reading}}"
    models.add_template(model, forward)
    models.add_template(model, typed)
    models.add(model)
    return models.by_name("Vocab")


def test_templates_are_rendered_and_unsupported_features_named(
    tmp_path: Path, collection: Any
) -> None:
    model = add_templated_notetype(collection)
    deck = collection.decks.id("Words")
    with_note = collection.new_note(model)
    with_note["Word"], with_note["Meaning"] = "Hund", "dog"
    with_note["Note"], with_note["Reading"] = "<b>der</b> Hund", "hʊnt"
    collection.add_note(with_note, deck)
    bare = collection.new_note(model)
    bare["Word"], bare["Meaning"] = "Katze", "cat"
    collection.add_note(bare, deck)
    assert collection.card_count() == 4
    report = import_deck(export_apkg(collection, tmp_path / "w.apkg"), decks_dir=tmp_path / "d")
    cards = {c["id"]: c for c in deck_cards(report.target)}
    assert len(cards) == 4
    hund = cards[f"anki-{with_note.guid}"]
    assert hund["front"] == "Hund\\\n(der Hund)"  # {{#Note}} shown, text: strips the bold
    assert hund["back"] == "dog\\\n*Hint: hʊnt*"
    katze = cards[f"anki-{bare.guid}"]
    assert katze["front"] == "Katze (no note)"  # {{^Note}} shown when Note is empty
    typed = cards[f"anki-{with_note.guid}-2"]
    assert typed["front"] == "dog" and typed["answer"] == "Hund"
    assert "Hund" in typed["back"]
    assert any("furigana" in remark for remark in report.remarks)


def test_sub_and_superscripts_keep_their_meaning_and_go_back_unchanged(
    tmp_path: Path, collection: Any, store: Any
) -> None:
    """Defect 4: x<sup>2</sup> became x2 and H<sub>2</sub>O became H2O."""
    note = collection.new_note(collection.models.by_name("Basic"))
    note["Front"] = 'Energy of <span style="color: rgb(255, 0, 0);">x<sup>2</sup></span>?'
    note["Back"] = "H<sub>2</sub>O, a<sup>q</sup>, W<sub>max</sub>"
    collection.add_note(note, collection.decks.id("Chem"))
    fields = list(note.fields)
    report = import_deck(
        export_apkg(collection, tmp_path / "c.apkg"), decks_dir=tmp_path / "d", times_db=store.conn
    )
    card = deck_cards(report.target)[0]
    assert card["front"] == "Energy of x²?"
    # No superscript q exists in Unicode: a visible form, not "aq".
    assert card["back"] == "H₂O, a^(q), Wₘₐₓ"
    assert card["anki"]["fields"] == fields  # the HTML itself, colour and all
    out = tmp_path / "back.apkg"
    export_deck(report.target, out, now=datetime.now(UTC), times_db=store.conn)
    import_apkg(collection, out, update_notes=1)  # even "always update" changes nothing
    assert collection.get_note(note.id).fields == fields


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # bytes to compare, not a real picture


def test_media_are_copied_and_go_back_with_their_names(
    tmp_path: Path, collection: Any, store: Any
) -> None:
    """Defect 6: media files were not imported, so the <img src> broke on the way back."""
    from anki.collection import Collection

    name = collection.media.write_data("cell diagram.png", PNG)
    sound = collection.media.write_data("say.mp3", b"ID3 sound bytes")
    note = collection.new_note(collection.models.by_name("Basic"))
    note["Front"] = f'What is this? <img src="{name}">'
    note["Back"] = f"A cell [sound:{sound}]"
    collection.add_note(note, collection.decks.id("Bio"))
    media_root = tmp_path / "home" / "media"
    report = import_deck(
        export_apkg(collection, tmp_path / "m.apkg"),
        decks_dir=tmp_path / "d",
        times_db=store.conn,
        media_root=media_root,
    )
    card = deck_cards(report.target)[0]
    assert card["front"] == f"What is this? [image: {name}]"
    assert (media_root / report.deck_id / name).read_bytes() == PNG
    assert (media_root / report.deck_id / sound).read_bytes() == b"ID3 sound bytes"
    assert report.media_files == 2
    # Back into a fresh collection: the picture arrives under its own name.
    out = tmp_path / "back.apkg"
    export_deck(
        report.target, out, now=datetime.now(UTC), times_db=store.conn, media_root=media_root
    )
    (tmp_path / "fresh").mkdir()
    fresh = Collection(str(tmp_path / "fresh" / "collection.anki2"))
    try:
        import_apkg(fresh, out)
        (nid,) = fresh.find_notes("")
        assert fresh.get_note(nid)["Front"] == f'What is this? <img src="{name}">'
        assert Path(fresh.media.dir(), name).read_bytes() == PNG
        assert Path(fresh.media.dir(), sound).read_bytes() == b"ID3 sound bytes"
    finally:
        fresh.close()


def test_an_unchanged_reimport_leaves_the_deck_alone_and_an_edited_deck_is_merged(
    tmp_path: Path, collection: Any, store: Any
) -> None:
    add_stock_notes(collection)
    source = export_apkg(collection, tmp_path / "bio.apkg")
    first = import_deck(source, decks_dir=tmp_path / "d", times_db=store.conn)
    again = import_deck(source, decks_dir=tmp_path / "d", times_db=store.conn)
    assert (again.written, again.unchanged, again.imported) == (False, 7, 0)
    # A card deleted from the deck file since: the mark no longer holds, it comes back.
    from dlcards.interchange.deckfile import dump_deck

    data = deck_data(first.target)
    data["cards"] = data["cards"][1:]
    first.target.write_text(dump_deck(data), "utf-8")
    third = import_deck(source, decks_dir=tmp_path / "d", times_db=store.conn)
    assert (third.imported, third.unchanged) == (1, 6)
    assert len(deck_cards(third.target)) == 7


def test_an_edited_back_reaches_anki_when_only_the_front_template_is_not_one_field(
    tmp_path: Path, collection: Any, store: Any
) -> None:
    """Front and back both edited in dlcards, the front's template showing two fields:
    the back's one field ({{Meaning}}) still goes to Anki; only the front is kept."""
    models = collection.models
    model = models.new("Word and note")
    for name in ("Word", "Note", "Meaning"):
        models.add_field(model, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"] = "{{Word}} ({{Note}})"
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}"
    models.add_template(model, template)
    models.add(model)
    note = collection.new_note(models.by_name("Word and note"))
    note["Word"], note["Note"], note["Meaning"] = "Hund", "noun", "dog"
    collection.add_note(note, collection.decks.id("Words"))
    source = export_apkg(collection, tmp_path / "w.apkg")
    report = import_deck(source, decks_dir=tmp_path / "d", times_db=store.conn)
    text = report.target.read_text("utf-8")
    edited = text.replace('front = "Hund (noun)"', 'front = "der Hund (noun)"')
    edited = edited.replace('back = "dog"', 'back = "the dog"')
    assert edited.count("der Hund") == 1 and edited.count("the dog") == 1
    report.target.write_text(edited, "utf-8")
    out = tmp_path / "back.apkg"
    later = datetime.now(UTC) + timedelta(hours=1)
    exported = export_deck(report.target, out, now=later, times_db=store.conn)
    log = import_apkg(collection, out)
    assert len(log.updated) == 1 and len(log.new) == 0
    assert collection.get_note(note.id).fields == ["Hund", "noun", "the dog"]
    assert [why for _, why in exported.skipped if "front" in why], exported.skipped


def test_an_unchanged_reimport_says_what_the_first_import_said(
    tmp_path: Path, collection: Any
) -> None:
    """Importing the same .apkg again is answered at once, but it dropped the first
    import's notes (a filter dlcards does not render, a missing image) and said the file
    "carries no media files" when it carried the very files already copied."""
    from .conftest import run_cli

    models = collection.models
    model = models.copy(models.by_name("Basic"))
    model["name"] = "Reading"
    model["tmpls"][0]["qfmt"] = "{{Front}} {{furigana:Front}}"
    models.update_dict(model)
    name = collection.media.write_data("cell.png", PNG)
    note = collection.new_note(models.by_name("Reading"))
    note["Front"] = f'What is this? <img src="{name}"> <img src="gone.png">'
    note["Back"] = "A cell"
    collection.add_note(note, collection.decks.id("Bio"))
    source = export_apkg(collection, tmp_path / "bio.apkg")
    home = tmp_path / "home"
    first = run_cli(home, "import", str(source))
    assert first.returncode == 0, first.stderr
    assert "Copied 1 image/sound file(s)" in first.stdout
    again = run_cli(home, "import", str(source))
    assert again.returncode == 0, again.stderr
    assert "No change to deck 'bio'" in again.stdout
    assert "carries no media files" not in again.stdout
    for remark in ("furigana", "'gone.png'"):
        assert remark in first.stdout and remark in again.stdout, again.stdout
