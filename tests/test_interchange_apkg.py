"""Anki packages both ways: anki21b (zstd, schema 18), legacy anki21/anki2, our own .apkg."""

from __future__ import annotations

import json
import sqlite3
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.interchange.deckfile import dump_deck
from dlcards.interchange.export_write import MODEL_ID
from dlcards.interchange.exporter import export_deck
from dlcards.interchange.importer import import_deck

from ._interchange import Note, deck_cards, deck_data, legacy_package, v18_package
from .conftest import REPO, examples, write_deck

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

NOTES = [
    Note(
        ["What is <b>ReLU</b>?", "max(0,&nbsp;x)<br>cheap &amp; sparse"],
        "g1",
        ["act"],
        deck="DL::Activations",
    ),
    Note(
        ["A {{c1::sigmoid}} maps to {{c2::(0, 1)::range}}", "<i>logistic</i>"],
        "g2",
        model="Cloze",
        deck="DL::Activations",
    ),
    Note(
        ["tanh", "zero-centred", "<code>np.tanh(x)</code>"],
        "g3",
        ["act", "fn"],
        model="Three",
        deck="DL::Activations",
    ),
    Note(
        ['Image <img src="relu plot.png">', "[sound:relu_intro.mp3] see"],
        "g4",
        deck="DL::Activations",
    ),
    Note(["", "no front"], "g5", deck="DL::Activations"),
    Note(["{{c1::unclosed", ""], "g6", model="Cloze", deck="DL::Activations"),
]


def expected_cards() -> dict[str, dict]:
    return {
        "anki-g1": {
            "id": "anki-g1",
            "guid": "g1",
            "front": "What is **ReLU**?",
            "back": "max(0, x)\\\ncheap & sparse",
            "tags": ["act"],
        },
        "anki-g2-c1": {
            "id": "anki-g2-c1",
            "guid": "g2-c1",
            "front": "A […] maps to (0, 1)",
            "back": "A **sigmoid** maps to (0, 1)\n\n*logistic*",
        },
        "anki-g2-c2": {
            "id": "anki-g2-c2",
            "guid": "g2-c2",
            "front": "A sigmoid maps to [range]",
            "back": "A sigmoid maps to **(0, 1)**\n\n*logistic*",
        },
        "anki-g3": {
            "id": "anki-g3",
            "guid": "g3",
            "front": "tanh",
            "back": "zero-centred\n\n`np.tanh(x)`",
            "tags": ["act", "fn"],
        },
        "anki-g4": {
            "id": "anki-g4",
            "guid": "g4",
            "front": "Image [image: relu plot.png]",
            "back": "[sound:relu_intro.mp3] see",
        },
    }


@pytest.mark.parametrize("kind", ["anki21b", "anki21", "anki2"])
def test_packages_of_every_generation_import_alike(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "DL.apkg"
    if kind == "anki21b":
        v18_package(path, NOTES, descriptions={"DL::Activations": "About <b>activations</b>"})
    else:
        legacy_package(path, NOTES, member=f"collection.{kind}")
    report = import_deck(path, decks_dir=tmp_path / "decks")
    assert report.deck_id == "dl" and report.deck_name == "Activations"
    assert {c["id"]: c for c in deck_cards(report.target)} == expected_cards()
    assert report.imported == 5 and report.media == 1
    reasons = dict(report.skipped)
    assert reasons["note 5"] == "its first field (the front) is empty"
    assert "not closed" in reasons["note 6"]
    if kind == "anki21b":
        assert deck_data(report.target)["deck"]["description"] == "About **activations**"


def test_the_newest_collection_in_a_package_wins(tmp_path: Path) -> None:
    path = v18_package(tmp_path / "new.apkg", NOTES[:1])
    # The stub collection.anki2 beside it is not a database at all.
    assert zipfile.ZipFile(path).read("collection.anki2").startswith(b"stub")
    report = import_deck(path, decks_dir=tmp_path / "decks")
    assert report.imported == 1


def test_reimport_updates_cards_by_guid_and_keeps_the_others(tmp_path: Path) -> None:
    path = v18_package(tmp_path / "DL.apkg", NOTES[:1])
    decks = tmp_path / "decks"
    first = import_deck(path, decks_dir=decks)
    first.target.write_text(
        first.target.read_text("utf-8") + '\n[[cards]]\nid = "mine"\nfront = "Q"\nback = "A"\n',
        "utf-8",
    )
    changed = [
        Note(["What is <b>ReLU</b>?", "max(0, x) — edited in Anki"], "g1", ["act"]),
        NOTES[2],
    ]
    v18_package(path, changed)
    second = import_deck(path, decks_dir=decks)
    assert (second.imported, second.updated, second.unchanged) == (1, 1, 0)
    cards = {c["id"]: c for c in deck_cards(first.target)}
    assert set(cards) == {"anki-g1", "mine", "anki-g3"}
    assert cards["anki-g1"]["back"] == "max(0, x) — edited in Anki"


ROUND_TRIP_DECK = [
    '''[[cards]]
    id = "relu"
    front = "What is **ReLU**?"
    back = """
`max(0, x)`, elementwise.
* cheap
* sparse gradients
```python
import numpy as np
np.maximum(0, x)
```
"""
    tags = ["activation", "basics"]''',
    '''[[cards]]
    id = "opt"
    type = "choice"
    front = "Which are optimizers?"
    choices = ["Adam", "ReLU", "SGD with *momentum*"]
    correct = [0, 2]
    back = "ReLU is an activation."''',
    '''[[cards]]
    id = "has-guid"
    guid = "Ab#1/x"
    front = "Kept guid"
    back = "<b>raw html</b> stays text"''',
    '''[[cards]]
    id = "size"
    type = "compute"
    problem = "conv_output_size"
    front = "Output size?"''',
]


def test_toml_to_apkg_to_toml_keeps_fronts_backs_tags_and_ids(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "src", "rt", ROUND_TRIP_DECK, name="Round Trip", tags=["dl"])
    out = tmp_path / "rt.apkg"
    report = export_deck(deck, out, now=NOW, instances=3)
    assert report.counts == {"basic": 2, "choice": 1, "compute": 3}
    back = import_deck(out, decks_dir=tmp_path / "home")
    assert back.deck_id == "rt" and back.deck_name == "Round Trip"
    original = deck_data(deck)
    imported = deck_data(back.target)
    assert imported["deck"]["tags"] == ["dl"]
    # Every card but the compute one comes back exactly; its frozen instances are skipped.
    assert imported["cards"] == [c for c in original["cards"] if c.get("type") != "compute"]
    assert [r for _, r in back.skipped] == [
        "a frozen instance of a compute card (dlcards generates those itself; the compute card "
        "stays in its deck)"
    ] * 3


def test_apkg_layout_fixed_model_guids_and_fields(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "src", "rt", ROUND_TRIP_DECK)
    out = tmp_path / "rt.apkg"
    export_deck(deck, out, now=NOW, instances=2)
    with zipfile.ZipFile(out) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        (tmp_path / "c.db").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.db")
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    assert list(models) == [str(MODEL_ID)]
    assert [f["name"] for f in models[str(MODEL_ID)]["flds"]] == [
        "Front",
        "Back",
        "dlcards_id",
        "dlcards_source",
    ]
    rows = {r[1].split("\x1f")[2]: r for r in conn.execute("SELECT guid, flds, mod FROM notes")}
    import genanki

    assert rows["relu"][0] == genanki.guid_for("rt", "relu")
    assert rows["has-guid"][0] == "Ab#1/x"
    instance_guids = {rows[k][0] for k in rows if k.startswith("compute-instance:")}
    assert len(instance_guids) == 2
    assert {r[2] for r in rows.values()} == {int(NOW.timestamp())}
    relu = rows["relu"][1].split("\x1f")
    assert relu[0] == "What is <strong>ReLU</strong>?"
    assert "<li>cheap</li>" in relu[1] and 'class="language-python"' in relu[1]
    choice = rows["opt"][1].split("\x1f")
    assert "<li>Adam</li>" in choice[0] and "<strong>Adam</strong> ✓" in choice[1]
    assert "&lt;b&gt;raw html&lt;/b&gt;" in rows["has-guid"][1]


def test_a_note_edited_in_anki_is_converted_from_its_html(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "src", "rt", ROUND_TRIP_DECK[:1])
    out = tmp_path / "rt.apkg"
    export_deck(deck, out, now=NOW)
    # Edit the Back field inside the package, as Anki's editor would.
    with zipfile.ZipFile(out) as archive:
        db = archive.read("collection.anki2")
    (tmp_path / "c.db").write_bytes(db)
    conn = sqlite3.connect(tmp_path / "c.db")
    flds = conn.execute("SELECT flds FROM notes").fetchone()[0].split("\x1f")
    flds[1] = "Edited in <b>Anki</b>"
    conn.execute("UPDATE notes SET flds = ?", ("\x1f".join(flds),))
    conn.commit()
    conn.close()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("collection.anki2", (tmp_path / "c.db").read_bytes())
    report = import_deck(out, decks_dir=tmp_path / "home")
    card = deck_cards(report.target)[0]
    assert (card["id"], card["front"], card["back"]) == (
        "relu",
        "What is **ReLU**?",
        "Edited in **Anki**",
    )


def test_exporting_the_shipped_decks_round_trips(tmp_path: Path) -> None:
    deck = REPO / "decks" / "deep-learning-interview.toml"
    out = tmp_path / "dli.apkg"
    export_deck(deck, out, now=NOW)
    report = import_deck(out, decks_dir=tmp_path / "home")
    assert deck_data(report.target)["cards"] == tomllib.loads(deck.read_text("utf-8"))["cards"]


plain_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
card_strategy = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
        "front": plain_text,
        "back": plain_text,
    },
    optional={
        "tags": st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=3),
        "params": st.dictionaries(
            st.from_regex(r"[a-z_]{1,6}", fullmatch=True),
            st.integers() | st.lists(st.integers(), max_size=4),
            max_size=3,
        ),
    },
)


@settings(max_examples=examples(200, 60), deadline=None)
@given(st.lists(card_strategy, max_size=4), plain_text)
def test_deck_layout_reads_back_as_written(cards: list[dict], name: str) -> None:
    data = {"deck": {"id": "d", "name": name or "n"}, "cards": cards}
    text = dump_deck(data)
    parsed = tomllib.loads(text)
    assert parsed["deck"] == data["deck"] and parsed.get("cards", []) == cards
    assert text.startswith("[deck]\n")
