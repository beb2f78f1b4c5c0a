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
    """A deck that cannot be loaded; ``messages`` are located ``path:line: …`` lines.

    ``warnings`` are what the parse also found short of an error (``dlcards validate``
    shows them too, so that fixing the errors does not bring up new problems).
    """

    def __init__(self, messages: list[str], warnings: list[str] | None = None) -> None:
        super().__init__(messages[0] if messages else "invalid deck")
        self.messages = messages
        self.warnings = warnings or []
