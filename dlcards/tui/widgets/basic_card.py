"""A question/answer card: the front (``card_markdown``), the back revealed under a divider."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from dlcards.cards import BasicCard
from dlcards.mathtext import shown
from dlcards.tui.widgets.after_paint import AfterFirstPaint
from dlcards.tui.widgets.card_text import card_markdown
from dlcards.tui.widgets.divider import Divider
from dlcards.tui.widgets.source_line import SourceLine


class BasicCardView(AfterFirstPaint, Vertical):
    """The front at once; the hidden back is built right after the front is painted.

    Building the back (its Markdown parsed and laid out) before the first paint made
    every new card wait for an answer nobody sees yet (issue 13 and 18: the first card
    and grade → next card). Space before it is built builds it then.
    """

    DEFAULT_CSS = """
    BasicCardView { height: auto; }
    """

    def __init__(self, card: BasicCard, *, revealed: bool = False) -> None:
        super().__init__(classes="card-view")
        self.card = card
        self.revealed = revealed
        self._back_built = False

    def compose(self) -> ComposeResult:
        yield card_markdown(shown(self.card.front), classes="front")
        back = Vertical(classes="back")
        back.display = self.revealed
        if self.revealed:
            self._back_built = True
            with back:
                yield from self._back_parts()
        else:
            yield back

    async def after_first_paint(self) -> None:
        await self.build_back()

    def _back_parts(self) -> list[Widget]:
        return [
            Divider("answer"),
            card_markdown(shown(self.card.back) or "*(no back)*"),
            SourceLine(self.card),
        ]

    async def build_back(self) -> None:
        """Mount the answer's widgets (still hidden unless revealed), once."""
        # The card may be on its way out (graded, suspended) when the paint comes: its
        # children are removed first.
        back = self.query(".back")
        if self._back_built or not self.is_attached or not back:
            return
        self._back_built = True
        await back.first().mount_all(self._back_parts())

    async def reveal(self) -> None:
        self.revealed = True
        await self.build_back()
        self.query_one(".back").display = True
