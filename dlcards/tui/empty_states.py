"""What the TUI says when there is nothing to study, and what to do about it."""

from __future__ import annotations

from dlcards import config
from dlcards.study.empty import nothing_due_parts
from dlcards.study.session import StudySession
from dlcards.tui.screens.home import days_until


def nothing_due(session: StudySession, home: config.Home | None) -> str:
    """Why there is nothing to study, and what to do (DESIGN: empty states say what to do)."""
    if not session.refs:
        where = f"{home.decks_dir}/" if home else "<home>/decks/"
        return f"No cards match. Add .toml decks to {where} or use --deck-path."
    return " ".join(nothing_due_parts(session, lambda day: days_until(day, session.today)))
