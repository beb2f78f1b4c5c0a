"""Textual's Footer, rebuilt only when the keys it shows really change.

The stock Footer recomposes (a dozen widgets, each restyled) on every bindings
refresh, and Textual refreshes bindings on each focus change: in Review that
cost more than the rest of a key press. This one compares what it would show
and recomposes at most once per refresh, and only on a difference.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: tuple | None = None
        self._pending = False

    def _signature(self) -> tuple:
        bindings = self.screen.active_bindings
        return tuple(
            (key, binding.description, enabled)
            for key, (_, binding, enabled, _) in bindings.items()
            if binding.show or key == self.app.COMMAND_PALETTE_BINDING
        )

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._update_keys)

    async def _update_keys(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        signature = self._signature()
        if signature != self._shown:
            self._shown = signature
            await self.recompose()
