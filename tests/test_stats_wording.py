"""`dlcards stats` on a terminal: the TUI's panel titles, and decks named alike told apart."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from rich.console import Console

from dlcards.collection import load_collection
from dlcards.store import Store
from dlcards.views import stats_view as view

from .conftest import write_deck

TODAY = date(2026, 3, 2)


def page_of(renderable: object) -> str:
    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def test_decks_with_the_same_name_show_their_ids(tmp_path: Path) -> None:
    """Issue 26: after `import … --deck-id X` of an export, rows read "LLM Interview" twice."""
    folder = tmp_path / "decks"
    write_deck(folder, "llm-a", 2, name="LLM Interview")
    write_deck(folder, "llm-b", 3, name="LLM Interview")
    write_deck(folder, "solo", 1, name="Solo")
    collection = load_collection(None, [folder])
    data = view.gather(Store.open(None), collection, "me", TODAY)
    names = {line.name: line.cards for line in data.decks}
    assert names["LLM Interview (llm-a)"] == 2
    assert names["LLM Interview (llm-b)"] == 3
    assert names["Solo"] == 1  # a name no other deck has stays as it is
    page = page_of(view.render_stats(data))
    assert "LLM Interview (llm-a)" in page and "LLM Interview (llm-b)" in page


def test_the_cli_page_titles_its_panels_as_the_tui_does(tmp_path: Path) -> None:
    """Issue 26: the CLI said "Due, next 30 days" where the TUI's Stats says "Due · next …"."""
    write_deck(tmp_path / "decks", "mine", 2)
    collection = load_collection(None, [tmp_path / "decks"])
    page = page_of(view.render_stats(view.gather(Store.open(None), collection, "me", TODAY)))
    for title in ("Reviews · last 26 weeks", "Due · next 30 days", "Cards by state", "Today"):
        assert title in page
    assert "Due, next" not in page and "Reviews, last" not in page
