"""One invocation's state and the helpers every command shares that need no Typer.

The TUI's start (``dlcards``, ``study``, ``practice``) can run without building the
Typer app (``dlcards.cli.fast``): importing typer and building its commands cost
about 60 ms before the first card. So what those paths need lives here, on the
standard library alone; ``dlcards.cli.shared`` adds the Typer-specific parts.

The state is one per invocation, never a module-level cache: the tests run many
invocations in one process and each must start afresh, as a new process would.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dlcards.textsafe import one_line

if TYPE_CHECKING:
    from dlcards.context import AppContext

# What click.echo strips from text written to something other than a terminal (its
# ``_ansi_re``): messages print the same with or without Typer.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def echo(message: str, *, err: bool = False) -> None:
    """``message`` and a newline on stdout (stderr), as ``typer.echo`` writes it."""
    stream = sys.stderr if err else sys.stdout
    try:
        terminal = stream.isatty()
    except Exception:  # a replaced stream without isatty: not a terminal, as click says
        terminal = False
    if not terminal:
        message = _ANSI.sub("", message)
    stream.write(message + "\n")
    stream.flush()


def echo_err(message: str) -> None:
    """``message`` and a newline on stderr, as ``typer.echo(message, err=True)`` writes it."""
    echo(message, err=True)


@dataclass
class CliState:
    """The global options of one invocation, and the context built from them on first use."""

    home: str | None = None
    user: str | None = None
    deck_paths: list[str] = field(default_factory=list)
    debug: bool = False
    context: AppContext | None = None

    def app_context(self) -> AppContext:
        if self.context is None:
            from dlcards.config import resolve_home
            from dlcards.context import AppContext

            self.context = AppContext(
                resolve_home(self.home),
                self.user,
                self.deck_paths,
                self.debug,
                confirm_new_profile=_ask_new_profile if on_terminal() else None,
            )
        return self.context

    def close(self) -> None:
        if self.context is not None:
            try:
                # The session's end: the daily backup's check, told once if it failed.
                if message := self.context.after_session():
                    echo_err(f"dlcards: {message}")
            finally:
                self.context.close()
                self.context = None


def _ask_new_profile(name: str, others: list[str]) -> bool:
    """On a terminal, ``--user NAME`` for a new profile asks first (a typo is likely)."""
    import typer  # a question on a terminal: Typer's prompt, loaded only to ask it

    question = f"No profile '{name}' here (profiles: {', '.join(others)}). Create it?"
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:  # end of input: a no
        typer.echo()
        return False


def report_deck_errors(errors: list[str]) -> None:
    """One stderr line per deck that failed to load: its first error (DESIGN §7)."""
    from dlcards.collection import errors_by_file

    for path, messages in errors_by_file(errors).items():
        first = messages[0].splitlines()[0] if messages[0] else path
        more = len(messages) - 1
        if more:
            first += f" (and {more} more: 'dlcards validate {path}' lists them)"
        echo_err(f"dlcards: {one_line(first)}")


def require_decks(ctx: AppContext, ids: list[str] | None) -> list[str]:
    """Check ``--deck`` ids against the loaded decks."""
    from dlcards.errors import UserError

    ids = list(ids or [])
    known = {d.id for d in ctx.collection.decks}
    for deck_id in ids:
        if deck_id not in known:
            raise UserError(f"no deck with id '{deck_id}'", "run 'dlcards decks' to list them")
    return ids


def on_terminal() -> bool:
    """Whether both stdin and stdout are a terminal: the TUI, else line mode (DESIGN §7)."""
    return sys.stdin.isatty() and sys.stdout.isatty()
