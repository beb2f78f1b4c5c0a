"""Keys typed before the app's first card is ready wait for it, and then act in order.

``dlcards study`` and ``dlcards practice`` open on the Review screen itself (issue 13:
so that the first frame written is the whole card). Textual starts that screen's
message loop alongside the app's, so a key read early (typed during the start-up, or
by a fast typist) could reach the app before the first card was mounted and its
answer box focused: Textual hands a key to whatever is focused when the app reads it,
and an answer's "s" went to the screen as Suspend. Until the screen says its card is
ready (``release_input``) the app keeps such keys, then hands them on in the order
they were typed, before any key read after them.
"""

from __future__ import annotations

from textual import events
from textual.app import App


class HoldsEarlyInput(App[None]):
    """Mixed into ``DlcardsApp``: ``hold_input`` at start, ``release_input`` when ready."""

    _held_input: list[events.Key | events.Paste] | None = None
    _replayed: set[int] = set()  # noqa: RUF012  (replaced per instance in hold_input)

    def hold_input(self) -> None:
        """Keep keys and pastes from now until ``release_input``."""
        self._held_input = []
        self._replayed = set()

    def release_input(self) -> None:
        """Hand on what was kept, in order, then stop keeping (from the app's queue, so
        that a key read before this call is handed on before one read after it)."""
        if self._held_input is not None:
            self.call_later(self._replay_held)

    def _replay_held(self) -> None:
        held = self._held_input
        if held is None:
            return
        if not held:
            self._held_input = None
            return
        # Posted again behind any key the app has read but not yet handled: those are
        # kept in their turn (they are not among the replayed) and replayed next round.
        self._held_input = []
        for event in held:
            again: events.Key | events.Paste
            if isinstance(event, events.Key):
                again = events.Key(event.key, event.character)
            else:
                again = events.Paste(event.text)
            self._replayed.add(id(again))
            self.post_message(again)
        self.call_later(self._replay_held)

    async def on_event(self, event: events.Event) -> None:
        if (
            self._held_input is not None
            and isinstance(event, events.Key | events.Paste)
            and not event.is_forwarded
        ):
            if id(event) in self._replayed:
                self._replayed.discard(id(event))
            else:
                self._held_input.append(event)
                return
        await super().on_event(event)
