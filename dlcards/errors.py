"""The one exception type the CLI turns into a one-line message."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: ``dlcards: <what went wrong> — <what to do>``."""

    def __init__(self, what: str, todo: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.todo = todo

    def __str__(self) -> str:
        return f"{self.what} — {self.todo}" if self.todo else self.what


class DeckError(Exception):
    """A deck that cannot be loaded; ``messages`` are located ``path:line: …`` lines."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages[0] if messages else "invalid deck")
        self.messages = messages
