"""A card's source through an Anki text export and back into the same deck (issue 15).

Exporting writes the citation as a "Source:" line at the end of Back; importing the
unedited file must leave every card unchanged, and an edited line must replace the
card's source (not be lost, and not leak into the answer text).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .conftest import run_cli, write_deck

CARDS = [
    '''[[cards]]
    id = "cited"
    front = "Who introduced the Transformer?"
    back = """
Vaswani and colleagues.
"""
    source = ["Vaswani et al. (2017); NeurIPS", "PyTorch docs: nn.Transformer"]''',
    '''[[cards]]
    id = "plain"
    front = "A card with no source?"
    back = "Yes."''',
]


def deck_cards(path: Path) -> dict[str, dict]:
    return {c["id"]: c for c in tomllib.loads(path.read_text("utf-8"))["cards"]}


def test_an_unedited_export_of_cited_cards_imports_as_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    deck = write_deck(home / "decks", "cited", CARDS, name="Cited")
    before = deck_cards(deck)
    export = tmp_path / "cited.tsv"
    assert run_cli(home, "export", "cited", "-o", str(export)).returncode == 0
    result = run_cli(home, "import", str(export))
    assert result.returncode == 0, result.stderr
    assert "0 imported, 0 updated, 2 unchanged" in result.stdout
    # The citation containing "; " keeps its place in the list, not split in two.
    assert deck_cards(deck) == before


def test_an_edited_source_line_replaces_the_cards_source(tmp_path: Path) -> None:
    home = tmp_path / "home"
    deck = write_deck(home / "decks", "cited", CARDS, name="Cited")
    export = tmp_path / "cited.tsv"
    assert run_cli(home, "export", "cited", "-o", str(export)).returncode == 0
    text = export.read_text("utf-8")
    old_line = "Sources: Vaswani et al. (2017); NeurIPS; PyTorch docs: nn.Transformer"
    assert old_line in text
    export.write_text(text.replace(old_line, "Source: Vaswani et al., NeurIPS 2017"), "utf-8")
    result = run_cli(home, "import", str(export))
    assert result.returncode == 0, result.stderr
    assert "1 updated, 1 unchanged" in result.stdout
    cited = deck_cards(deck)["cited"]
    assert cited["source"] == "Vaswani et al., NeurIPS 2017"
    assert "Source" not in cited["back"] and "Vaswani and colleagues." in cited["back"]
