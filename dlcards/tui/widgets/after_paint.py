"""A widget that does some work only once it has been painted (issue 13).

A card's hidden parts (the back's Markdown, a compute card's check) are built
after the card is on screen. ``call_after_refresh`` from ``on_mount`` is not late
enough for a session's first card: Textual starts the app inside a batch update,
during which such callbacks run at once, before anything is painted; ``on_show``
comes before the paint too. ``render_lines`` is where the compositor draws this
widget into a frame, and Textual writes that frame out in the same call (unless in
a batch update); ``call_after_refresh`` from there, outside a batch, waits until the
screen has nothing left to lay out or paint.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget


class AfterFirstPaint(Widget):
    """Calls ``after_first_paint`` once, after the first frame this widget is drawn in,
    and posts ``Painted`` then (the screen builds its own hidden parts on it)."""

    class Painted(Message):
        """The widget has been painted for the first time."""

    _first_painted = False

    def render_lines(self, crop: Region) -> list[Strip]:
        # A frame drawn inside a batch update is not written out (Textual's _display
        # drops it): only a frame drawn outside one is a paint.
        if not self._first_painted and not getattr(self.app, "_batch_count", 0):
            self._first_painted = True
            # And once the screen has nothing left to lay out or paint (the rest of
            # the first screen, such as the session bar, may come a frame later).
            self.call_after_refresh(self._first_painted_now)
        return super().render_lines(crop)

    async def _first_painted_now(self) -> None:
        self.post_message(self.Painted())
        await self.after_first_paint()

    async def after_first_paint(self) -> None:
        """Override: the work to do once the widget is on screen."""
