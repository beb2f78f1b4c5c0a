"""Against a real Anki collection (the ``anki`` package; skipped when it is not installed).

Our .apkg and TSV exports imported into Anki arrive intact, a re-export after an
edit updates notes instead of duplicating them, and packages Anki itself writes
(the default anki21b and the legacy format) import into dlcards.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dlcards.interchange.exporter import export_deck
from dlcards.interchange.importer import import_deck

from ._interchange import deck_cards, deck_data, import_apkg
from .conftest import write_deck

anki = pytest.importorskip("anki")

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

DECK = [
    '''[[cards]]
    id = "relu"
    front = "What is **ReLU**?"
    back = """
`max(0, x)`, elementwise.

- cheap
- sparse gradients"""
    tags = ["activation", "two words"]''',
    '''[[cards]]
    id = "opt"
    type = "choice"
    front = "Which are optimizers?"
    choices = ["Adam", "ReLU", "SGD"]
    correct = [0, 2]
    back = "ReLU is an activation."''',
    '''[[cards]]
    id = "size"
    type = "compute"
    problem = "conv_output_size"
    front = "Output size?"''',
]


def import_text(col: Any, path: Path) -> Any:
    from anki.collection import ImportCsvRequest

    # No settings: only what the file's header lines say.
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def notes(col: Any) -> dict[str, Any]:
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out[note.guid] = note
    return out


def test_our_apkg_arrives_intact_and_a_reexport_updates(tmp_path: Path, collection: Any) -> None:
    import genanki

    from dlcards.store import Store

    store = Store.open(tmp_path / "progress.sqlite3")  # the content-change times, as the CLI

    deck = write_deck(tmp_path / "src", "dl", DECK, name="Deep Learning")
    out = tmp_path / "dl.apkg"
    export_deck(deck, out, now=NOW, instances=2, times_db=store.conn)
    log = import_apkg(collection, out)
    assert len(log.new) == 4  # relu, opt, two compute instances
    found = notes(collection)
    relu = found[genanki.guid_for("dl", "relu")]
    assert relu["Front"] == "What is <strong>ReLU</strong>?"
    assert "<li>sparse gradients</li>" in relu["Back"]
    assert sorted(relu.tags) == ["activation", "two_words"]
    assert relu["dlcards_id"] == "relu"
    assert collection.decks.name(relu.cards()[0].did) == "Deep Learning"
    assert {f["name"]: f.get("collapsed") for f in relu.note_type()["flds"]}["dlcards_source"]
    # Edit the deck, export again later: Anki updates the notes, adds none.
    deck.write_text(deck.read_text("utf-8").replace("elementwise", "applied elementwise"), "utf-8")
    export_deck(
        deck, out, now=NOW + timedelta(minutes=10), instances=2, force=True, times_db=store.conn
    )
    store.close()
    log = import_apkg(collection, out)
    assert len(log.new) == 0 and collection.note_count() == 4
    assert "applied elementwise" in notes(collection)[relu.guid]["Back"]


def test_our_tsv_arrives_intact_and_a_reexport_updates(tmp_path: Path, collection: Any) -> None:
    deck = write_deck(tmp_path / "src", "dl", DECK[:2], name="Deep Learning")
    out = tmp_path / "dl.tsv"
    export_deck(deck, out, now=NOW)
    log = import_text(collection, out)
    assert len(log.new) == 2
    found = {n["Front"]: n for n in notes(collection).values()}
    relu = found["What is <strong>ReLU</strong>?"]
    assert relu.note_type()["name"] == "Basic"
    assert "<code>max(0, x)</code>" in relu["Back"]
    assert sorted(relu.tags) == ["activation", "two_words"]
    assert collection.decks.name(relu.cards()[0].did) == "Deep Learning"
    deck.write_text(deck.read_text("utf-8").replace("cheap", "cheap to compute"), "utf-8")
    export_deck(deck, out, now=NOW, force=True)
    import_text(collection, out)
    assert collection.note_count() == 2
    assert "cheap to compute" in notes(collection)[relu.guid]["Back"]


def add_notes(col: Any) -> None:
    deck_id = col.decks.id("Biology::Cells")
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"] = "What does the <b>nucleus</b> hold?"
    basic["Back"] = 'DNA<br>and &amp; <i>nucleoli</i><img src="cell.png">'
    basic.tags = ["bio", "cell"]
    col.add_note(basic, deck_id)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "{{c1::Mitochondria}} make {{c2::ATP::energy}}"
    cloze["Back Extra"] = "powerhouse"
    col.add_note(cloze, deck_id)


@pytest.mark.parametrize("legacy", [False, True])
def test_packages_exported_by_anki_import(tmp_path: Path, collection: Any, legacy: bool) -> None:
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    add_notes(collection)
    out = tmp_path / "bio.apkg"
    collection.export_anki_package(
        out_path=str(out),
        limit=None,
        options=ExportAnkiPackageOptions(with_scheduling=False, with_media=True, legacy=legacy),
    )
    report = import_deck(out, decks_dir=tmp_path / "decks")
    guids = {n["Front"] if "Front" in n else n["Text"]: n.guid for n in notes(collection).values()}
    cards = {c["id"]: c for c in deck_cards(report.target)}
    basic = cards[f"anki-{guids['What does the <b>nucleus</b> hold?']}"]
    assert basic["front"] == "What does the **nucleus** hold?"
    assert basic["back"] == "DNA\\\nand & *nucleoli*[image: cell.png]"
    assert basic["tags"] == ["bio", "cell"]
    cloze_id = f"anki-{guids['{{c1::Mitochondria}} make {{c2::ATP::energy}}']}"
    assert cards[f"{cloze_id}-c1"]["front"] == "[…] make ATP"
    assert cards[f"{cloze_id}-c2"]["front"] == "Mitochondria make [energy]"
    # Anki's Cloze back template: {{cloze:Text}}<br>{{Back Extra}}
    assert cards[f"{cloze_id}-c2"]["back"] == "Mitochondria make **ATP**\\\npowerhouse"
    assert report.deck_name == "Cells" and report.media == 1


def test_a_round_trip_through_anki_keeps_the_cards(tmp_path: Path, collection: Any) -> None:
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    deck = write_deck(tmp_path / "src", "dl", DECK[:2], name="Deep Learning", tags=["dl"])
    out = tmp_path / "dl.apkg"
    export_deck(deck, out, now=NOW)
    import_apkg(collection, out)
    back = tmp_path / "from-anki.apkg"
    collection.export_anki_package(
        out_path=str(back),
        limit=None,
        options=ExportAnkiPackageOptions(with_scheduling=False, with_media=False, legacy=False),
    )
    report = import_deck(back, decks_dir=tmp_path / "home")
    assert report.deck_id == "dl"
    expected = deck_data(deck)["cards"]
    expected[0]["tags"] = ["activation", "two_words"]  # Anki tags cannot hold spaces
    assert deck_data(report.target)["cards"] == expected
    assert deck_data(report.target)["deck"]["tags"] == ["dl"]


def test_a_deck_exported_before_sources_updates_in_place_with_them(
    tmp_path: Path, collection: Any
) -> None:
    """Issue 15: the note type keeps its four fields, so a 0.1.0 export is updated, not doubled."""
    import genanki

    deck = write_deck(tmp_path / "src", "dl", DECK[:2], name="Deep Learning")
    out = tmp_path / "dl.apkg"
    export_deck(deck, out, now=NOW, instances=0)  # as 0.1.0 wrote it: no card has a source
    assert len(import_apkg(collection, out).new) == 2
    models_before = collection.models.all_names_and_ids()
    text = deck.read_text("utf-8").replace(
        'tags = ["activation", "two words"]',
        'tags = ["activation", "two words"]\nsource = "Nair and Hinton, 2010, ICML"',
    )
    deck.write_text(text, "utf-8")
    export_deck(deck, out, now=NOW + timedelta(minutes=10), instances=0, force=True)
    log = import_apkg(collection, out)
    assert len(log.new) == 0 and len(log.updated) >= 1 and collection.note_count() == 2
    assert collection.models.all_names_and_ids() == models_before
    relu = notes(collection)[genanki.guid_for("dl", "relu")]
    assert relu["Back"].endswith("Source: Nair and Hinton, 2010, ICML</p>")
    # Back to dlcards unedited: the source is restored exactly, not left in the back.
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    back_home = tmp_path / "back.apkg"
    collection.export_anki_package(
        out_path=str(back_home),
        limit=None,
        options=ExportAnkiPackageOptions(with_scheduling=False, with_media=False, legacy=False),
    )
    report = import_deck(back_home, decks_dir=tmp_path / "home")
    relu_card = next(c for c in deck_cards(report.target) if c["id"] == "relu")
    assert relu_card["source"] == "Nair and Hinton, 2010, ICML"
    assert "Source:" not in relu_card["back"]
