"""One screen per module: home, review, summary, stats, help, profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlcards.tui.screens.home import HomeScreen


def home_screen_class() -> type[HomeScreen]:
    """Home's class, its module imported on first use: ``dlcards study`` opens straight
    into Review and need not load Home (its deck table, its counts) before that."""
    from dlcards.tui.screens.home import HomeScreen

    return HomeScreen
