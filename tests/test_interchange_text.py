"""Anki text exports and plain CSV/TSV, both ways: headers, quoting, BOM, header rows, updates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dlcards.errors import UserError
from dlcards.interchange.exporter import export_deck
from dlcards.interchange.importer import import_deck
from dlcards.interchange.md2html import to_html

from ._interchange import deck_cards, deck_data
from .conftest import write_deck

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def run_import(tmp_path: Path, name: str, content: str | bytes, **kwargs: object):
    source = tmp_path / name
    if isinstance(content, str):
        source.write_text(content, "utf-8", newline="")
    else:
        source.write_bytes(content)
    return import_deck(source, decks_dir=tmp_path / "decks", **kwargs)  # type: ignore[arg-type]


def rendered(markdown: str) -> str:
    """The HTML a card shows, whitespace runs counted as one (as HTML does)."""
    return " ".join(to_html(markdown).split())


def fronts_backs(path: Path) -> list[tuple[str, str]]:
    return [(c["front"], c["back"]) for c in deck_cards(path)]


@pytest.mark.parametrize(
    ("header", "sep"),
    [
        ("Tab", "\t"),
        ("tab", "\t"),
        ("Comma", ","),
        ("Semicolon", ";"),
        ("Space", " "),
        ("Pipe", "|"),
        ("Colon", ":"),
        (",", ","),
        (";", ";"),
        ("|", "|"),
        ("\t", "\t"),
    ],
)
def test_separator_header_names_and_literal_characters(
    tmp_path: Path, header: str, sep: str
) -> None:
    body = sep.join(["front1", "back1"]) + "\n" + sep.join(["front2", "back2"]) + "\n"
    report = run_import(tmp_path, "deck.txt", f"#separator:{header}\n#html:false\n{body}")
    assert report.imported == 2
    assert fronts_backs(report.target) == [("front1", "back1"), ("front2", "back2")]


def test_anki_notes_export_with_every_column_header(tmp_path: Path) -> None:
    # What Anki 2.1.55+ writes for "Notes in Plain Text" with every option ticked.
    content = (
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n"
        "#tags column:6\n"
        "Gx1\tBasic\tBio::Cells\tWhat is a <b>cell</b>?\tThe unit of life&nbsp;&amp; more"
        "\tbio easy\n"
        "Gx2\tCloze\tBio::Cells\tThe {{c1::nucleus}} holds {{c2::DNA::molecule}}"
        "\tExtra <i>x</i>\t\n"
    )
    report = run_import(tmp_path, "notes.txt", content)
    assert report.fmt == "anki-text" and report.imported == 3
    cards = {c["id"]: c for c in deck_cards(report.target)}
    basic = cards["anki-Gx1"]
    assert basic == {
        "id": "anki-Gx1",
        "guid": "Gx1",
        "front": "What is a **cell**?",
        "back": "The unit of life & more",
        "tags": ["bio", "easy"],
    }
    assert cards["anki-Gx2-c1"]["front"] == "The […] holds DNA"
    assert cards["anki-Gx2-c1"]["back"] == "The **nucleus** holds DNA\n\nExtra *x*"
    assert cards["anki-Gx2-c2"]["front"] == "The nucleus holds [molecule]"
    assert cards["anki-Gx2-c2"]["guid"] == "Gx2-c2"
    assert report.deck_name == "Cells"


def test_global_tags_notetype_deck_and_legacy_tags_line(tmp_path: Path) -> None:
    content = (
        "tags:old\n#separator:semicolon\n#html:false\n#tags:shared more\n#notetype:Cloze\n"
        "#deck:Spanish\nEl {{c1::gato}};a cat\n"
    )
    report = run_import(tmp_path, "cloze.txt", content)
    card = deck_cards(report.target)[0]
    assert card["front"] == "El […]" and card["back"] == "El gato\n\na cat"
    assert card["tags"] == ["shared", "more"]
    assert report.deck_name == "Spanish"


def test_quoted_fields_with_separators_tabs_newlines_and_quotes(tmp_path: Path) -> None:
    content = (
        "#separator:tab\n#html:false\n"
        '"front with\ttab"\t"line one\nline two ""quoted"""\n'
        '"# not a comment\n# inside a quote"\tb\n'
        "# a real comment line\n"
        "plain\tlast\n"
    )
    report = run_import(tmp_path, "q.txt", content)
    assert fronts_backs(report.target) == [
        ("front with\ttab", 'line one\nline two "quoted"'),
        ("# not a comment\n# inside a quote", "b"),
        ("plain", "last"),
    ]


def test_html_is_guessed_when_the_header_does_not_say(tmp_path: Path) -> None:
    report = run_import(tmp_path, "old.txt", "A<br>B\t<b>bold</b>\n")
    assert fronts_backs(report.target) == [("A\\\nB", "**bold**")]


def test_columns_header_labels_fields(tmp_path: Path) -> None:
    content = "#separator:comma\n#html:false\n#columns:Back,Front,Tags\n#tags column:3\nb1,f1,t1\n"
    report = run_import(tmp_path, "c.txt", content)
    assert deck_cards(report.target)[0] | {} == {
        "id": deck_cards(report.target)[0]["id"],
        "front": "f1",
        "back": "b1",
        "tags": ["t1"],
    }


def test_csv_with_bom_and_header_row(tmp_path: Path) -> None:
    content = (
        '\ufeffFront,Back,Tags\r\nWhat is 2+2?,4,math easy\r\n"Quoted, with comma","x\ny",\r\n'
    )
    report = run_import(tmp_path, "cards.csv", content.encode("utf-8"))
    assert report.fmt == "csv" and report.imported == 2
    cards = deck_cards(report.target)
    assert (cards[0]["front"], cards[0]["back"], cards[0]["tags"]) == (
        "What is 2+2?",
        "4",
        ["math", "easy"],
    )
    assert (cards[1]["front"], cards[1]["back"]) == ("Quoted, with comma", "x\ny")
    assert cards[0]["id"].startswith("h-")  # no guid: the id is the hash of the front


def test_a_repeated_front_without_ids_is_skipped_with_the_reason(tmp_path: Path) -> None:
    report = run_import(tmp_path, "dup.csv", "front,back\nDup,first\nDup,second\nOther,x\n")
    assert report.imported == 2
    assert report.skipped == [
        ("line 3", "the same front as line 2 (a card without an id is known by it)")
    ]


def test_header_row_in_another_order_and_an_id_column(tmp_path: Path) -> None:
    content = "answer\tquestion\tid\nfour\tTwo plus two?\tq-4\n"
    report = run_import(tmp_path, "cards.tsv", content)
    assert deck_cards(report.target) == [{"id": "q-4", "front": "Two plus two?", "back": "four"}]


def test_tsv_without_header_row_is_front_back_tags(tmp_path: Path) -> None:
    report = run_import(tmp_path, "plain.tsv", "f1\tb1\tt1 t2\nf2\tb2\n")
    assert [(c["front"], c["back"], c.get("tags")) for c in deck_cards(report.target)] == [
        ("f1", "b1", ["t1", "t2"]),
        ("f2", "b2", None),
    ]


def test_extra_columns_of_a_plain_table_are_reported(tmp_path: Path) -> None:
    report = run_import(tmp_path, "wide.csv", "f,b,t,x\n")
    assert any("third" in r for r in report.remarks)


def test_deck_round_trip_through_tsv_and_csv(tmp_path: Path) -> None:
    deck = write_deck(
        tmp_path / "src",
        "rt",
        [
            """[[cards]]
        id = "c1"
        front = "What is **ReLU**?"
        back = "`max(0, x)`, applied elementwise.\\n\\n- cheap\\n- sparse"
        tags = ["act"]""",
            '''[[cards]]
        id = "c2"
        front = "# starts with a hash"
        back = "a\\tb, \\"quoted\\", and; more"''',
        ],
    )
    for suffix in ("tsv", "csv"):
        out = tmp_path / f"rt.{suffix}"
        export_deck(deck, out, now=NOW)
        text = out.read_text("utf-8")
        sep = "tab" if suffix == "tsv" else "comma"
        assert text.startswith(f"#separator:{sep}\n#html:true\n")
        assert "#tags column:3\n#guid column:4\n" in text
        report = import_deck(out, decks_dir=tmp_path / f"decks-{suffix}")
        assert report.deck_id == "rt" and report.imported == 2
        original = {c["id"]: c for c in deck_cards(deck)}
        for card in deck_cards(report.target):
            source = original[card["id"]]
            # The same card when rendered: Markdown may differ only in how it is spelled.
            assert rendered(card["front"]) == rendered(source["front"])
            assert rendered(card["back"]) == rendered(source["back"])
            assert card.get("tags", []) == source.get("tags", [])


def test_reimport_updates_by_guid_and_keeps_other_cards(tmp_path: Path) -> None:
    first = "#separator:tab\n#html:true\n#guid column:3\nQ1\tA1\tg1\nQ2\tA2\tg2\n"
    report = run_import(tmp_path, "anki.txt", first, deck_id="mine")
    # The user adds a card of their own to the deck, by hand.
    target = report.target
    target.write_text(
        target.read_text("utf-8") + '\n[[cards]]\nid = "own"\nfront = "Mine"\nback = "kept"\n',
        "utf-8",
    )
    second = (
        "#separator:tab\n#html:true\n#guid column:3\nQ1\tA1 changed\tg1\nQ2\tA2\tg2\nQ3\tA3\tg3\n"
    )
    report = run_import(tmp_path, "anki.txt", second, deck_id="mine")
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 1)
    cards = deck_cards(target)
    assert [c["id"] for c in cards] == ["anki-g1", "anki-g2", "own", "anki-g3"]
    assert cards[0]["back"] == "A1 changed"


def test_reimport_of_an_export_keeps_the_decks_own_markdown(tmp_path: Path) -> None:
    deck = write_deck(
        tmp_path / "home" / "decks",
        "own",
        [
            '''[[cards]]
        id = "c1"
        front = "Front"
        back = """Line
* star bullets
* stay"""''',
        ],
    )
    before = deck.read_bytes()
    out = tmp_path / "own.tsv"
    export_deck(deck, out, now=NOW)
    report = import_deck(out, decks_dir=tmp_path / "home" / "decks")
    assert (report.unchanged, report.updated, report.written) == (1, 0, False)
    assert deck.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b"#separator:tab\nok\tfine\n\xff\xfe bad\tx\n", 3, "not valid UTF-8"),
        (b'#separator:tab\nok\tfine\n"never closed\tx\n', 3, "not closed"),
        (b"front\tback\nf\x00\tb\n", 2, "NUL"),
    ],
)
def test_broken_text_files_name_the_line_and_write_nothing(
    tmp_path: Path, content: bytes, line: int, words: str
) -> None:
    with pytest.raises(UserError) as caught:
        run_import(tmp_path, "bad.txt", content)
    assert f"bad.txt:{line}:" in str(caught.value) and words in str(caught.value)
    assert not (tmp_path / "decks").exists() or not any((tmp_path / "decks").iterdir())


def test_import_into_an_existing_deck_file_with_another_id_is_refused(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, "other", 1)
    before = deck.read_bytes()
    with pytest.raises(UserError, match="holds deck 'other'"):
        run_import(tmp_path, "x.tsv", "f\tb\n", out=deck, deck_id="new")
    assert deck.read_bytes() == before


def test_toml_import_merges_by_id(tmp_path: Path) -> None:
    source = write_deck(tmp_path / "src", "tom", 2)
    report = import_deck(source, decks_dir=tmp_path / "decks")
    assert (report.fmt, report.imported) == ("toml", 2)
    data = deck_data(report.target)
    assert data["deck"] == {"id": "tom", "name": "Tom"}
    assert [c["id"] for c in data["cards"]] == ["c1", "c2"]
    report = import_deck(source, decks_dir=tmp_path / "decks")
    assert (report.imported, report.unchanged) == (0, 2)


def test_toml_import_replaces_compute_and_choice_cards_whole(tmp_path: Path) -> None:
    blocks = [
        """[[cards]]
        id = "size"
        type = "compute"
        problem = "conv_output_size"
        params = { size = 12, kernel_size = 3, padding = 0, stride = 1 }""",
        """[[cards]]
        id = "pick"
        type = "choice"
        front = "Pick"
        choices = ["a", "b"]
        correct = [1]""",
    ]
    first = write_deck(tmp_path / "v1", "cmp", blocks)
    import_deck(first, decks_dir=tmp_path / "decks")
    second = write_deck(
        tmp_path / "v2",
        "cmp",
        [blocks[0].replace("size = 12", "size = 14"), blocks[1].replace("[1]", "[0]")],
    )
    report = import_deck(second, decks_dir=tmp_path / "decks")
    assert (report.updated, report.skipped) == (2, [])
    cards = deck_cards(report.target)
    assert cards[0]["params"]["size"] == 14 and cards[1]["correct"] == [0]
