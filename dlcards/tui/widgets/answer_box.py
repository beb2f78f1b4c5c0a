"""The compute card's single-line answer box: only Enter and Escape act while it has focus."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class AnswerBox(Input):
    """Enter checks the answer (Input.Submitted); Escape leaves the box (``Left``)."""

    BINDINGS = [
        Binding("enter", "submit", "Check answer"),
        Binding("escape", "leave", "Leave box"),
    ]

    class Left(Message):
        """The user pressed Escape in the box: focus goes back to the card."""

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        # Not select-all on focus: the first key of an answer can arrive with the focus
        # (ComputeCardView.take_key), and the next key must not replace it.
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)

    def on_mount(self) -> None:
        # A blinking cursor would make every screenshot of a test differ.
        if self.app.is_headless:
            self.cursor_blink = False

    def action_leave(self) -> None:
        self.post_message(self.Left())
