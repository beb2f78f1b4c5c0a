"""Which files under a deck folder are decks (DESIGN §3): discovery, --deck-path,
DLCARDS_DECK_PATH and ``validate DIR`` all search a folder with :func:`tomls_in`."""

from __future__ import annotations

import os
import re
from pathlib import Path

# A [deck] table, or deck = {…}: what makes a .toml a deck (deck.py requires one).
_DECK_TABLE = re.compile(rb"^[ \t]*(\[[ \t]*deck[ \t]*\]|deck[ \t]*=)", re.MULTILINE)


def tomls_in(folder: Path) -> list[Path]:
    """The deck files under a folder, recursively, sorted by path (DESIGN §3).

    As discovery, --deck-path and ``validate DIR`` find them. Hidden folders and
    symlinked folders are not entered (no ``.git``, no loops). A ``.toml`` directly in
    the folder is a deck, and an error if it is not one; deeper, a file with no
    ``[deck]`` table (a ``pyproject.toml``, a tool's settings) is not a deck and is passed
    over, so that a folder of notes never turns into errors the user did not cause.
    """
    found = [p for p in folder.glob("*.toml") if p.is_file()]
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if Path(root) != folder:
            found += [
                Path(root, name)
                for name in files
                if name.endswith(".toml")
                and not name.startswith(".")
                and _has_deck_table(Path(root, name))
            ]
    return sorted(found)


def _has_deck_table(path: Path) -> bool:
    try:
        return _DECK_TABLE.search(path.read_bytes()) is not None
    except OSError:
        return True  # unreadable: loading it reports the reason
