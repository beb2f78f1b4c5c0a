"""What a hostile-corpus case is (tests/hostile_corpus.py builds them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ESC = "\x1b[2J\x1b]52;c;cm0gLXJmIH4K\x07\x1b]0;pwned\x07"


@dataclass
class Case:
    name: str
    kind: str  # "deck" (dlcards import) or "progress" (dlcards progress import)
    filename: str
    data: bytes
    expect: str  # "ok" or "refused"
    words: tuple[str, ...] = ()  # in the refusal message
    caps: dict[str, int] = field(default_factory=dict)  # limits.* lowered for this case
    check: Callable[[list[dict[str, object]]], bool] | None = None  # on imported cards
