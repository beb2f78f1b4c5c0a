"""Typed answers ({{type:Field}} cards from Anki): checked and compared as Anki does.

Anki takes a typed answer as right when it equals the field's text; dlcards also
forgives case and spacing (inner runs of spaces, and at the ends), in plain mode and
the TUI alike. Anki then shows where the two differ, character by character: here
:func:`compare` splits both into pieces that match and pieces that do not, with
``difflib`` doing the alignment.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

Mark = Literal["same", "wrong", "missing"]


@dataclass(frozen=True)
class Piece:
    """A run of characters of one answer: ``same`` in both, ``wrong`` (typed, not
    expected) or ``missing`` (expected, not typed)."""

    text: str
    mark: Mark


def tidy(text: str) -> str:
    """The text with its spacing made single and the ends trimmed."""
    return " ".join(text.split())


def is_right(typed: str, expected: str) -> bool:
    return tidy(typed).casefold() == tidy(expected).casefold()


def compare(typed: str, expected: str) -> tuple[list[Piece], list[Piece]]:
    """The typed answer and the expected one, each cut into marked pieces.

    Case is ignored in the alignment (as in :func:`is_right`), so "hund" against "Hund"
    is all ``same``; each side keeps its own spelling.
    """
    mine, want = tidy(typed), tidy(expected)
    matcher = difflib.SequenceMatcher(None, mine.casefold(), want.casefold(), autojunk=False)
    yours: list[Piece] = []
    theirs: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yours.append(Piece(mine[i1:i2], "same"))
            theirs.append(Piece(want[j1:j2], "same"))
            continue
        if i2 > i1:
            yours.append(Piece(mine[i1:i2], "wrong"))
        if j2 > j1:
            theirs.append(Piece(want[j1:j2], "missing"))
    return yours, theirs
