"""A horizontal rule with a small title, between a card's front and its back."""

from __future__ import annotations

from rich.rule import Rule
from textual.widget import Widget


class Divider(Widget):
    DEFAULT_CSS = """
    Divider { height: 1; margin: 0; color: $text-muted; }
    """

    def __init__(self, title: str = "") -> None:
        super().__init__()
        self.title = title

    def render(self) -> Rule:
        return Rule(self.title, style="dim", align="left", characters="─")
