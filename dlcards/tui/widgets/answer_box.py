"""The single-line answer box of compute and typed-answer cards, and how a card opens to it.

Only Enter and Escape act while the box has focus.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import DescendantBlur
from textual.message import Message
from textual.widget import Widget

from dlcards.tui.widgets.ordered_input import OrderedInput

# Keys that start an answer when the box is out of view; letters stay the screen's keys.
ANSWER_START = frozenset("0123456789-−+.([")


class AnswerBox(OrderedInput):
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


class AnswerArea(Widget):
    """A card with an answer box in a ``.answer`` container, opened at its question."""

    def keep_in_view(self) -> None:
        self.query_one(AnswerBox).scroll_visible(animate=False)

    def focus_box(self) -> None:
        box = self.query_one(AnswerBox)
        if not box.disabled:
            box.focus()

    def leaving(self) -> bool:
        """Whether the card has left (graded, undone, buried) or is being removed: a
        scroll asked for after the next refresh finds it so when keys came together."""
        # `display` is False from the moment Textual starts removing a widget.
        return not (self.is_attached and self.display)

    def open_at_question(self, scroll: VerticalScroll) -> None:
        """Show the card from the top of its question (call once it is laid out).

        The box takes focus only if it is in view from there: a tall card at 60×16 must
        not open scrolled down to its box with the question above the fold (issue 13).
        Otherwise the card scrolls, and Enter or the first key of an answer
        (:meth:`take_key`) moves into the box, which then stays in view while typing.
        """
        if self.leaving():
            return
        scroll.scroll_home(animate=False)
        # Where the answer area ends in the card's own coordinates (not the screen's,
        # which move with the scroll).
        bottom = self.virtual_region.y + self.query_one(".answer").virtual_region.bottom
        box = self.query_one(AnswerBox)
        if bottom <= scroll.content_region.height:
            self.focus_box()
            self.keep_in_view()
        elif box.has_focus and not box.value:
            # The app's first card gives its box the focus before it is laid out
            # (ReviewScreen.on_mount); with nothing typed yet, it opens as any card.
            scroll.focus()
        elif box.has_focus:
            self.keep_in_view()  # an answer typed already: where it is typed stays in view

    # Set once the answer has begun (Enter or a first key moved into the box) until the
    # box loses focus (Escape). Focus moves a turn of the message loop later than the key
    # that asked for it, so the rest of a fast burst or a paste still reaches the screen:
    # those characters belong to the answer too ("[[4,6, 1" lost its commas and space;
    # after Enter, the `e` of "1e-3" opened the editor).
    _answer_begun = False

    def take_key(self, key: str, character: str | None) -> bool:
        """Put ``character`` into the box if it belongs to the answer: any character once
        the answer has begun (or the box has focus), else one that can start an answer
        (a digit, a sign, a bracket); letters stay the screen's keys until then, and
        Enter begins the answer."""
        box = self.query_one(AnswerBox)
        if box.disabled:
            return False
        if key == "enter":  # not taken: its binding moves into the box (or checks)
            self._answer_begun = self._answer_begun or not box.has_focus
            return False
        if not character or not character.isprintable():
            return False
        if not (self._answer_begun or box.has_focus) and character not in ANSWER_START:
            return False
        if not box.has_focus:
            box.focus(scroll_visible=False)
        self._answer_begun = True
        box.insert_text_at_cursor(character)
        return True

    def take_paste(self, text: str) -> bool:
        """Put pasted ``text`` into the box, as the box itself takes a paste (its first
        line), moving into the box."""
        box = self.query_one(AnswerBox)
        lines = text.splitlines()
        if box.disabled or not lines:
            return False
        if not box.has_focus:
            box.focus(scroll_visible=False)
        self._answer_begun = True
        box.insert_text_at_cursor(lines[0])
        return True

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if isinstance(event.widget, AnswerBox):
            self._answer_begun = False
