"""Issue 12 #8, against the real ``anki`` engine: compute cards exported so they wrap,
and the deck's own tags on every exported note (.apkg, TSV, CSV)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dlcards.interchange.exporter import export_deck
from dlcards.problems import PROBLEM_NAMES

from ._interchange import import_apkg
from .conftest import write_deck

anki = pytest.importorskip("anki")

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WIDTH = 60  # monospace characters across a phone-width card: a <pre> line must fit


def all_notes(col: Any) -> list[Any]:
    return [col.get_note(nid) for nid in col.find_notes("")]


def test_compute_cards_wrap_at_card_width(tmp_path: Path, collection: Any) -> None:
    blocks = [
        f'[[cards]]\nid = "{name}"\ntype = "compute"\nproblem = "{name}"' for name in PROBLEM_NAMES
    ]
    deck = write_deck(tmp_path / "src", "drills", blocks)
    out = tmp_path / "drills.apkg"
    export_deck(deck, out, now=NOW, instances=3)
    import_apkg(collection, out)
    notes = all_notes(collection)
    assert len(notes) >= len(PROBLEM_NAMES)
    for note in notes:
        for field in (note["Front"], note["Back"]):
            for pre in re.findall(r"<pre>(.*?)</pre>", field, re.DOTALL):
                longest = max(pre.splitlines(), key=len)
                assert len(longest) <= WIDTH, (note["dlcards_id"], longest)
    # The prose of a prompt is a paragraph, which wraps like any text.
    pool = next(n for n in notes if n["dlcards_id"].startswith("compute-instance:pool2d:"))
    assert re.search(r"<p>Apply \d×\d \w+ pooling", pool["Front"])


DECK = ['[[cards]]\nid = "a"\nfront = "A?"\nback = "a"\ntags = ["own"]']


@pytest.mark.parametrize("fmt", ["apkg", "tsv", "csv"])
def test_the_decks_tags_are_on_every_exported_note(
    tmp_path: Path, collection: Any, fmt: str
) -> None:
    deck = write_deck(tmp_path / "src", "dl", DECK, tags=["deep-learning", "interview prep"])
    out = tmp_path / f"dl.{fmt}"
    export_deck(deck, out, now=NOW)
    if fmt == "apkg":
        import_apkg(collection, out)
    else:
        from anki.collection import ImportCsvRequest

        metadata = collection.get_csv_metadata(str(out), None)
        collection.import_csv(ImportCsvRequest(path=str(out), metadata=metadata))
    (note,) = all_notes(collection)
    assert sorted(note.tags) == ["deep-learning", "interview_prep", "own"]
