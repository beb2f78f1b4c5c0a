"""An Input whose own editing keys act in the order they were typed.

Textual 8 inserts a printable key at once, in ``Input._on_key``, but runs an Input
binding (backspace, delete, the arrows, Home/End, ctrl+u …) only once the key has
bubbled up to the app. When keys arrive together — fast typing, key repeat, a paste
of control keys, a loaded machine — a character typed after a backspace was inserted
before the backspace ran: "12", backspace, "3" gave "12" instead of "13", in the
answer box as in the card browser's search (Textualize/textual#6605; the fix offered
upstream, #6631, runs the widget's own bindings inline in the same way).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    """``Input``, with its own (non-priority) bindings run as its keys arrive."""

    async def _on_key(self, event: events.Key) -> None:
        # The focused widget's bindings come first in the app's binding chain, and
        # priority bindings were checked before the key reached it: running them here
        # runs what the app would have run, only in the order typed.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)
