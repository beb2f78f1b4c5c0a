"""Textual's Footer, rebuilt only when the keys it shows really change, and fitted to its width.

The stock Footer recomposes (a dozen widgets, each restyled) on every bindings
refresh, and Textual refreshes bindings on each focus change: in Review that
cost more than the rest of a key press. This one compares what it would show
and recomposes at most once per refresh, and only on a difference.

The stock Footer also runs off the right edge when its keys do not fit (Home at
60 columns: "… p P▏^p palettel", issue 13 / known issue 9). This one fits them:
close together first, then without the command-palette key, then without the
last keys — but never without Help (which lists every key) or Quit.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Kept when keys are dropped for room: Help lists the dropped ones, and Quit is the way out.
ALWAYS_SHOWN = frozenset({"app.help", "app.quit", "help", "quit"})


def _key_width(key: FooterKey, compact: bool) -> int:
    """Cells one key takes (padding and margin as Footer's CSS lays them out)."""
    text = cell_len(key.key_display) + (1 + cell_len(key.description) if key.description else 0)
    if key.has_class("-command-palette"):
        return text + (1 if compact else 4)  # border, and padding when not compact
    return text + (1 if compact else 2)


def _width(keys: Iterable[FooterKey], compact: bool) -> int:
    return sum(_key_width(key, compact) for key in keys)


class KeyFooter(Footer):
    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._asked_compact = compact
        self._shown: tuple | None = None
        self._pending = False

    def _available(self) -> int:
        return self.screen.size.width or self.app.size.width

    def _signature(self) -> tuple:
        bindings = self.screen.active_bindings
        return (self._available(),) + tuple(
            (key, binding.description, enabled)
            for key, (_, binding, enabled, _) in bindings.items()
            if binding.show or key == self.app.COMMAND_PALETTE_BINDING
        )

    def compose(self) -> ComposeResult:
        keys = [key for key in super().compose() if isinstance(key, FooterKey)]
        room = self._available()
        compact = self._asked_compact or _width(keys, False) > room
        if self.compact != compact:
            self.compact = compact
        if _width(keys, compact) > room:
            keys = [key for key in keys if not key.has_class("-command-palette")]
        droppable = [key for key in keys if key.action not in ALWAYS_SHOWN]
        while _width(keys, compact) > room and droppable:
            keys.remove(droppable.pop())
        for key in keys:
            # Each key's "-compact" class, set on mount by its watcher and then by the
            # footer's data binding, restyled the key each time (~13 restyles before the
            # first paint): set before mount, those changes are none. The palette key is
            # not bound to the footer and keeps its own (compact) value, as in Footer.
            if not key.has_class("-command-palette"):
                key.set_reactive(FooterKey.compact, compact)
            key.set_class(key.compact, "-compact", update=False)
        yield from keys

    def on_resize(self) -> None:
        self._schedule()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self._schedule()

    def _schedule(self) -> None:
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


__all__ = ["KeyFooter"]
