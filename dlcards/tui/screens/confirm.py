"""A yes/no question before something that cannot be undone from the app."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from dlcards.tui.screens import SCREENS_CSS


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for y (and Enter when ``enter_is_yes``), False for n or Escape.

    Enter means yes only where yes loses nothing that cannot be had again (leaving an
    ungraded answer), never before a reset or a delete.
    """

    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("enter", "enter", "Yes", show=False),
        Binding("n", "dismiss(False)", "No"),
        Binding("escape", "dismiss(False)", "No"),
    ]

    def __init__(
        self,
        question: str,
        detail: str = "",
        *,
        enter_is_yes: bool = False,
        answers: tuple[str, str] = ("yes", "no"),
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.enter_is_yes = enter_is_yes
        self.answers = answers  # what yes and no do, for the key hint ("leave", "stay")

    def action_enter(self) -> None:
        if self.enter_is_yes:
            self.dismiss(True)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.detail:
                yield Static(self.detail, id="confirm-detail")
            yes = "y or Enter" if self.enter_is_yes else "y"
            yield Static(
                f"{yes}: {self.answers[0]} · n or Esc: {self.answers[1]}", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#confirm-dialog").border_title = "Confirm"
