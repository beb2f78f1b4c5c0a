"""A typed-answer card ({{type:Field}} from Anki): type the answer, Enter compares it.

As in Anki, the check shows your answer over the expected one, the differing
characters marked (``dlcards.typed_answer``), then the back; a right answer suggests
grade 4, a wrong or empty one 1.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from dlcards.cards import BasicCard
from dlcards.mathtext import shown
from dlcards.tui.widgets.answer_box import AnswerArea, AnswerBox
from dlcards.tui.widgets.card_text import card_markdown
from dlcards.tui.widgets.divider import Divider
from dlcards.tui.widgets.source_line import SourceLine
from dlcards.typed_answer import Piece, compare, is_right


class TypedCardView(AnswerArea, Vertical):
    """Posts ``Checked`` once Enter is pressed in the box."""

    DEFAULT_CSS = """
    TypedCardView { height: auto; }
    """

    class Checked(Message):
        def __init__(self, suggested: int, answer: str) -> None:
            super().__init__()
            self.suggested = suggested
            self.answer = answer

    def __init__(self, card: BasicCard) -> None:
        super().__init__(classes="card-view")
        self.card = card
        self.checked = False

    def compose(self) -> ComposeResult:
        yield card_markdown(shown(self.card.front), classes="front")
        with Vertical(classes="answer"):
            yield Static(
                Text.assemble(
                    ("Answer: ", "bold"), ("type it (case and spacing do not count)", "dim")
                ),
                classes="answer-hint",
            )
            yield AnswerBox(placeholder="type, then Enter to check (empty: don't know)")
        back = Vertical(classes="back")
        back.display = False
        with back:
            yield Divider("answer")
            yield Static(classes="verdict")
            if self.card.back.strip():
                yield card_markdown(shown(self.card.back))
            yield SourceLine(self.card)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.checked:
            return
        self.checked = True
        typed, expected = event.value, self.card.answer or ""
        self.query_one(AnswerBox).disabled = True
        right = bool(typed.strip()) and is_right(typed, expected)
        self.query_one(".verdict", Static).update(self._verdict(typed, expected, right))
        self.query_one(".back").display = True
        self.post_message(self.Checked(4 if right else 1, typed))

    def _verdict(self, typed: str, expected: str, right: bool) -> Group:
        colors = self.app.theme_variables
        good, bad = colors.get("success", "green"), colors.get("error", "red")
        if not typed.strip():
            headline = Text("· No answer.", style="bold")
        else:
            headline = Text(
                "✓ Right." if right else "✗ Wrong.", style=f"bold {good if right else bad}"
            )
        yours, theirs = compare(typed, expected)
        styles = {"same": good, "wrong": f"{bad} underline", "missing": f"{bad} reverse"}

        def line(label: str, pieces: list[Piece]) -> Text:
            text = Text.assemble((f"{label:<10}", "bold"))
            for piece in pieces:  # Text, not markup: an answer's "[x]" stays as typed
                text.append(piece.text, style=styles[piece.mark])
            return text

        lines = [headline]
        if typed.strip():
            lines.append(line("You typed", yours))
        lines.append(line("Expected", theirs))
        return Group(*lines)
