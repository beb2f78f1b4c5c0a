"""The card's citation under its answer, as plain text (never read as markup)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from dlcards.cards import Card, source_line


class SourceLine(Static):
    DEFAULT_CSS = """
    SourceLine { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, card: Card) -> None:
        # A Text, not a str: a citation with "[…]" in it is shown as written.
        super().__init__(Text(source_line(card.source)), classes="source")
        self.display = bool(card.source)
