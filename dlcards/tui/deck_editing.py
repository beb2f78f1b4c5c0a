"""Editing a card's deck from the TUI: the editor gets the terminal, then the decks reload.

A mixin of ``DlcardsApp``; the Review and Card screens call ``edit_card``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from textual.app import App

from dlcards import config
from dlcards.collection import CardRef, Collection, load_collection
from dlcards.errors import UserError


def copied_text(path: Path) -> str:
    """Where the copy of a shipped deck went: the folder and the file name each on a line
    of their own, so a narrow toast does not break the path mid-word (known issue 32)."""
    folder = str(path.parent)
    home = str(Path.home())
    if folder == home or folder.startswith(home + os.sep):
        folder = "~" + folder[len(home) :]
    return (
        f"Copied the shipped deck to\n{folder}{os.sep}\n{path.name}\n— your copy now replaces it."
    )


class DeckEditing(App[None]):
    """``edit_card`` and what it needs; the app sets these attributes."""

    collection: Collection
    settings: config.Settings
    home: config.Home | None
    _reload: Callable[[], Collection] | None

    def edit_card(self, ref: CardRef) -> Collection | None:
        """Open the card's deck at its line in the editor, then reload the decks.

        A shipped deck is first copied to ``<home>/decks/`` (the copy overrides it).
        Returns the reloaded collection, or None when nothing was edited.
        """
        from dlcards.tui.editor import editor_argv, user_copy

        deck = self.collection.deck(ref.deck_id)
        if deck is None:
            return None
        path = deck.path
        if deck.shipped:
            if self.home is None:
                self.notify(
                    "Shipped decks can only be edited as a copy in <home>/decks/.",
                    severity="warning",
                )
                return None
            path = user_copy(self.home, deck.path, deck.id)
            self.notify(copied_text(path), title="Editing your copy", timeout=8)
        try:
            argv = editor_argv(self.settings.editor, path, ref.line)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        if not self.run_editor(argv):
            return None
        return self.reload_collection(path)

    def run_editor(self, argv: list[str]) -> bool:
        """Run the editor with the terminal handed over to it; False if it could not start."""
        from textual.app import SuspendNotSupported

        try:
            with self.suspend():
                subprocess.run(argv, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
            return False
        except OSError as exc:
            self.notify(
                f"Could not start the editor {argv[0]!r}: {exc.strerror or exc}. "
                "Set editor in config.toml or $EDITOR.",
                severity="error",
            )
            return False
        return True

    def reload_collection(self, edited: Path | None = None) -> Collection:
        """Load the decks again; a deck the edit broke is reported with its first error."""
        if self._reload is not None:
            collection = self._reload()
        else:
            deck_dir = self.home.decks_dir if self.home else None
            collection = load_collection(deck_dir, (), self.collection.cache)
        if edited is not None:
            broken = [m for m in collection.errors if m.startswith(str(edited))]
            if broken:
                self.notify(
                    broken[0], title="The deck no longer loads", severity="error", timeout=12
                )
        self.collection = collection
        return collection
