"""One screen per module: home, review, summary, stats, help, profiles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlcards.tui.screens.home import HomeScreen


# The rules of every screen but Review (Review's are in ../dlcards.tcss): each of those
# screens names it as its CSS_PATH, and the app reads it at start when it opens on Home.
SCREENS_CSS = Path(__file__).with_name("screens.tcss")


def home_screen_class() -> type[HomeScreen]:
    """Home's class, its module imported on first use: ``dlcards study`` opens straight
    into Review and need not load Home (its deck table, its counts) before that."""
    from dlcards.tui.screens.home import HomeScreen

    return HomeScreen
