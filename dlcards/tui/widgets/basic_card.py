"""A question/answer card: the front as Markdown, the back revealed under a divider."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown

from dlcards.cards import BasicCard
from dlcards.mathtext import shown
from dlcards.tui.widgets.divider import Divider
from dlcards.tui.widgets.source_line import SourceLine


class BasicCardView(Vertical):
    DEFAULT_CSS = """
    BasicCardView { height: auto; }
    """

    def __init__(self, card: BasicCard, *, revealed: bool = False) -> None:
        super().__init__(classes="card-view")
        self.card = card
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        yield Markdown(shown(self.card.front), classes="front")
        back = Vertical(classes="back")
        back.display = self.revealed
        with back:
            yield Divider("answer")
            yield Markdown(shown(self.card.back) or "*(no back)*")
            yield SourceLine(self.card)

    def reveal(self) -> None:
        self.revealed = True
        self.query_one(".back").display = True
