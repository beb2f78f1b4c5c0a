"""What the TUI says when there is nothing to study, and what to do about it."""

from __future__ import annotations

from dlcards import config
from dlcards.study.empty import new_cards_note
from dlcards.study.session import StudySession
from dlcards.tui.screens.home import days_until
from dlcards.wording import plural


def nothing_due(session: StudySession, home: config.Home | None) -> str:
    """Why there is nothing to study, and what to do (DESIGN: empty states say what to do)."""
    if not session.refs:
        where = f"{home.decks_dir}/" if home else "<home>/decks/"
        return f"No cards match. Add .toml decks to {where} or use --deck-path."
    parts = ["Nothing due today."]
    next_due = session.next_due()
    if next_due is not None:
        parts.append(f"Next review: {days_until(next_due, session.today)}.")
    unseen = session.unseen_left()
    if unseen:
        parts.append(new_cards_note(session.settings.new_per_day, unseen))
    buried = session.buried_count()
    if buried:
        parts.append(f"{plural(buried, 'card')} buried until tomorrow.")
    return " ".join(parts)
