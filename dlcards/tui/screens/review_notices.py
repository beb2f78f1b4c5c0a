"""The review's notifications: a leech suspended or tagged, an answer left ungraded."""

from __future__ import annotations

from typing import Any

from dlcards.study.items import QueueItem


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


def notify_left_ungraded(screen: Any, item: QueueItem) -> None:
    """Leaving after the check, before the grade: that answer is not counted (known
    issue 25: it was dropped without a word)."""
    card = item.ref.card_id
    screen.notify(f"Left before grading “{card}”: that answer was not counted.")
