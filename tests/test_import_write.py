"""Writing an imported deck: block by block, checked, atomic (deck_write, deckfile)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlcards.collection import may_hold_deck
from dlcards.errors import UserError
from dlcards.interchange.deck_write import Spool, dump_deck, write_deck
from dlcards.interchange.importer import import_deck

# Any text a field may hold, line breaks, CR, tabs and other controls included.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    st.lists(st.tuples(any_text, any_text, st.lists(any_text, max_size=3)), min_size=1, max_size=4)
)
def test_any_text_reads_back_exactly_as_written(cards: list[tuple[str, str, list[str]]]) -> None:
    data = {
        "deck": {"id": "d", "name": "n"},
        "cards": [
            {"id": f"c{i}", "front": f, "back": b, "anki": {"guid": f, "ord": 1, "fields": x}}
            for i, (f, b, x) in enumerate(cards)
        ],
    }
    assert tomllib.loads(dump_deck(data)) == data


def test_multi_line_text_is_written_as_a_person_writes_it() -> None:
    text = dump_deck({"deck": {"id": "d", "name": "n"}, "cards": [{"id": "a", "back": 'x\n"y"'}]})
    assert 'back = """\nx\n\\"y\\""""\n' in text


def _deck(path: Path) -> None:
    path.write_text('[deck]\nid = "d"\nname = "n"\n\n[[cards]]\nid = "a"\nfront = "f"\n')


def test_a_block_that_does_not_read_back_is_refused_and_the_old_deck_kept(tmp_path: Path) -> None:
    target = tmp_path / "d.toml"
    _deck(target)
    before = target.read_bytes()
    # A tuple is written as a TOML array, which reads back as a list: not the same data.
    bad = {"deck": {"id": "d", "name": "n"}, "cards": [{"id": "a", "params": {"k": (1, 2)}}]}
    with pytest.raises(UserError, match="would not be valid: card 'a'"):
        write_deck(target, bad, private=True)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.toml"]  # no temporary file left


def test_spooled_cards_follow_the_decks_own(tmp_path: Path) -> None:
    target = tmp_path / "d.toml"
    spool = Spool(hashes=True)
    spool.add({"id": "new", "front": "new card"})
    data = {"deck": {"id": "d", "name": "n"}, "cards": [{"id": "old", "front": "old card"}]}
    write_deck(target, data, private=True, spool=spool)
    spool.close()
    cards = tomllib.loads(target.read_text("utf-8"))["cards"]
    assert [c["id"] for c in cards] == ["old", "new"]
    assert spool.hashes is not None and set(spool.hashes) == {"new"}


def test_an_import_consumes_each_note_once_and_keeps_the_file_order(tmp_path: Path) -> None:
    source = tmp_path / "many.tsv"
    source.write_text("".join(f"q{i}\ta{i}\n" for i in range(50)) + "q3\tagain\n", "utf-8")
    report = import_deck(source, decks_dir=tmp_path / "decks")
    cards = tomllib.loads(report.target.read_text("utf-8"))["cards"]
    assert [c["front"] for c in cards] == [f"q{i}" for i in range(50)]
    assert report.imported == 50 and len(report.skipped) == 1  # the repeated front


ids = st.from_regex(r"[A-Za-z0-9._:/-]{1,30}", fullmatch=True)


@given(ids, st.sampled_from(['id = "{}"', "id='{}'", '"id" = """\n{}"""', "id = '''{}'''"]))
def test_a_deck_file_with_the_id_in_any_quoting_may_hold_it(deck_id: str, line: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.toml"
        path.write_text("[deck]\n" + line.format(deck_id) + '\nname = "n"\n', "utf-8")
        assert tomllib.loads(path.read_text("utf-8"))["deck"]["id"] == deck_id
        assert may_hold_deck(None, [folder], deck_id)


def test_an_id_no_deck_file_spells_skips_loading_the_decks(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text('[deck]\nid = "benchx"\nname = "n"\n', "utf-8")
    assert not may_hold_deck(None, [tmp_path], "bench")
    (tmp_path / "y.toml").write_text('[deck]\nid = "b\\u0065nch"\nname = "n"\n', "utf-8")
    assert may_hold_deck(None, [tmp_path], "bench")  # an escape: load and see


def test_a_package_over_a_cap_is_refused_before_any_note_is_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlcards.interchange import limits

    from ._interchange import Note, v18_package

    monkeypatch.setattr(limits, "MAX_FIELD_BYTES", 2000)
    notes = [Note([f"Q{i}", f"A{i}"], f"g{i}") for i in range(300)]
    notes.append(Note(["last", "x" * 3000], "glast"))  # the last note read is over the cap
    source = v18_package(tmp_path / "big.apkg", notes)
    calls: list[tuple[str, int, int]] = []
    with pytest.raises(UserError, match="cap"):
        import_deck(source, decks_dir=tmp_path / "decks", progress=lambda *c: calls.append(c))
    assert [c for c in calls if c[0] != "reading"] == []  # nothing converted first
    assert not (tmp_path / "decks").exists() or not any((tmp_path / "decks").iterdir())


def test_a_package_is_read_note_by_note_as_it_is_merged(tmp_path: Path) -> None:
    from dlcards.interchange.apkg_read import open_package

    from ._interchange import Note, v18_package

    source = v18_package(tmp_path / "p.apkg", [Note([f"Q{i}", "A"], f"g{i}") for i in range(5)])
    with open_package(source) as package:
        assert package.count == 5 and not isinstance(package.notes, list)
        first = next(iter(package.notes))
        assert first.fields == ["Q0", "A"]
        assert sum(1 for _ in package.notes) == 4  # the rest, read once
