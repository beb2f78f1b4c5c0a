"""Numbers in words, as the UIs and the problems show them: counted nouns, clock times."""

from __future__ import annotations

import re


def plural(count: int, word: str, *, grouped: bool = False) -> str:
    """``count`` and ``word``, with an s unless the count is one: "1 card", "3 cards".

    ``grouped`` writes thousands with commas ("12,000 cards").
    """
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {word}" + ("" if count == 1 else "s")


def clock_text(seconds: float) -> str:
    """Seconds as a clock shows them, minutes:seconds ("1:05"); never below 0:00."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def article(count: int) -> str:
    """ "a" or "an" before ``count`` read aloud: "an 8×8", "an 11×11", "an 18", "a 12×12"."""
    digits = str(abs(count))
    # Said with a vowel first: eight…, eighty…, eight hundred…; eleven and eighteen (and
    # their thousands, millions: groups of 2 leading digits).
    if digits[0] == "8" or (len(digits) % 3 == 2 and digits[:2] in ("11", "18")):
        return "an"
    return "a"


_ASCII_MINUS = re.compile(r"(?<![A-Za-z_\d])-(?=[\d.])|(?<=\de)-(?=\d)")


def unicode_minus(text: str) -> str:
    """Signs of numbers in ``text`` written with "−" as every prompt writes them.

    For showing an answer ("Expected: −3.99"); what people type may use either, and
    dlcards.answers reads both. Hyphens inside words are left alone.
    """
    return _ASCII_MINUS.sub("−", text)
