"""The review's media key: ``o`` opens the card's images and sounds (issue 12)."""

from __future__ import annotations

from typing import Any


class MediaKeys:
    """Mixed into ReviewScreen: which files the card on screen shows, and opening them."""

    # Provided by the screen (annotations only: nothing here shadows them).
    item: Any
    phase: str
    dlcards_app: Any
    notify: Any

    def _media_names(self) -> list[str]:
        """The images and sounds the card on screen shows as [image: …] / [sound:…]."""
        from dlcards.media import shown_references

        card = self.item.card if self.item is not None else None
        if card is None or self.dlcards_app.home is None:
            return []
        shown = card.front + ("\n" + card.back if self.phase == "back" else "")
        return shown_references(shown)

    def action_open_media(self) -> None:
        from dlcards.media import deck_media_dir, inside, open_in_viewer

        assert self.item is not None and self.dlcards_app.home is not None
        folder = deck_media_dir(self.dlcards_app.home.root / "media", self.item.ref.deck_id)
        opened, missing = [], []
        for name in self._media_names()[:5]:
            path = inside(folder, name)
            if path is not None and path.is_file():
                try:
                    open_in_viewer(path)
                except OSError as error:
                    # No system viewer here (no xdg-open on a server): say where the
                    # file is so it can be opened by hand, instead of ending the review.
                    self.notify(
                        f"Could not start a viewer ({error.strerror or error}): the file is {path}",
                        severity="warning",
                    )
                    return
                opened.append(name)
            else:
                missing.append(name)
        if missing:
            self.notify(
                f"Not in {folder}: {', '.join(missing)} (import the .apkg that has it)",
                severity="warning",
            )
        elif opened:
            self.notify(f"Opened {', '.join(opened)} in your viewer.")
