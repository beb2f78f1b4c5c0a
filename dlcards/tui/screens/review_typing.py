"""The review's answer keys on a compute card too tall to open at its box (issue 13).

Such a card opens at its question, its box below the fold and not focused: Enter or
the first key that can start an answer moves into the box. Focus moves a turn of the
message loop after the key that asked for it, so the rest of a fast burst, and a
paste, still reach the screen: they go into the box here, in the order they came.
"""

from __future__ import annotations

from typing import Any

from textual import events

from dlcards.tui.widgets.answer_box import AnswerArea


class AnswerKeys:
    """Mixed into ReviewScreen: keys and pastes that belong to the answer box."""

    # Provided by the screen (annotations only: nothing here shadows them).
    phase: str
    view: Any

    def _answer_area(self) -> AnswerArea | None:
        view = self.view if self.phase == "typing" else None
        return view if isinstance(view, AnswerArea) else None

    def on_key(self, event: events.Key) -> None:
        area = self._answer_area()
        if area is not None and area.take_key(event.key, event.character):
            event.stop()
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        area = self._answer_area()
        if area is not None and area.take_paste(event.text):
            event.stop()
            event.prevent_default()
