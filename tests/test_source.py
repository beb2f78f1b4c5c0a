"""A card's `source` (issue 15): read from the deck, shown under the answer in the TUI and
plain mode, found by search, and carried to Anki as a "Source:" line at the end of Back."""

from __future__ import annotations

import csv
from pathlib import Path

from dlcards.cards import source_line
from dlcards.interchange.exporter import export_deck
from dlcards.interchange.notes import RawNote, convert_note
from dlcards.tui.screens.review import ReviewScreen

from .conftest import run_cli, write_deck
from .test_tui_fixtures import NOW, make_world

CITED = [
    '''[[cards]]
    id = "attention"
    front = "Who introduced the Transformer?"
    back = "Vaswani and colleagues."
    source = "Vaswani et al., 2017, Attention Is All You Need, arXiv:1706.03762 [bold]x[/bold]"''',
    """[[cards]]
    id = "adam"
    type = "choice"
    front = "Which optimizer keeps per-parameter second moments?"
    choices = ["SGD", "Adam"]
    correct = [1]
    source = ["Kingma and Ba, 2015, arXiv:1412.6980", "PyTorch docs: torch.optim.Adam"]""",
    '''[[cards]]
    id = "plain"
    front = "A card with no source?"
    back = "Yes."''',
]


def test_source_line_reads_one_or_several_citations() -> None:
    assert source_line(None) == "" and source_line([]) == "" and source_line("  ") == ""
    assert source_line("Goodfellow et al. (2016), §7.1") == "Source: Goodfellow et al. (2016), §7.1"
    assert source_line(["A, 2020", "B; docs"]) == "Sources: A, 2020; B; docs"


def test_a_source_of_the_wrong_type_is_a_located_error(tmp_path: Path) -> None:
    deck = write_deck(
        tmp_path / "decks", "bad", ['[[cards]]\nid = "x"\nfront = "Q"\nback = "A"\nsource = 3']
    )
    result = run_cli(tmp_path / "home", "validate", str(deck))
    assert result.returncode == 1
    assert f"{deck}:" in result.stdout + result.stderr and "source" in result.stdout + result.stderr


async def test_review_shows_the_source_under_the_answer_as_text(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "cited", CITED, name="Cited")
    app = world.app(start="review")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "attention"
        shown = screen.query(".source")
        assert not any(w.display and w.region.height for w in shown)  # hidden before the answer
        await pilot.press("space")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in screen.query(".source") if w.display)
        # Shown as written: the square brackets are not read as Rich markup.
        assert "Source: Vaswani et al., 2017, Attention Is All You Need, arXiv:1706.03762" in text
        assert "[bold]x[/bold]" in text


def test_plain_mode_prints_the_source_after_the_answer(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "cited", CITED[:1], name="Cited")
    result = run_cli(
        tmp_path / "home",
        "--deck-path",
        str(deck),
        "study",
        "--deck",
        "cited",
        now=NOW.isoformat(),
        input="\n4\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("Vaswani and colleagues.") < out.index("Source: Vaswani et al., 2017")


def test_search_finds_a_card_by_its_source(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "cited", CITED, name="Cited")
    result = run_cli(
        tmp_path / "home", "--deck-path", str(deck), "cards", "list", "--query", "1412.6980"
    )
    assert result.returncode == 0, result.stderr
    assert "adam" in result.stdout and "attention" not in result.stdout


def test_tsv_export_ends_back_with_the_source_line(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "cited", CITED, name="Cited")
    out = tmp_path / "cited.tsv"
    export_deck(deck, out, now=NOW)
    rows = [
        r
        for r in csv.reader(out.read_text("utf-8").splitlines(), delimiter="\t")
        if r and not r[0].startswith("#")
    ]
    backs = {row[0]: row[1] for row in rows}
    attention = next(b for f, b in backs.items() if "Transformer" in f)
    assert attention.endswith(
        "Source: Vaswani et al., 2017, Attention Is All You Need, arXiv:1706.03762"
        " [bold]x[/bold]</p>"
    )
    adam = next(b for f, b in backs.items() if "second moments" in f)
    assert adam.endswith(
        "Sources: Kingma and Ba, 2015, arXiv:1412.6980; PyTorch docs: torch.optim.Adam</p>"
    )
    plain = next(b for f, b in backs.items() if "no source" in f)
    assert "Source" not in plain


def test_an_edited_dlcards_note_gives_its_source_line_back() -> None:
    note = RawNote(
        where="note 1",
        fields=["Q edited", "A<br><br>Sources: One, 2020; Two, 2021", "q1", ""],
        field_names=["Front", "Back", "dlcards_id", "dlcards_source"],
        guid="g1",
        notetype="dlcards",
    )
    card = convert_note(note).cards[0].card
    assert card["source"] == ["One, 2020", "Two, 2021"]
    assert "Sources:" not in card["back"] and card["back"].strip() == "A"
    # A note that is not a dlcards note keeps its text as it is.
    other = RawNote(
        where="note 2",
        fields=["Q", "A<br><br>Source: mine"],
        field_names=["Front", "Back"],
        guid="g2",
    )
    assert "source" not in convert_note(other).cards[0].card


def test_a_tsv_round_trip_keeps_a_source_with_underscores(tmp_path: Path) -> None:
    """New-user pass: the Source line came back as "vocab\\_size" from a TSV import."""
    cited = [
        '''[[cards]]
        id = "tied"
        front = "Does Llama 3 8B tie its embeddings?"
        back = "No."
        source = "HF: Meta-Llama-3-8B config.json (tie_word_embeddings, vocab_size)"''',
    ]
    deck = write_deck(tmp_path / "decks", "cited", cited, name="Cited")
    out = tmp_path / "cited.tsv"
    export_deck(deck, out, now=NOW)
    result = run_cli(tmp_path / "home", "import", str(out), "--deck-id", "back")
    assert result.returncode == 0, result.stderr
    imported = (tmp_path / "home" / "decks" / "back.toml").read_text("utf-8")
    assert "config.json (tie_word_embeddings, vocab_size)" in imported
