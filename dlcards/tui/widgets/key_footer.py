"""Textual's Footer, rebuilt only when the keys it shows really change, and fitted to its width.

The stock Footer recomposes (a dozen widgets, each restyled) on every bindings
refresh, and Textual refreshes bindings on each focus change: in Review that
cost more than the rest of a key press. This one compares what it would show,
acts at most once per refresh and only on a difference, and then changes the
keys on screen in place, mounting or removing only the ones that differ.

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
            # Mounted already in its final style: a FooterKey starts compact, then takes
            # the footer's value (all but the command-palette key, which Footer leaves
            # compact), and each change restyled it: three stylings per key per recompose,
            # a third of a key press in Review.
            key_compact = compact or key.has_class("-command-palette")
            key.set_reactive(FooterKey.compact, key_compact)
            key.set_class(key_compact, "-compact", update=False)
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

    def update_now(self) -> None:
        """Show the keys now if an update waits for a refresh: a screen covered by
        another (Help opened by a key typed ahead, before Home was built) runs no
        after-refresh callbacks, and its keys would stay blank beneath."""
        if self._pending:
            self.call_later(self._update_keys)

    async def _update_keys(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        signature = self._signature()
        if signature == self._shown:
            return
        first = self._shown is None
        self._shown = signature
        if first:
            await self.recompose()
        else:
            await self._reuse_keys([k for k in self.compose() if isinstance(k, FooterKey)])

    async def _reuse_keys(self, wanted: list[FooterKey]) -> None:
        """Show ``wanted`` by changing the keys on screen in place, mounting or removing
        only the difference: between Review's phases one or two keys differ, and a new
        FooterKey costs a full styling (a recompose of ten keys was most of a key press)."""
        shown = list(self.query_children(FooterKey))
        palette = [k for k in shown if k.has_class("-command-palette")]
        shown = [k for k in shown if not k.has_class("-command-palette")]
        wanted_palette = [k for k in wanted if k.has_class("-command-palette")]
        wanted = [k for k in wanted if not k.has_class("-command-palette")]
        for old, new in zip(shown, wanted, strict=False):
            _become(old, new)
        for key, new in zip(palette, wanted_palette, strict=False):
            _become(key, new)
        surplus = shown[len(wanted) :] + palette[len(wanted_palette) :]
        if surplus:
            await self.remove_children(surplus)
        extra = wanted[len(shown) :]
        if extra:
            # Before the command-palette key, where a recompose would put them.
            if palette and wanted_palette:
                await self.mount_all(extra, before=palette[0])
            else:
                await self.mount_all(extra)
        extra_palette = wanted_palette[len(palette) :]
        if extra_palette:
            await self.mount_all(extra_palette)


def _become(key: FooterKey, new: FooterKey) -> None:
    """Make the mounted ``key`` show what the unmounted ``new`` would."""
    key.key, key.key_display, key.description = new.key, new.key_display, new.description
    key.action, key._disabled = new.action, new._disabled
    key.tooltip = new.tooltip
    key.set_class(new._disabled, "-disabled")
    key.set_class(new.has_class("-grouped"), "-grouped")
    key.refresh(layout=True)


__all__ = ["KeyFooter"]
