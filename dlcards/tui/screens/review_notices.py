"""The review's notices: a leech suspended or tagged; leaving a checked answer ungraded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlcards.study.items import QueueItem


def notify_leech_shown(screen: Any, item: QueueItem) -> None:
    """A leech is on screen: say so, and what to do about it."""
    lapses = item.state.lapses if item.state else 0
    screen.notify(
        f"Leech: forgotten {lapses} times. Consider rewriting it (e) or suspending it (s).",
        title="Leech",
        severity="warning",
    )


def notify_leech(screen: Any, last_leech: str | None, item: QueueItem) -> None:
    """Tell what the grade just given did to a leech (``Session.last_leech``)."""
    if last_leech == "suspended":
        screen.notify(
            f"“{item.ref.card_id}” is a leech and was suspended "
            '(leech_action = "suspend"). Rewrite it, then unsuspend it from '
            "the card browser (/ on Home).",
            title="Leech suspended",
            severity="warning",
            timeout=10,
        )
    elif last_leech == "tagged":
        screen.notify(
            f"“{item.ref.card_id}” is now a leech: it keeps being forgotten. "
            "Consider rewriting or suspending it.",
            title="Leech",
            severity="warning",
            timeout=8,
        )


def ask_before_leaving_ungraded(screen: Any, item: QueueItem, leave: Callable[[], object]) -> None:
    """A checked answer waits for its grade: leaving would drop it, so ask first (known
    issue 25: Esc went Home without a word). y or Enter leaves, n or Esc stays."""
    from dlcards.tui.screens.confirm import ConfirmScreen

    def answered(yes: bool | None) -> None:
        if yes:
            leave()

    screen.app.push_screen(
        ConfirmScreen(
            "Leave without grading?",
            f"Your checked answer to “{item.ref.card_id}” is not counted unless you grade "
            "it (Enter on the card accepts the suggested grade).",
            enter_is_yes=True,
            answers=("leave", "stay"),
        ),
        answered,
    )
