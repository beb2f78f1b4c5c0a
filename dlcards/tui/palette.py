"""The command palette's entries (Ctrl+P): the app's main actions by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp


def system_commands(app: DlcardsApp) -> Iterator[SystemCommand]:
    yield SystemCommand(
        "Study all due", "Review everything due in every deck", app.action_study_all
    )
    yield SystemCommand("Stats", "Heatmap, forecast, retention, hardest cards", app.action_stats)
    yield SystemCommand(
        "Practice", "Weakest cards first, compute drills, interview mode", app.action_practice
    )
    yield SystemCommand(
        "Browse cards", "Search every card; its history; suspend, reset", app.action_browse
    )
    yield SystemCommand(
        "Switch profile", "Study as someone else, or start a new profile", app.action_profiles
    )
    yield SystemCommand(
        "Toggle theme", "Dark or light (saved in config.toml)", app.action_toggle_theme
    )
    yield SystemCommand("Help", "Keys, grades and how to type answers", app.action_help)
    yield SystemCommand("Quit", "Quit dlcards (every grade is already saved)", app.exit)
